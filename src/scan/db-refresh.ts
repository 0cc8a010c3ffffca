/**
 * When a scan refreshes the vulnerability DB. A pure decision over the DB's status, the flags and
 * the clock, so every branch is a table test: a missing DB is downloaded (or, offline, an error:
 * never an empty report); a DB older than `maxAgeMs` is refreshed from `--db-source`, else from
 * the URL it was downloaded from; a DB imported from local files is never refreshed behind the
 * user's back (it is used with a warning).
 */
import type { DbStatus } from '../vulndb/index.ts';

export const DEFAULT_DB_MAX_AGE_MS = 24 * 60 * 60 * 1000;

export type DbRefreshDecision =
  | { readonly kind: 'use'; readonly warning?: string }
  | {
      readonly kind: 'update';
      readonly reason: 'missing' | 'schema' | 'stale';
      /** `undefined`: updateVulnDb's default (OSV's bucket). */
      readonly source: string | undefined;
    }
  | { readonly kind: 'error'; readonly code: 'VULNDB_MISSING' | 'VULNDB_STALE'; readonly message: string };

export interface DbRefreshInput {
  readonly path: string;
  /** `missing`: no file; `schema`: a DB of another schema version. */
  readonly status: DbStatus | 'missing' | 'schema';
  readonly now: Date;
  readonly maxAgeMs?: number;
  readonly offline?: boolean;
  readonly skipUpdate?: boolean;
  readonly source?: string;
}

export function decideDbRefresh(input: DbRefreshInput): DbRefreshDecision {
  const noUpdate = input.offline === true || input.skipUpdate === true;
  const why = input.offline === true ? '--offline' : '--skip-db-update';
  if (input.status === 'missing' || input.status === 'schema') {
    if (noUpdate) {
      return input.status === 'missing'
        ? {
            kind: 'error',
            code: 'VULNDB_MISSING',
            message: `no vulnerability DB at ${input.path} and ${why} forbids downloading one; run \`bosun db update\` or \`bosun db import\``,
          }
        : {
            kind: 'error',
            code: 'VULNDB_STALE',
            message: `vulnerability DB ${input.path} has an older schema and ${why} forbids rebuilding it; run \`bosun db update\``,
          };
    }
    return { kind: 'update', reason: input.status, source: input.source };
  }
  const maxAge = input.maxAgeMs ?? DEFAULT_DB_MAX_AGE_MS;
  const builtMs = Date.parse(input.status.builtAt);
  const ageMs = input.now.getTime() - builtMs;
  if (!Number.isNaN(builtMs) && ageMs <= maxAge) return { kind: 'use' };
  const age = Number.isNaN(builtMs) ? 'of unknown age' : `${formatAge(ageMs)} old`;
  if (noUpdate) {
    return { kind: 'use', warning: `vulnerability DB ${input.path} is ${age} (not refreshed: ${why})` };
  }
  if (input.source !== undefined) return { kind: 'update', reason: 'stale', source: input.source };
  const base = downloadBase(input.status);
  if (base === undefined) {
    return {
      kind: 'use',
      warning: `vulnerability DB ${input.path} is ${age}; it was imported from local files, refresh it with \`bosun db import\` or \`bosun db update --db-source\``,
    };
  }
  return { kind: 'update', reason: 'stale', source: base };
}

/**
 * The base URL a DB was downloaded from: URL sources are named by OSV ecosystem and record
 * `<base>/<ecosystem>/all.zip`; directory and zip imports are named by their path.
 */
export function downloadBase(status: DbStatus): string | undefined {
  for (const s of status.sources) {
    if (s.name.includes('/') || !/^https?:\/\//i.test(s.source)) continue;
    const suffix = `/${encodeURIComponent(s.name)}/all.zip`;
    if (s.source.endsWith(suffix)) return s.source.slice(0, -suffix.length);
  }
  return undefined;
}

/** `3 h`, `2 d`: coarse, for messages. */
export function formatAge(ms: number): string {
  const hours = Math.max(0, ms) / 3_600_000;
  if (hours < 1) return `${Math.round(hours * 60)} min`;
  if (hours < 48) return `${Math.round(hours)} h`;
  return `${Math.round(hours / 24)} d`;
}
