/** The policy capability: Kyverno-compatible and CEL policies over Kubernetes objects and image facts. */
export { loadPolicies, loadPolicyDocuments } from './load/load.ts';
export type { LoadOptions, PolicySource } from './load/load.ts';
export type {
  AdmissionPolicy,
  CelPolicy,
  KyvernoPolicy,
  KyvernoRule,
  LoadedPolicies,
  LoadedPolicy,
  UnsupportedConstruct,
  UnsupportedPolicy,
} from './load/types.ts';
export { parseYamlDocuments } from './load/yaml.ts';
export { applyPolicies, applyPolicy } from './apply.ts';
export type { ApplyOptions } from './apply.ts';
export type { EvaluationOptions } from './evaluation.ts';
export type {
  FailureAction,
  JsonPatchOperation,
  PolicyResponse,
  RequestUserInfo,
  RuleResult,
  RuleStatus,
  RuleType,
} from './types.ts';
export { runKyvernoTests } from './runner/run.ts';
export type {
  CaseVerdict,
  KyvernoTestCase,
  KyvernoTestRun,
  KyvernoTestSummary,
  RunKyvernoTestsOptions,
} from './runner/run.ts';
export { InMemoryImageFacts } from './image-facts.ts';
export { CachedImageFacts } from './image-facts-cache.ts';
export type { ImageFactsCacheOptions, ImageFactsCacheStats } from './image-facts-cache.ts';
export { RegistryImageFacts } from './image-facts-registry.ts';
export type { RegistryImageFactsOptions } from './image-facts-registry.ts';
export type {
  AttestationCheck,
  AttestationQuery,
  FakeAttestation,
  FakeImage,
  FakeSignature,
  ImageAttestor,
  ImageFacts,
  SignatureCheck,
  SignatureQuery,
} from './image-facts.ts';
export { matchPattern } from './kyverno/pattern.ts';
export type { PatternResult } from './kyverno/pattern.ts';
export type { JsonObject, JsonValue } from './common/json.ts';
export {
  compileCelPredicate,
  evaluateCelPredicate,
  MAX_CEL_PREDICATE_LENGTH,
} from './cel/predicate-condition.ts';
export type { CelPredicate, CelPredicateOutcome } from './cel/predicate-condition.ts';
