// Kyverno PolicyException (kyverno.io/v2): exempts named rules of named policies for the
// resources its match block selects (and whose optional conditions hold).
import { asArray, asObject, asString, type JsonObject } from './common/json.ts';
import { blockMatches, type MatchRequest } from './kyverno/match.ts';
import { wildcardMatch } from './common/wildcard.ts';
import type { KyvernoPolicy } from './load/types.ts';
import { evaluateConditions } from './kyverno/conditions.ts';

/** The name of the first exception that exempts `rule` of `policy` for the request, if any. */
export function findKyvernoException(
  exceptions: readonly JsonObject[],
  policy: KyvernoPolicy,
  rule: string,
  req: MatchRequest,
  data?: JsonObject,
): string | undefined {
  const policyName = policy.namespace === undefined ? policy.name : `${policy.namespace}/${policy.name}`;
  for (const ex of exceptions) {
    if (!(asString(ex['apiVersion']) ?? '').startsWith('kyverno.io/')) continue;
    const spec = asObject(ex['spec']);
    const applies = asArray(spec['exceptions']).some((e) => {
      const eo = asObject(e);
      const pn = asString(eo['policyName']) ?? '';
      if (!wildcardMatch(pn, policyName) && !wildcardMatch(pn, policy.name)) return false;
      return asArray(eo['ruleNames']).some((r) => {
        const rn = String(r);
        return wildcardMatch(rn, rule) || `autogen-${rn}` === rule || `autogen-cronjob-${rn}` === rule;
      });
    });
    if (!applies) continue;
    if (!blockMatches(asObject(spec['match']), req)) continue;
    if (spec['conditions'] !== undefined && data !== undefined) {
      try {
        if (!evaluateConditions(spec['conditions'], data).result) continue;
      } catch {
        continue;
      }
    }
    const meta = asObject(ex['metadata']);
    const ns = asString(meta['namespace']);
    const name = asString(meta['name']) ?? '';
    return ns === undefined ? name : `${ns}/${name}`;
  }
  return undefined;
}
