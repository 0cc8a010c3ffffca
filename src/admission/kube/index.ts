/** In-cluster Kubernetes API access for the webhook: Secrets for the pod's imagePullSecrets. */
export { createKubeClient, parseSecret } from './kube-client.ts';
export type { KubeClient, KubeClientOptions, KubeSecret } from './kube-client.ts';
export { inClusterConfig, SERVICE_ACCOUNT_DIR } from './in-cluster-config.ts';
export type { InClusterConfig } from './in-cluster-config.ts';
export { createPullSecretFacts, imagePullSecretNames } from './pull-secret-facts.ts';
export type { PullSecretFacts, PullSecretFactsOptions } from './pull-secret-facts.ts';
