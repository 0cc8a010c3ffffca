// The HTTPS webhook server: routes, body limits, deadlines, reloads, metrics, logs and audit.
// Thin by design: decisions are handleAdmission's; this file only moves bytes and records.
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BosunError, isBosunError } from '../../util/errors.ts';
import type { AdmissionRequest, AdmissionResponse } from '../review/types.ts';
import type { ImageFacts, ImageFactsCacheStats, LoadOptions } from '../../policy/index.ts';
import {
  decodeAdmissionReview,
  encodeAdmissionResponse,
  peekRequestUid,
  DEFAULT_REVIEW_LIMITS,
} from '../review/codec.ts';
import { handleAdmission, type NoMatchMode } from '../handler/handle.ts';
import type { AuditRecord } from '../handler/audit-record.ts';
import type { EngineNamespace, FailurePolicy } from '../engine/types.ts';
import { PolicyStore, type PolicyLoadStatus } from './policy-store.ts';
import { readTlsMaterial, type TlsFiles } from './tls-files.ts';
import { watchPaths, type Watcher } from './file-watch.ts';
import { createWebhookMetrics, type ApiReadStats, type WebhookMetrics } from './metrics.ts';

export interface LogEntry {
  readonly level: 'info' | 'warn' | 'error';
  readonly msg: string;
  readonly [field: string]: unknown;
}

export interface WebhookServerOptions {
  readonly tls: TlsFiles;
  /** Policy files and directories (ConfigMap mounts). */
  readonly policyPaths: readonly string[];
  readonly facts: ImageFacts & { readonly stats?: ImageFactsCacheStats };
  /**
   * Facts for one request in place of `facts` (the pod's imagePullSecrets read through the
   * Kubernetes API: createPullSecretFacts). Must not reject; its time counts against the deadline.
   */
  readonly factsFor?: (request: AdmissionRequest, signal: AbortSignal) => Promise<ImageFacts>;
  /**
   * A namespace's labels and object (Kubernetes API: createNamespaceLookup), read for requests when
   * a policy selects by namespaceSelector or uses namespaceObject. Its time counts against the deadline.
   */
  readonly namespaceFor?: (name: string, signal: AbortSignal) => Promise<EngineNamespace>;
  /** Tallies of those API reads for /metrics. */
  readonly apiReadStats?: ApiReadStats;
  readonly port?: number;
  readonly host?: string;
  readonly noMatch?: NoMatchMode;
  /** Failure policy of policies that do not set one, and of engine failures (default Fail). */
  readonly failurePolicy?: FailurePolicy;
  /** Per-request deadline; keep it below the webhook configuration's timeoutSeconds (default 8 s). */
  readonly deadlineMs?: number;
  readonly maxBodyBytes?: number;
  /** Watch policy and TLS files (default true); poll interval for missed events (default 5 s). */
  readonly watch?: boolean;
  readonly pollMs?: number;
  readonly loadOptions?: LoadOptions;
  /** JSON log lines (request UID, never objects or secrets). */
  readonly log?: (entry: LogEntry) => void;
  /** Decision records, one per admission request. */
  readonly audit?: (record: AuditRecord) => void;
}

export interface WebhookServer {
  readonly url: string;
  readonly port: number;
  readonly metrics: WebhookMetrics;
  readonly policies: PolicyStore;
  reloadPolicies(): Promise<PolicyLoadStatus>;
  reloadTls(): Promise<boolean>;
  close(): Promise<void>;
}

