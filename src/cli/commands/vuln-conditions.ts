/**
 * `verify-attestation --condition`: a small built-in set of checks on cosign vulnerability scan
 * records (predicate type https://cosign.sigstore.dev/attestation/vuln/v1), until CEL conditions
 * come from the policy engine. The record is `{invocation, scanner: {uri, version, db, result},
 * metadata: {scanStartedOn, scanFinishedOn}}`; `scanner.result` is the scanner's own report:
 * Bosun's JSON report (`results[].vulnerabilities[].severity`), Trivy's (`Results[].Vulnerabilities[].Severity`)
 * or Grype's (`matches[].vulnerability.severity`). An unrecognised report fails `no-critical`:
 * "could not tell" must not pass.
 */
import { BosunError } from '../../util/errors.ts';

export type VulnCondition =
  | { readonly kind: 'no-critical' }
  | { readonly kind: 'max-age'; readonly maxAgeMs: number; readonly text: string };

export type ConditionOutcome = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** A scan finished this far in the future is refused: a made-up timestamp must not stay fresh forever. */
const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;
const UNIT_MS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^(?:\d{1,9}(?:\.\d{1,9})?[smhd]){1,4}$/;
const DURATION_PART = /(\d{1,9}(?:\.\d{1,9})?)([smhd])/g;

/** `24h`, `90m`, `1h30m`, `7d`: a positive duration in milliseconds. */
export function parseDuration(text: string): number {
  if (!DURATION.test(text)) {
    throw new BosunError(
      'CLI_USAGE',
      `duration "${text.slice(0, 50)}" is not like 30s, 15m, 24h, 7d or 1h30m`,
    );
  }
  let total = 0;
  for (const [, value, unit] of text.matchAll(DURATION_PART))
    total += Number(value) * (UNIT_MS[unit ?? ''] ?? 0);
  if (!(total > 0)) throw new BosunError('CLI_USAGE', `duration "${text}" must be positive`);
  return total;
}

/** `no-critical`, `max-age=<duration>`, combined with commas (all must hold). */
export function parseConditions(text: string): VulnCondition[] {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.some((p) => p === ''))
    throw new BosunError('CLI_USAGE', `--condition "${text.slice(0, 100)}" has an empty part`);
  return parts.map((part): VulnCondition => {
    if (part === 'no-critical') return { kind: 'no-critical' };
    if (part.startsWith('max-age=')) {
      const value = part.slice('max-age='.length);
      return { kind: 'max-age', maxAgeMs: parseDuration(value), text: value };
    }
    throw new BosunError(
      'CLI_USAGE',
      `unknown --condition "${part.slice(0, 100)}"; supported: no-critical, max-age=<duration>`,
    );
  });
}

/** Evaluates every condition on a vuln predicate; the first failure is the reason. */
export function evaluateVulnConditions(
  predicate: unknown,
  conditions: readonly VulnCondition[],
  now: Date,
): ConditionOutcome {
  for (const condition of conditions) {
    const outcome = evaluateOne(predicate, condition, now);
    if (!outcome.ok) return outcome;
  }
  return { ok: true };
}

function evaluateOne(predicate: unknown, condition: VulnCondition, now: Date): ConditionOutcome {
  switch (condition.kind) {
    case 'no-critical':
      return checkNoCritical(field(field(predicate, 'scanner'), 'result'));
    case 'max-age':
      return checkMaxAge(field(field(predicate, 'metadata'), 'scanFinishedOn'), condition, now);
  }
}

function checkMaxAge(
  value: unknown,
  condition: VulnCondition & { kind: 'max-age' },
  now: Date,
): ConditionOutcome {
  const finished = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(finished)) return { ok: false, reason: 'max-age: metadata.scanFinishedOn is not a time' };
  const age = now.getTime() - finished;
  if (age < -MAX_CLOCK_SKEW_MS)
    return { ok: false, reason: `max-age: scan finished in the future (${clean(value)})` };
  if (age > condition.maxAgeMs) {
    return { ok: false, reason: `max-age: scan finished ${clean(value)}, older than ${condition.text}` };
  }
  return { ok: true };
}

interface Entry {
  readonly id: unknown;
  readonly severity: unknown;
}

function checkNoCritical(result: unknown): ConditionOutcome {
  const entries = reportEntries(result);
  if (entries === undefined) {
    return {
      ok: false,
      reason: 'no-critical: scanner.result is not a Bosun, Trivy or Grype JSON report',
    };
  }
  const critical = entries.filter(
    (e) => typeof e.severity === 'string' && e.severity.toUpperCase() === 'CRITICAL',
  );
  if (critical.length === 0) return { ok: true };
  const ids = critical.slice(0, 5).map((e) => clean(e.id));
  const more = critical.length > ids.length ? `, and ${critical.length - ids.length} more` : '';
  return { ok: false, reason: `no-critical: ${critical.length} CRITICAL (${ids.join(', ')}${more})` };
}

/** Vulnerability entries of a recognised report, or undefined when the shape is unknown. */
function reportEntries(result: unknown): Entry[] | undefined {
  if (!isObject(result)) return undefined;
  // Bosun's JSON report (docs/report-json.md): results[].vulnerabilities[].{id, severity}.
  if (typeof result['schemaVersion'] === 'number' && Object.hasOwn(result, 'results')) {
    return collect(result['results'], 'vulnerabilities', (v) => ({ id: v['id'], severity: v['severity'] }));
  }
  // Trivy's JSON report: Results (absent when nothing was scanned) [].Vulnerabilities[].{VulnerabilityID, Severity}.
  if (typeof result['SchemaVersion'] === 'number' || Object.hasOwn(result, 'Results')) {
    if (result['Results'] === undefined || result['Results'] === null) return [];
    return collect(result['Results'], 'Vulnerabilities', (v) => ({
      id: v['VulnerabilityID'],
      severity: v['Severity'],
    }));
  }
  // Grype's JSON report: matches[].vulnerability.{id, severity}.
  if (Object.hasOwn(result, 'matches')) {
    const matches = result['matches'];
    if (!Array.isArray(matches)) return undefined;
    const out: Entry[] = [];
    for (const match of matches) {
      const vulnerability = field(match, 'vulnerability');
      if (!isObject(vulnerability)) return undefined;
      out.push({ id: vulnerability['id'], severity: vulnerability['severity'] });
    }
    return out;
  }
  return undefined;
}

/** Flattens `targets[].<listField>[]`; a missing or null list is empty, any other non-array is unknown. */
function collect(
  targets: unknown,
  listField: string,
  pick: (entry: Record<string, unknown>) => Entry,
): Entry[] | undefined {
  if (!Array.isArray(targets)) return undefined;
  const out: Entry[] = [];
  for (const target of targets) {
    if (!isObject(target)) return undefined;
    const list = target[listField];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) return undefined;
    for (const entry of list) {
      if (!isObject(entry)) return undefined;
      out.push(pick(entry));
    }
  }
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function field(value: unknown, name: string): unknown {
  return isObject(value) && Object.hasOwn(value, name) ? value[name] : undefined;
}

/** Untrusted text quoted in a message: short, printable. */
function clean(value: unknown): string {
  const text = typeof value === 'string' ? value : `(${value === null ? 'null' : typeof value})`;
  return text.slice(0, 80).replace(/[^\x20-\x7e]/g, '?');
}
