import type { JsonObject, JsonValue } from './common/json.ts';
import type { RequestUserInfo } from './types.ts';
import type { ImageFacts } from './image-facts.ts';
import type { KyvernoPolicy } from './load/types.ts';

/** Everything one policy evaluation may use besides the policy itself. */
export interface EvaluationOptions {
  readonly resource: JsonObject;
  readonly oldResource?: JsonObject;
  /** Admission operation (default CREATE). */
  readonly operation?: string;
  readonly subresource?: string;
  readonly userInfo?: RequestUserInfo;
  /** Labels of the resource's namespace (namespaceSelector). */
  readonly namespaceLabels?: Readonly<Record<string, string>>;
  /** The resource's Namespace object (CEL `namespaceObject`). */
  readonly namespaceObject?: JsonObject;
  /** Test values for a rule, keyed by dotted path (`request.object.metadata.name`). */
  readonly valuesFor?: (policy: string, rule: string) => Readonly<Record<string, JsonValue>> | undefined;
  /** Test values for one foreach iteration. */
  readonly foreachValuesFor?: (
    rule: string,
    index: number,
  ) => Readonly<Record<string, JsonValue>> | undefined;
  /** Name of a PolicyException that exempts this rule for this resource, if any. */
  readonly exceptionFor?: (
    policy: KyvernoPolicy,
    rule: string,
    resource: JsonObject,
    data: JsonObject,
  ) => string | undefined;
  /** Resolves cluster resources (ConfigMaps for context entries). */
  readonly lookupResource?: (
    apiVersion: string,
    kind: string,
    namespace: string,
    name: string,
  ) => JsonObject | undefined;
  /** Global context entries by name. */
  readonly globalContext?: (name: string) => JsonValue | undefined;
  /** Mocked API call results (the call is given with variables substituted). */
  readonly apiCall?: (call: JsonObject) => JsonValue | undefined;
  /** Image digests, signatures, attestations and scan facts. */
  readonly imageFacts?: ImageFacts;
  /** Clock for time-dependent checks. */
  readonly now?: Date;
  readonly signal?: AbortSignal;
}
