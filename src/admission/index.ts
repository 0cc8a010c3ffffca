/** The admission capability: the HTTPS AdmissionReview webhook, its decisions, facts cache and manifests. */
export { decodeAdmissionReview, encodeAdmissionResponse, DEFAULT_REVIEW_LIMITS } from './review/codec.ts';
export type { ReviewLimits } from './review/codec.ts';
export type {
  AdmissionOperation,
  AdmissionRequest,
  AdmissionResponse,
  AdmissionUserInfo,
  GroupVersionKind,
  GroupVersionResource,
  JsonPatchOperation,
} from './review/types.ts';
export { listContainers, POD_BEARING_KINDS, POD_SPEC_PATHS } from './review/workload.ts';
export type { ContainerRef, ContainerSection } from './review/workload.ts';
export { handleAdmission } from './handler/handle.ts';
export type { AdmissionOutcome, HandleOptions, NoMatchMode } from './handler/handle.ts';
export type { AuditRecord, Decision } from './handler/audit-record.ts';
export { diffJson, applyJsonPatch } from './handler/json-patch.ts';
export type {
  AdmissionPolicyEngine,
  EngineEvaluation,
  EngineInput,
  EngineNamespace,
  FailurePolicy,
  RuleFinding,
} from './engine/types.ts';
export { PolicyAdmissionEngine } from './engine/policy-engine.ts';
export type { PolicyEngineOptions } from './engine/policy-engine.ts';
// The facts service lives in policy/ (the CLI shares it); re-exported for webhook callers.
export { CachedImageFacts, RegistryImageFacts } from '../policy/index.ts';
export type {
  ImageFactsCacheOptions,
  ImageFactsCacheStats,
  RegistryImageFactsOptions,
} from '../policy/index.ts';
export {
  createKubeClient,
  createNamespaceLookup,
  createPullSecretFacts,
  imagePullSecretNames,
  inClusterConfig,
  SERVICE_ACCOUNT_DIR,
} from './kube/index.ts';
export type {
  InClusterConfig,
  KubeClient,
  KubeClientOptions,
  KubeNamespace,
  KubeSecret,
  NamespaceFacts,
  NamespaceLookup,
  NamespaceLookupOptions,
  PullSecretFacts,
  PullSecretFactsOptions,
} from './kube/index.ts';
export { startWebhookServer } from './server/server.ts';
export type { LogEntry, WebhookServer, WebhookServerOptions } from './server/server.ts';
export type { ApiReadStats } from './server/metrics.ts';
export type { PolicyLoadStatus } from './server/policy-store.ts';
export {
  webhookManifests,
  WEBHOOK_RULES,
  DEFAULT_BOSUN_IMAGE,
  WEBHOOK_NODE_OPTIONS,
} from './manifests/webhook-manifests.ts';
export type { WebhookManifestOptions, WebhookManifests } from './manifests/webhook-manifests.ts';
export { generateWebhookTls } from './manifests/certificates.ts';
export type { GeneratedCertificate, WebhookTls, WebhookTlsOptions } from './manifests/certificates.ts';