/** Starts the webhook; rejects when the TLS pair or the first policy load fails. */
export async function startWebhookServer(options: WebhookServerOptions): Promise<WebhookServer> {
  const log = options.log ?? (() => undefined);
  const deadlineMs = options.deadlineMs ?? 8000;
  const maxBody = options.maxBodyBytes ?? DEFAULT_REVIEW_LIMITS.maxBytes;
  const metrics = createWebhookMetrics(() => options.facts.stats, options.apiReadStats);
  const store = new PolicyStore({
    paths: options.policyPaths,
    ...(options.failurePolicy === undefined ? {} : { defaultFailurePolicy: options.failurePolicy }),
    ...(options.loadOptions === undefined ? {} : { load: options.loadOptions }),
  });
  store.onReload = (s) => {
    metrics.policyLoad(s.ok, s.policies);
    if (s.ok)
      log({ level: 'info', msg: 'policies loaded', policies: s.policies, fingerprint: s.fingerprint });
    else log({ level: 'error', msg: 'policy load failed; keeping the last good set', error: s.error });
  };
  const first = await store.reload();
  if (!first.ok) {
    throw new BosunError('POLICY_INVALID', `policies could not be loaded: ${first.error?.message ?? ''}`, {
      details: { input: options.policyPaths.join(','), code: first.error?.code },
    });
  }
  let tls = await readTlsMaterial(options.tls);

  const server: Server = createServer({ cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2' }, (req, res) => {
    route(req, res).catch((error: unknown) => {
      log({ level: 'error', msg: 'unhandled error answering a request', error: String(error).slice(0, 300) });
      if (!res.headersSent) send(res, 500, 'text/plain', 'internal error\n');
      else res.destroy();
    });
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = deadlineMs + 5000;
  server.keepAliveTimeout = 65_000;

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/healthz') return send(res, 200, 'text/plain', 'ok\n');
    if (req.method === 'GET' && path === '/readyz') {
      const s = store.status;
      const ready = store.engine !== undefined;
      return send(res, ready ? 200 : 503, 'application/json', JSON.stringify({ ready, ...s }) + '\n');
    }
    if (req.method === 'GET' && path === '/metrics') {
      return send(res, 200, metrics.registry.contentType, await metrics.registry.metrics());
    }
    if (req.method === 'POST' && (path === '/validate' || path === '/mutate')) {
      return admit(req, res, path === '/validate' ? 'validate' : 'mutate');
    }
    return send(res, 404, 'text/plain', 'not found\n');
  }

  async function admit(
    req: IncomingMessage,
    res: ServerResponse,
    mode: 'validate' | 'mutate',
  ): Promise<void> {
    const started = performance.now();
    const signal = AbortSignal.timeout(deadlineMs);
    const body = await readBody(req, maxBody);
    if (body === undefined) {
      metrics.badRequest();
      return send(res, 413, 'text/plain', `body over ${maxBody} bytes\n`);
    }
    let request;
    try {
      request = decodeAdmissionReview(body, { maxBytes: maxBody });
    } catch (error) {
      metrics.badRequest();
      const code = isBosunError(error) ? error.code : 'INTERNAL';
      log({ level: 'warn', msg: 'invalid AdmissionReview', uid: peekRequestUid(body), code });
      return send(res, 400, 'text/plain', `invalid AdmissionReview (${code})\n`);
    }
    const engine = store.engine!;
    const fallback = options.failurePolicy ?? 'Fail';
    // The handler never throws and its facts race the deadline; this outer race also covers
    // time spent in evaluation itself, so the API server always gets an answer in time.
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), deadlineMs + 250);
    });
    const factsFor = options.factsFor;
    const namespaceFor = options.namespaceFor;
    const facts =
      factsFor === undefined ? options.facts : lazyFacts(options.facts, () => factsFor(request, signal));
    const result = await Promise.race([
      handleAdmission(request, engine, facts, {
        mode,
        signal,
        failurePolicy: fallback,
        ...(options.noMatch === undefined ? {} : { noMatch: options.noMatch }),
        ...(namespaceFor === undefined ? {} : { namespace: (name: string) => namespaceFor(name, signal) }),
      }),
      late,
    ]);
    clearTimeout(timer);
    const outcome =
      result === 'late'
        ? lateOutcome(request.uid, request.kind.kind, request.operation, request.dryRun, mode, fallback)
        : result;
    const seconds = (performance.now() - started) / 1000;
    metrics.observe(outcome.audit, seconds);
    options.audit?.(outcome.audit);
    log({
      level: 'info',
      msg: 'admission request answered',
      uid: request.uid,
      mode,
      kind: request.kind.kind,
      namespace: request.namespace,
      operation: request.operation,
      dryRun: request.dryRun,
      decision: outcome.audit.decision,
      ms: Math.round(seconds * 1000 * 10) / 10,
    });
    return send(res, 200, 'application/json', encodeAdmissionResponse(outcome.response));
  }

  const watchers: Watcher[] = [];
  async function reloadTls(): Promise<boolean> {
    try {
      const next = await readTlsMaterial(options.tls);
      if (next.fingerprint === tls.fingerprint) return false;
      server.setSecureContext({ cert: next.cert, key: next.key, minVersion: 'TLSv1.2' });
      tls = next;
      log({ level: 'info', msg: 'TLS certificate reloaded' });
      return true;
    } catch (error) {
      log({
        level: 'error',
        msg: 'TLS reload failed; keeping the current certificate',
        error: String(error).slice(0, 300),
      });
      return false;
    }
  }
  const reloadPolicies = (): Promise<PolicyLoadStatus> => store.reload();
  if (options.watch ?? true) {
    const poll = options.pollMs === undefined ? {} : { pollMs: options.pollMs };
    watchers.push(watchPaths(options.policyPaths, () => void reloadPolicies(), poll));
    watchers.push(watchPaths([options.tls.certFile, options.tls.keyFile], () => void reloadTls(), poll));
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8443, options.host ?? '0.0.0.0', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host ?? '0.0.0.0';
  return {
    url: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    metrics,
    policies: store,
    reloadPolicies,
    reloadTls,
    async close() {
      for (const w of watchers) w.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function lateOutcome(
  uid: string,
  kind: string,
  operation: string,
  dryRun: boolean,
  mode: 'validate' | 'mutate',
  failurePolicy: FailurePolicy,
): { response: AdmissionResponse; audit: AuditRecord } {
  const deny = mode === 'validate' && failurePolicy === 'Fail';
  const message = 'Bosun could not decide within the request deadline';
  return {
    response: deny
      ? { uid, allowed: false, status: { code: 500, reason: 'Timeout', message } }
      : {
          uid,
          allowed: true,
          ...(mode === 'validate'
            ? { warnings: [`${message}; allowed because the webhook fails open`] }
            : {}),
        },
    audit: {
      uid,
      kind,
      operation,
      dryRun,
      mode,
      decision: deny ? 'deny' : 'allow',
      images: [],
      findings: [],
      factFailures: [],
      failOpen: deny ? [] : [{ policy: '(webhook)', rule: '(deadline)', reason: 'DEADLINE' }],
      warnings: deny ? 0 : 1,
    },
  };
}

/** Facts chosen on the first lookup: a request no policy asks about reads no pull secret. */
function lazyFacts(shared: ImageFacts, choose: () => Promise<ImageFacts>): ImageFacts {
  let chosen: Promise<ImageFacts> | undefined;
  const get = (): Promise<ImageFacts> => (chosen ??= choose());
  const scan = shared.modelScan;
  return {
    ...(scan === undefined
      ? {}
      : {
          modelScan: async (digest: string, signal?: AbortSignal) => {
            const f = await get();
            return (f.modelScan ?? scan).call(f.modelScan === undefined ? shared : f, digest, signal);
          },
        }),
    resolveDigest: async (reference, signal) => (await get()).resolveDigest(reference, signal),
    verifySignature: async (q, signal) => (await get()).verifySignature(q, signal),
    verifyAttestations: async (q, signal) => (await get()).verifyAttestations(q, signal),
    registryMetadata: async (reference, signal) => (await get()).registryMetadata(reference, signal),
  };
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

async function readBody(req: IncomingMessage, max: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max) {
      req.resume();
      return undefined;
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
