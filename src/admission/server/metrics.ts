// Prometheus metrics of the webhook, in a registry of its own (never prom-client's global one,
// so two servers in one process do not collide).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ImageFactsCacheStats } from '../../policy/index.ts';
import type { AuditRecord } from '../handler/audit-record.ts';

export interface WebhookMetrics {
  readonly registry: Registry;
  observe(record: AuditRecord, seconds: number): void;
  policyLoad(ok: boolean, policies: number): void;
  badRequest(): void;
}

/** Tallies of the optional Kubernetes API reads, read at scrape time. */
export interface ApiReadStats {
  /** Namespace lookups (--namespaces-from-api): cache hits, API reads, failed reads. */
  readonly namespaces?: () => { readonly hits: number; readonly misses: number; readonly errors: number };
  /** Scoped facts services held for pods' pull secrets (--pull-secrets-from-api). */
  readonly pullSecretScopes?: () => number;
}

export function createWebhookMetrics(
  cacheStats?: () => ImageFactsCacheStats | undefined,
  apiReads: ApiReadStats = {},
): WebhookMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'bosun_webhook_process_' });
  const requests = new Counter({
    name: 'bosun_webhook_requests_total',
    help: 'Admission requests answered, by endpoint, kind and decision.',
    labelNames: ['mode', 'kind', 'decision'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'bosun_webhook_request_duration_seconds',
    help: 'Time to answer an admission request.',
    labelNames: ['mode'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const registryErrors = new Counter({
    name: 'bosun_webhook_registry_errors_total',
    help: 'Image facts lookups that failed, by error code.',
    labelNames: ['code'] as const,
    registers: [registry],
  });
  const failOpen = new Counter({
    name: 'bosun_webhook_fail_open_total',
    help: 'Rules that could not decide and were allowed because their policy fails open.',
    registers: [registry],
  });
  const loadErrors = new Counter({
    name: 'bosun_webhook_policy_load_errors_total',
    help: 'Policy reloads that failed (the last good set stays in force).',
    registers: [registry],
  });
  const policies = new Gauge({
    name: 'bosun_webhook_policies',
    help: 'Policies in force.',
    registers: [registry],
  });
  const badRequests = new Counter({
    name: 'bosun_webhook_bad_requests_total',
    help: 'Requests that were not a valid AdmissionReview.',
    registers: [registry],
  });
  // Cache counters mirror the facts service's own tallies at scrape time.
  const last = { hits: 0, misses: 0, shared: 0 };
  const mirror = (name: 'hits' | 'misses' | 'shared', help: string): void => {
    new Counter({
      name: `bosun_webhook_facts_cache_${name}_total`,
      help,
      registers: [registry],
      collect() {
        const now = cacheStats?.()?.[name] ?? last[name];
        if (now > last[name]) this.inc(now - last[name]);
        last[name] = now;
      },
    });
  };
  mirror('hits', 'Image facts answered from the cache.');
  mirror('misses', 'Image facts looked up in a registry.');
  mirror('shared', 'Image facts lookups that joined one already in flight.');
  if (apiReads.namespaces !== undefined) {
    const read = apiReads.namespaces;
    const seen = { hits: 0, misses: 0, errors: 0 };
    new Counter({
      name: 'bosun_webhook_namespace_lookups_total',
      help: 'Namespace label lookups: answered from the cache (hit), read from the API (miss), failed (error).',
      labelNames: ['result'] as const,
      registers: [registry],
      collect() {
        const now = read();
        for (const [result, key] of [
          ['hit', 'hits'],
          ['miss', 'misses'],
          ['error', 'errors'],
        ] as const) {
          if (now[key] > seen[key]) this.inc({ result }, now[key] - seen[key]);
          seen[key] = now[key];
        }
      },
    });
  }
  if (apiReads.pullSecretScopes !== undefined) {
    const read = apiReads.pullSecretScopes;
    new Gauge({
      name: 'bosun_webhook_pull_secret_scopes',
      help: "Facts caches held for pods' own pull secrets (one per namespace and secret set).",
      registers: [registry],
      collect() {
        this.set(read());
      },
    });
  }
  return {
    registry,
    observe(record, seconds) {
      requests.inc({ mode: record.mode, kind: record.kind, decision: record.decision });
      latency.observe({ mode: record.mode }, seconds);
      for (const f of record.factFailures) registryErrors.inc({ code: f.code });
      if (record.failOpen.length > 0) failOpen.inc(record.failOpen.length);
    },
    policyLoad(ok, count) {
      if (!ok) loadErrors.inc();
      policies.set(count);
    },
    badRequest() {
      badRequests.inc();
    },
  };
}
