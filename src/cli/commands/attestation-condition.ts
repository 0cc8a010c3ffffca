/**
 * `verify-attestation --condition`: either the built-in shortcuts for vulnerability scan records
 * (`no-critical`, `max-age=<duration>`, comma-separated; see vuln-conditions.ts) or a CEL
 * expression over `predicate`, `statement` (the whole in-toto statement as signed) and `now`.
 * Text made only of hyphenated words (with an optional `=value`) is a shortcut list; anything else
 * is CEL.
 */
import { compileCelPredicate, type JsonValue } from '../../policy/index.ts';
import {
  buildStatement,
  PREDICATE_TYPES,
  RawJson,
  type JsonValue as SignedJson,
  type Statement,
} from '../../sign/index.ts';
import { BosunError } from '../../util/errors.ts';
import { evaluateVulnConditions, parseConditions, type ConditionOutcome } from './vuln-conditions.ts';

const SHORTCUT = String.raw`\s*[a-z]+(?:-[a-z]+)+(?:=[^,]*)?\s*`;
const SHORTCUT_LIST = new RegExp(`^${SHORTCUT}(?:,${SHORTCUT})*$`);

/** Parses `--condition` (usage or POLICY_INVALID errors now, before any network) into a check. */
export function parseAttestationCondition(
  text: string,
  predicateType: string,
  now: Date,
): (statement: Statement) => ConditionOutcome {
  if (SHORTCUT_LIST.test(text)) {
    const conditions = parseConditions(text);
    if (predicateType !== PREDICATE_TYPES.vuln) {
      throw new BosunError(
        'CLI_USAGE',
        'the --condition shortcuts apply to --type vuln only; use a CEL expression for other types',
      );
    }
    return (statement) => evaluateVulnConditions(plainPredicate(statement.predicate), conditions, now);
  }
  const condition = compileCelPredicate(text, ['predicate', 'statement']);
  return (statement) => {
    const values = {
      predicate: plainPredicate(statement.predicate),
      statement: JSON.parse(buildStatement(statement).toString('utf8')) as JsonValue,
    };
    const outcome = condition.evaluate(values, { now });
    if ('error' in outcome) return { ok: false, reason: `CEL error: ${clean(outcome.error)}` };
    return outcome.ok ? { ok: true } : { ok: false, reason: 'the CEL condition is false' };
  };
}

/** A parsed statement's predicate is plain JSON; RawJson only appears in statements Bosun builds. */
function plainPredicate(predicate: SignedJson | RawJson | undefined): JsonValue {
  if (predicate === undefined) return null;
  // Parsed JSON, never mutated: the read-only and mutable JSON types describe the same values.
  return predicate instanceof RawJson ? (JSON.parse(predicate.text) as JsonValue) : (predicate as JsonValue);
}

function clean(text: string): string {
  return text.slice(0, 200).replace(/[^\x20-\x7e]/g, '?');
}
