import type { Severity } from './finding.ts';

/**
 * Qualitative ratings written by databases and distros, mapped to Bosun's scale:
 * GHSA (`LOW`/`MODERATE`/`HIGH`/`CRITICAL`), Ubuntu priorities (`negligible`...`critical`),
 * Debian tracker urgencies (`unimportant`, `low`, `medium`, `high`; `not yet assigned`),
 * Red Hat impacts (`Low`/`Moderate`/`Important`/`Critical`).
 */
const RATINGS: Readonly<Record<string, Severity>> = {
  critical: 'CRITICAL',
  important: 'HIGH',
  high: 'HIGH',
  moderate: 'MEDIUM',
  medium: 'MEDIUM',
  low: 'LOW',
  negligible: 'LOW',
  unimportant: 'LOW',
};

/** Databases use a handful of spellings: each is normalised once (bounded, for hostile data). */
const ratingCache = new Map<string, Severity | null>();
const MAX_CACHED_RATINGS = 1_024;

export function severityOfRating(rating: string | undefined): Severity | undefined {
  if (rating === undefined) return undefined;
  const cached = ratingCache.get(rating);
  if (cached !== undefined) return cached ?? undefined;
  const key = rating.trim().toLowerCase().replace(/\*+$/, '');
  const severity = Object.hasOwn(RATINGS, key) ? RATINGS[key] : undefined;
  if (ratingCache.size < MAX_CACHED_RATINGS) ratingCache.set(rating, severity ?? null);
  return severity;
}

/** Fix states meaning "no fix will ship" (Debian tracker `<no-dsa>`/`<ignored>`/`<end-of-life>`, Ubuntu `ignored`/`deferred`, Red Hat `Will not fix`). */
const WILL_NOT_FIX = new Set([
  'will_not_fix',
  'will-not-fix',
  'will not fix',
  'wont_fix',
  'wontfix',
  'ignored',
  'no-dsa',
  'end-of-life',
  'deferred',
  'postponed',
  'out of support scope',
]);

const NOT_AFFECTED = new Set(['not-affected', 'not_affected', 'not affected', 'not-vulnerable']);

export function isWillNotFix(status: string | undefined): boolean {
  return status !== undefined && WILL_NOT_FIX.has(stripBrackets(status));
}

export function isNotAffected(status: string | undefined): boolean {
  return status !== undefined && NOT_AFFECTED.has(stripBrackets(status));
}

/** Debian's tracker writes states as `<unfixed>`, `<not-affected>`...; compare without the brackets. */
export function stripBrackets(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/^<(.*)>$/, '$1');
}
