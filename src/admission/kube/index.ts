/** In-cluster Kubernetes API access for the webhook: pull Secrets, and Namespaces for their labels. */
export { createKubeClient, parseNamespace, parseSecret, parseServiceAccount } from './kube-client.ts';
export type {
  KubeClient,
  KubeClientOptions,
  KubeNamespace,
  KubeSecret,
  KubeServiceAccount,
} from './kube-client.ts';
export { createNamespaceLookup } from './namespace-lookup.ts';
export type { NamespaceFacts, NamespaceLookup, NamespaceLookupOptions } from './namespace-lookup.ts';
export { inClusterConfig, SERVICE_ACCOUNT_DIR } from './in-cluster-config.ts';
export type { InClusterConfig } from './in-cluster-config.ts';
export { createPullSecretFacts, imagePullSecretNames, serviceAccountNameOf } from './pull-secret-facts.ts';
export type { PullSecretFacts, PullSecretFactsOptions } from './pull-secret-facts.ts';
