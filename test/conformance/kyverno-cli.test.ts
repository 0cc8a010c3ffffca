// Kyverno's own `kyverno test` suites (read from /work/shared, never copied) run through Bosun's
// runner. Every case must agree with Kyverno, or be listed here BY NAME: as unsupported (a construct
// Bosun does not evaluate: mutate/generate/delete policies, network-only image and API lookups,
// JSON payload policies, Pod Security) or as a known disagreement with its reason.
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { runKyvernoTests, type KyvernoTestRun } from '../../src/policy/index.ts';

const SUITES = fileURLToPath(new URL('../../../shared/conformance/kyverno-cli/', import.meta.url));

/** Cases Bosun reports as unsupported (never as passed). */
const EXPECTED_UNSUPPORTED: readonly string[] = [
  'test-validating-policy/allowed-base-images/kyverno-test.yaml#allowed-base-images//Pod/badpod01',
  'test-validating-policy/allowed-base-images/kyverno-test.yaml#allowed-base-images//Pod/badpod02',
  'test-validating-policy/allowed-base-images/kyverno-test.yaml#allowed-base-images//Pod/badpod03',
  'test-validating-policy/allowed-base-images/kyverno-test.yaml#allowed-base-images//Pod/goodpod01',
  'test-validating-policy/allowed-base-images/kyverno-test.yaml#allowed-base-images//Pod/goodpod02',
  'registry/kyverno-test.yaml#check-image-base/check-image-base-rule/Pod/test-pod-with-trusted-registry',
  'registry/kyverno-test.yaml#check-manifest-list/check-manifest-list-rule/Pod/test-pod-with-single-arch-no-index',
  'registry/kyverno-test.yaml#check-manifest-list/check-manifest-list-rule/Pod/test-pod-with-trusted-registry',
  'registry/kyverno-test.yaml#check-manifest-list/check-manifest-list-rule/Pod/test-pod-with-single-arch-index',
  'registry/kyverno-test.yaml#images/only-allow-trusted-images/Pod/test-pod-with-non-root-user-image',
  'registry/kyverno-test.yaml#images/only-allow-trusted-images/Pod/test-pod-with-trusted-registry',
  'sample-policy-exclusion/kyverno-test.yaml#test-mpol-jsonpatch//Deployment/dev-deploy-2',
  'scenarios_to_cli/other/scenario_mutate_endpoint/kyverno-test.yaml#policy-endpoints/pEP/Endpoints/test-endpoint',
  'scenarios_to_cli/other/scenario_mutate_pod_spec/kyverno-test.yaml#mutate-pods-spec/disable-servicelink-and-token/Deployment/nginx-deployment',
  'test/cel-http-get-mock/kyverno-test.yaml#check-external-config//Pod/test-pod',
  'test/cel-http-post-mock/kyverno-test.yaml#check-pod-admission//Pod/test-pod',
  'test/cel-http-post-mock-deny/kyverno-test.yaml#check-pod-admission//Pod/test-pod',
  'test/custom-functions/kyverno-test.yaml#test-x509-decode/test-x509-decode/ConfigMap/test-x509-configmap',
  'test/images/signatures/kyverno-test.yaml#verify-signature/check-static-key/Pod/unsigned',
  'test/images/signatures/kyverno-test.yaml#verify-signature/check-static-key/Pod/signed',
  'test/images/verify-signature/kyverno-test.yaml#check-data-volume-image/verify-signature/DataVolume/unsigned-registry-image-datavolume',
  'test/images/verify-signature/kyverno-test.yaml#check-data-volume-image/verify-signature/DataVolume/signed-registry-image-datavolume',
  'test/images/verify-signature/kyverno-test.yaml#check-image/verify-signature/Pod/unsigned',
  'test/images/verify-signature/kyverno-test.yaml#check-image/verify-signature/Pod/signed',
  'test/manifests/verify-signature/kyverno-test.yaml#validate-yaml/validate-yaml/Service/test-service',
  'test/manifests/verify-signature/kyverno-test.yaml#validate-yaml/validate-yaml/Service/test-service2',
  'test/manifests/verify-signature/kyverno-test.yaml#validate-yaml/validate-yaml-multi-sig/Service/test-service3',
  'test/mixed/kyverno-test.yaml#ondemand/ondemand-nodeselector/Pod/user-space/nodeselector-with-labels-on-mutation',
  'test/mixed-deprecated/kyverno-test.yaml#ondemand/ondemand-nodeselector/Pod/user-space/nodeselector-with-labels-on-mutation',
  'test/mock-apicall-responses/kyverno-test.yaml#check-external-service/check-allowed/Pod/test-ns/test-pod-pass',
  'test/mock-apicall-responses/kyverno-test.yaml#check-external-service/check-allowed/Pod/test-ns/test-pod-fail',
  'test/mock-gce-inline-resource/kyverno-test.yaml#check-deployment-replicas/check-min-replicas/Deployment/test-ns/test-deployment',
  'test/mock-gce-inline-resource/kyverno-test.yaml#check-deployment-replicas-cel//Deployment/test-ns/test-deployment',
  'test/mock-gce-resource-files/kyverno-test.yaml#check-deployment-replicas/check-min-replicas/Deployment/test-ns/test-deployment',
  'test/mock-gce-resource-files/kyverno-test.yaml#check-deployment-replicas-cel//Deployment/test-ns/test-deployment',
  'test/mock-global-context/kyverno-test.yaml#check-global-context/check-deployment-count/Deployment/test-ns/test-deployment',
  'test/mock-global-context/kyverno-test.yaml#check-global-context-cel//Deployment/test-ns/test-deployment',
  'test/mutate-keda-scaled-object/kyverno-test.yaml#keda-prometheus-serveraddress/keda-prometheus-serveraddress/ScaledObject/service-1',
  'test/mutate-keda-scaled-object/kyverno-test.yaml#keda-prometheus-serveraddress/keda-prometheus-serveraddress/ScaledObject/service-2',
  'test/mutate-keda-scaled-object/kyverno-test.yaml#keda-prometheus-serveraddress/keda-prometheus-serveraddress/ScaledObject/service-3',
  'test/nil-values-in-variables/exclude_namespaces_dynamically/kyverno-test.yaml#exclude-namespaces-example/exclude-namespaces-dynamically/Pod/bad-pod02',
  'test/secret/kyverno-test.yaml#add-maintainer/add-maintainer/Secret/secrete-fail-example',
  'test/secret/kyverno-test.yaml#add-maintainer/add-maintainer/Secret/example',
  'test/wildcard_mutate/kyverno-test.yaml#mutate-wildcard/mutate-wildcard/Pod/wildcard-mutate-fail',
  'test/wildcard_mutate/kyverno-test.yaml#mutate-wildcard/mutate-wildcard/Pod/wildcard-mutate',
  'test-context-apicall/kyverno-test.yaml#computeclasses-enforce-non-spot-usage-crd/deny-non-spot-in-unapproved-namespace/Deployment/deployment-with-non-spot-computeclass',
  'test-context-apicall/kyverno-test.yaml#computeclasses-enforce-non-spot-usage-crd/deny-non-spot-in-unapproved-namespace/Pod/pod-with-non-spot-computeclass',
  'test-context-apicall/kyverno-test.yaml#computeclasses-enforce-non-spot-usage-crd/deny-non-spot-in-unapproved-namespace/Deployment/deployment-with-spot-computeclass',
  'test-context-apicall/kyverno-test.yaml#computeclasses-enforce-non-spot-usage-crd/deny-non-spot-in-unapproved-namespace/Pod/pod-with-spot-computeclass',
  'test-context-apicall/kyverno-test.yaml#computeclasses-enforce-non-spot-usage-crd/deny-non-spot-in-unapproved-namespace/Pod/pod-with-mixed-computeclass',
  'test-context-apicall/kyverno-test.yaml#computeclasses-enforce-non-spot-usage-crd/deny-non-spot-in-unapproved-namespace/Pod/pod-with-default-computeclass',
  'test-context-apicall-dpol/kyverno-test.yaml#delete-spot-deployments//Deployment/deployment-with-non-spot-computeclass',
  'test-context-apicall-dpol/kyverno-test.yaml#delete-spot-deployments//Deployment/deployment-with-spot-computeclass',
  'test-context-apicall-gpol/kyverno-test.yaml#generate-computeclass-config//Deployment/deployment-with-non-spot-computeclass',
  'test-context-apicall-gpol/kyverno-test.yaml#generate-computeclass-config//Deployment/deployment-with-spot-computeclass',
  'test-context-apicall-mpol/kyverno-test.yaml#label-computeclass-type-crd//Deployment/deployment-with-non-spot-computeclass',
  'test-context-apicall-mpol/kyverno-test.yaml#label-computeclass-type-crd//Deployment/deployment-with-spot-computeclass',
  'test-context-apicall-vpol/kyverno-test.yaml#computeclasses-enforce-non-spot-usage-crd//Deployment/deployment-with-non-spot-computeclass',
  'test-context-apicall-vpol/kyverno-test.yaml#computeclasses-enforce-non-spot-usage-crd//Pod/pod-with-non-spot-computeclass',
  'test-context-apicall-vpol/kyverno-test.yaml#computeclasses-enforce-non-spot-usage-crd//Deployment/deployment-with-spot-computeclass',
  'test-context-apicall-vpol/kyverno-test.yaml#computeclasses-enforce-non-spot-usage-crd//Pod/pod-with-spot-computeclass',
  'test-context-apicall-vpol/kyverno-test.yaml#computeclasses-enforce-non-spot-usage-crd//Pod/pod-with-mixed-computeclass',
  'test-context-apicall-vpol/kyverno-test.yaml#computeclasses-enforce-non-spot-usage-crd//Pod/pod-with-default-computeclass',
  'test-context-configmap/kyverno-test.yaml#computeclasses-enforce-non-spot-usage/deny-non-spot-in-unapproved-namespace/Deployment/deployment-with-non-spot-computeclass',
  'test-context-configmap/kyverno-test.yaml#computeclasses-enforce-non-spot-usage/deny-non-spot-in-unapproved-namespace/Pod/pod-with-non-spot-computeclass',
  'test-context-configmap/kyverno-test.yaml#computeclasses-enforce-non-spot-usage/deny-non-spot-in-unapproved-namespace/Deployment/deployment-with-spot-computeclass',
  'test-context-configmap/kyverno-test.yaml#computeclasses-enforce-non-spot-usage/deny-non-spot-in-unapproved-namespace/Pod/pod-with-spot-computeclass',
  'test-context-configmap/kyverno-test.yaml#computeclasses-enforce-non-spot-usage/deny-non-spot-in-unapproved-namespace/Pod/pod-with-mixed-computeclass',
  'test-context-configmap/kyverno-test.yaml#computeclasses-enforce-non-spot-usage/deny-non-spot-in-unapproved-namespace/Pod/pod-with-default-computeclass',
  'test-context-configmap-dpol/kyverno-test.yaml#delete-via-env//Deployment/test-deploy',
  'test-context-configmap-gpol/kyverno-test.yaml#generate-env-config//Deployment/test-deploy',
  'test-context-configmap-mpol/kyverno-test.yaml#add-env-label//Deployment/test-deploy',
  'test-context-configmap-vpol/kyverno-test.yaml#computeclasses-enforce-non-spot-usage//Deployment/deployment-with-non-spot-computeclass',
  'test-context-configmap-vpol/kyverno-test.yaml#computeclasses-enforce-non-spot-usage//Pod/pod-with-non-spot-computeclass',
  'test-context-configmap-vpol/kyverno-test.yaml#computeclasses-enforce-non-spot-usage//Deployment/deployment-with-spot-computeclass',
  'test-context-configmap-vpol/kyverno-test.yaml#computeclasses-enforce-non-spot-usage//Pod/pod-with-spot-computeclass',
  'test-context-configmap-vpol/kyverno-test.yaml#computeclasses-enforce-non-spot-usage//Pod/pod-with-mixed-computeclass',
  'test-context-configmap-vpol/kyverno-test.yaml#computeclasses-enforce-non-spot-usage//Pod/pod-with-default-computeclass',
  'test-deleting-policy/deleting-json/kyverno-test.yaml#deleting-json///',
  'test-deleting-policy/deleting-json/kyverno-test.yaml#deleting-json-fail///',
  'test-deleting-policy/deleting-pod-by-name/kyverno-test.yaml#deleting-pod-by-name//Pod/test/test-nginx-2',
  'test-deleting-policy/deleting-pod-by-name/kyverno-test.yaml#deleting-pod-by-name//Pod/test/test-nginx-1',
  'test-deleting-policy/deleting-pod-by-namespaceObject/kyverno-test.yaml#cleanup-old-test-pods//Pod/nginx-1',
  'test-deleting-policy/deleting-pod-by-namespaceObject/kyverno-test.yaml#cleanup-old-test-pods//Pod/nginx-2',
  'test-deleting-policy/deleting-pod-by-namespaceObject/kyverno-test.yaml#cleanup-old-test-pods//Pod/test/test-nginx-1',
  'test-deleting-policy/deleting-pod-by-namespaceObject/kyverno-test.yaml#cleanup-old-test-pods//Pod/test/test-nginx-2',
  'test-deleting-policy/object-selector/kyverno-test.yaml#cleanup-invalidated-legacy-sa-tokens//Secret/secret-delete',
  'test-deleting-policy/use-resource-lib-fail/kyverno-test.yaml#dpol-resource-lib-check//Pod/example',
  'test-deleting-policy/use-resource-lib-pass/kyverno-test.yaml#dpol-resource-lib-check//Pod/example',
  'test-exceptions/exceptions-3/kyverno-test.yaml#psa/baseline/Pod/bad-pod',
  'test-exceptions/exceptions-3/kyverno-test.yaml#psa/baseline/Pod/good-pod',
  'test-exceptions/exceptions-3/kyverno-test.yaml#psa/baseline/Pod/excluded-pod',
  'test-generate/add-network-policy/kyverno-test.yaml#add-networkpolicy/default-deny/Namespace/hello-world-namespace',
  'test-generate/add-quota/kyverno-test.yaml#add-ns-quota/generate-limitrange/Namespace/hello-world-namespace',
  'test-generate/add-quota/kyverno-test.yaml#add-ns-quota/generate-resourcequota/Namespace/hello-world-namespace',
  'test-generate/clone-list/kyverno-test.yaml#clone-list-secrets/clone-list-labelled-secrets/Namespace/hello-world-namespace',
  'test-generate/create-default-pdb/kyverno-test.yaml#create-default-pdb/create-default-pdb/Deployment/hello-world/nginx-deployment',
  'test-generate/custom-resource/kyverno-test.yaml#sync-pull-image-secrets/sync-image-pull-secret/Namespace/test-ns',
  'test-generate/duplicate-rule-clone-source/kyverno-test.yaml#sync-secrets-a/sync-image-pull-secret/Namespace/namespace-a',
  'test-generate/duplicate-rule-clone-source/kyverno-test.yaml#sync-secrets-b/sync-image-pull-secret/Namespace/namespace-b',
  'test-generate/multiple-resources/kyverno-test.yaml#test-policy/rule/Deployment/resource-a',
  'test-generate/multiple-resources/kyverno-test.yaml#test-policy/rule/Deployment/resource-b',
  'test-generate/sync-multiple-resources/kyverno-test.yaml#sync-controller-data/sync-controller-configmap/Deployment/kubernetes-cluster-controller',
  'test-generate/sync-multiple-resources/kyverno-test.yaml#sync-controller-data/sync-controller-secret/Deployment/kubernetes-cluster-controller',
  'test-generate/sync-secrets/kyverno-test.yaml#sync-secrets/sync-image-pull-secret/Namespace/hello-world-namespace',
  'test-generate/use-server-side-apply/kyverno-test.yaml#create-default-pdb/create-default-pdb/Deployment/hello-world/nginx-deployment',
  'test-generating-policy/clone/generate-secrets/kyverno-test.yaml#generate-secrets//Namespace/test-ns',
  'test-generating-policy/clone/generate-secrets-and-networkpolicies/kyverno-test.yaml#generate-secrets-and-networkpolicies//Namespace/test-ns',
  'test-generating-policy/clone/with-exceptions/kyverno-test.yaml#generate-secrets//Namespace/production',
  'test-generating-policy/clone/with-exceptions/kyverno-test.yaml#generate-secrets//Namespace/staging',
  'test-generating-policy/clone/with-exceptions/kyverno-test.yaml#generate-secrets//Namespace/testing',
  'test-generating-policy/data/generate-clusterrolebinding/kyverno-test.yaml#generate-clusterrolebinding//ServiceAccount/test1/namespace-creator-sa',
  'test-generating-policy/data/generate-cm/kyverno-test.yaml#generate-cm//Namespace/test-ns',
  'test-generating-policy/data/with-exceptions/kyverno-test.yaml#generate-cm//Namespace/production',
  'test-generating-policy/data/with-exceptions/kyverno-test.yaml#generate-cm//Namespace/staging',
  'test-generating-policy/data/with-exceptions/kyverno-test.yaml#generate-cm//Namespace/testing',
  'test-generating-policy/foreach/clone-generate-secrets/kyverno-test.yaml#foreach-clone-sync-create//ConfigMap/foreach-clone-sync-create',
  'test-generating-policy/foreach/data-generate-networkpolicy/kyverno-test.yaml#foreach-data-sync-create//ConfigMap/foreach-data-sync-create',
  'test-generating-policy/missing-metadata-uid/kyverno-test.yaml#example//MyResource/default/my-resource-no-uid',
  'test-generating-policy/missing-metadata-uid/kyverno-test.yaml#example//MyResource/default/my-resource-with-uid',
  'test-generating-policy/template/generate-cm-interpolated/kyverno-test.yaml#generate-cm-template//Namespace/test-ns',
  'test-generating-policy/template/generate-cm-plain/kyverno-test.yaml#generate-cm-template-plain//Namespace/test-ns',
  'test-gpol-custom-crd/kyverno-test.yaml#generate-configmap-for-widget//Widget/test-namespace/my-widget',
  'test-image-validating-policy/sample-policy/kyverno-test.yaml#ivpol-sample//Pod/bad-pod',
  'test-image-validating-policy/sample-policy/kyverno-test.yaml#ivpol-sample//Pod/good-pod',
  'test-image-validating-policy/with-cel-exceptions/kyverno-test.yaml#ivpol-sample//Pod/test-pod-bad',
  'test-image-validating-policy/with-cel-exceptions/kyverno-test.yaml#ivpol-sample//Pod/test-pod-good',
  'test-mutate/add-default-resources/kyverno-test.yaml#add-default-resources/add-default-requests/Pod/nginx-demo1',
  'test-mutate/add-default-resources/kyverno-test.yaml#add-default-resources/add-default-requests/Pod/nginx-demo3',
  'test-mutate/add-default-resources/kyverno-test.yaml#add-default-resources/add-default-requests/Pod/nginx-demo2',
  'test-mutate/bug-demo/kyverno-test.yaml#bug-demo/mutate1/Pod/pod1',
  'test-mutate/connection-draining/kyverno-test.yaml#disable-connection-draining/clb/Service/nlb-aws-controller-no-attributes',
  'test-mutate/connection-draining/kyverno-test.yaml#disable-connection-draining/nlb-no-attributes/Service/nlb-aws-controller-no-attributes',
  'test-mutate/foreach/addIfNotPresent/kyverno-test.yaml#mutate-emptydir/setDefault/Deployment/svc-sizelimit-test',
  'test-mutate/foreach/cumulativePatch/kyverno-test.yaml#add-default-resources/add-default-requests/Pod/badpod',
  'test-mutate/foreach/kyverno-test.yaml#foreach-json-patch/add-security-context/Pod/nginx',
  'test-mutate/foreach/kyverno-test.yaml#mutate-images/test/Pod/mypod',
  'test-mutate/foreach/replaceRegistry/kyverno-test.yaml#replace-image-registry-containers/set-default/Pod/test-patched-image',
  'test-mutate/global-anchor/kyverno-test.yaml#add-safe-to-evict/annotate-empty-dir/Pod/pod-with-emptydir-hostpath',
  'test-mutate/global-anchor/kyverno-test.yaml#add-safe-to-evict/annotate-empty-dir/Pod/pod-with-emptydir-hostpath-1',
  'test-mutate/global-anchor/kyverno-test.yaml#add-safe-to-evict/annotate-empty-dir/Pod/pod-without-emptydir-hostpath',
  'test-mutate/global-anchor/kyverno-test.yaml#add-safe-to-evict/annotate-empty-dir/Pod/pod-without-emptydir-hostpath-1',
  'test-mutate/karpenter-annotations-to-nodeselector/kyverno-test.yaml#karpenter-annotations-to-nodeselector/hard-nodeselector-lifecycle-on-demand/Pod/soft-pod-antiaffinity-1',
  'test-mutate/karpenter-annotations-to-nodeselector/kyverno-test.yaml#karpenter-annotations-to-nodeselector/hard-nodeselector-lifecycle-on-demand/Pod/soft-pod-antiaffinity-1-copy',
  'test-mutate/kyverno-test.yaml#add-label/add-label/Deployment/mydeploy',
  'test-mutate/kyverno-test.yaml#add-label/add-label/Pod/production/same-name-but-diff-namespace',
  'test-mutate/kyverno-test.yaml#add-label/add-label/Pod/same-name-but-diff-kind',
  'test-mutate/kyverno-test.yaml#add-label/add-label/Pod/testing/same-name-but-diff-namespace',
  'test-mutate/kyverno-test.yaml#add-label/add-label/Pod/practice/resource-equal-to-patch-res-for-cp',
  'test-mutate/kyverno-test.yaml#example/object_from_lists/Pod/example',
  'test-mutate/kyverno-test.yaml#testing/add-ndots/add-ndots/Pod/same-name-but-diff-namespace',
  'test-mutate/mutate-existing/kyverno-test.yaml#mutate-existing-secret/mutate-secret-on-configmap-create//',
  'test-mutate/mutate-existing-fail/kyverno-test.yaml#mutate-existing-secret/mutate-secret-on-configmap-create//secret-1',
  'test-mutate/patched-resource/kyverno-test.yaml#add-default-resources/add-default-requests/Pod/nginx-demo',
  'test-mutate/same-name-mutate-existing/kyverno-test.yaml#mutate-existing-secret/mutate-secret-on-configmap-create//staging/secret-1',
  'test-mutate/same-name-mutate-existing/kyverno-test.yaml#mutate-existing-secret/mutate-secret-on-configmap-create//prod/secret-1',
  'test-mutating-admission-policy/check-user-info/kyverno-test.yaml#add-label-to-configmap//ConfigMap/matched-cm-1',
  'test-mutating-admission-policy/mutate-namespace/kyverno-test.yaml#add-label-to-namespace//Namespace/test-namespace',
  'test-mutating-admission-policy/specify-namespace-selector/kyverno-test.yaml#add-label-to-configmap//ConfigMap/matched-cm-1',
  'test-mutating-admission-policy/specify-namespace-selector/kyverno-test.yaml#add-label-to-configmap//ConfigMap/matched-cm-2',
  'test-mutating-admission-policy/specify-object-selector/kyverno-test.yaml#add-label-to-configmap//ConfigMap/matched-cm',
  'test-mutating-admission-policy/specify-resource-name/kyverno-test.yaml#add-label-to-configmap//ConfigMap/game-demo',
  'test-mutating-admission-policy/with-apply-configuration/kyverno-test.yaml#add-security-context-to-pods//Pod/example-pod',
  'test-mutating-admission-policy/with-binding-exclude-resources/kyverno-test.yaml#add-label-to-configmap//ConfigMap/matched-cm',
  'test-mutating-admission-policy/with-binding-match-resources/kyverno-test.yaml#add-label-to-configmap//ConfigMap/matched-cm',
  'test-mutating-admission-policy/with-binding-namespace-selector/kyverno-test.yaml#add-label-to-configmap//ConfigMap/matched-cm-1',
  'test-mutating-admission-policy/with-binding-namespace-selector/kyverno-test.yaml#add-label-to-configmap//ConfigMap/matched-cm-2',
  'test-mutating-admission-policy/with-binding-object-selector/kyverno-test.yaml#add-label-to-configmap//ConfigMap/matched-cm',
  'test-mutating-admission-policy/with-json-patch/kyverno-test.yaml#add-label-to-configmap//ConfigMap/game-demo',
  'test-mutating-admission-policy/with-match-conditions/kyverno-test.yaml#add-label-to-configmap//ConfigMap/matched-cm',
  'test-mutating-admission-policy/with-match-conditions/kyverno-test.yaml#add-label-to-configmap//ConfigMap/unmatched-cm',
  'test-mutating-admission-policy/with-params/kyverno-test.yaml#change-deployment-replicas//Deployment/',
  'test-mutating-admission-policy/with-two-params/kyverno-test.yaml#change-deployment-replicas-labels//Deployment/',
  'test-mutating-policy/cel-regex-replace/kyverno-test.yaml#rewrite-image-registry//Pod/default/test-pod',
  'test-mutating-policy/exceptions-mutate-deployment/kyverno-test.yaml#test-mpol-jsonpatch//Deployment/dev/dev-deploy-2',
  'test-mutating-policy/exceptions-mutate-deployment/kyverno-test.yaml#test-mpol-jsonpatch//Deployment/default/dev-deploy-1',
  'test-mutating-policy/image-metadata/kyverno-test.yaml#mpol-image-data//Pod/default/test-pod',
  'test-mutating-policy/mutate-custom-crd/kyverno-test.yaml#set-annotations-for-widget//Widget/test-namespace/my-widget',
  'test-mutating-policy/mutate-existing/kyverno-test.yaml#mutate-existing-configmap//ConfigMap/test-ns/test-configmap',
  'test-mutating-policy/mutate-existing-cel-expression/kyverno-test.yaml#mutate-existing-cel-expr//ConfigMap/test-ns/target-cm',
  'test-mutating-policy/mutate-existing-same-trigger-and-target/kyverno-test.yaml#add-acm-cert-annotation//Ingress/workload/missing-cert-annotation',
  'test-mutating-policy/mutate-pod-binding-subresource/kyverno-test.yaml#mutate-add-aws-zone-id//Binding/default/pod-to-get-aws-zone-id',
  'test-mutating-policy/mutating-label/kyverno-test.yaml#test-mpol-jsonpatch//Deployment/dev/dev-deploy-2',
  'test-mutating-policy/mutating-label/kyverno-test.yaml#test-mpol-jsonpatch//Deployment/default/dev-deploy-1',
  'test-validating-admission-policy/with-params/kyverno-test.yaml#check-deployments-replicas//Deployment/nginx-deployment2',
  'test-validating-admission-policy/with-params/kyverno-test.yaml#check-deployments-replicas//Deployment/nginx-deployment1',
  'test-validating-policy/envoy-allow/kyverno-test.yaml#envoy-allow///',
  'test-validating-policy/envoy-deny/kyverno-test.yaml#envoy-deny///',
  'test-validating-policy/envoy-jwt/kyverno-test.yaml#envoy-jwt-policy///',
  'test-validating-policy/http-allow/kyverno-test.yaml#http-allow///',
  'test-validating-policy/http-deny/kyverno-test.yaml#http-deny///',
  'test-validating-policy/json-check-dockerfile/kyverno-test.yaml#check-dockerfile-disallow-curl///',
  'test-validating-policy/json-check-dockerfile/kyverno-test.yaml#check-dockerfile-disallow-wget///',
  'test-validating-policy/json-multi-document/kyverno-test.yaml#deny-root-ca-enabled///',
  'test-validating-policy/json-multiple-payloads/kyverno-test.yaml#deny-root-ca-enabled///payload-fail.json',
  'test-validating-policy/json-multiple-payloads/kyverno-test.yaml#deny-root-ca-enabled///payload-pass.json',
  'test-validating-policy/json-with-exceptions/kyverno-test.yaml#check-json-data///',
];

/** Cases where Bosun's verdict differs from Kyverno's, with the reason. */
const KNOWN_DISAGREEMENTS: Readonly<Record<string, string>> = {
  'test-fail/missing-policy/kyverno-test.yaml#missing/validate-image-tag/Pod/test':
    "Kyverno's own negative suite: `kyverno test` is expected to FAIL these (missing policy/resource/rule)",
  'test-fail/missing-resource/kyverno-test.yaml#disallow-latest-tag/validate-image-tag/Pod/missing':
    "Kyverno's own negative suite: `kyverno test` is expected to FAIL these (missing policy/resource/rule)",
  'test-fail/missing-rule/kyverno-test.yaml#disallow-latest-tag/missing/Pod/test':
    "Kyverno's own negative suite: `kyverno test` is expected to FAIL these (missing policy/resource/rule)",
};

function category(suite: string): string {
  return suite.split('/')[0]!;
}

describe('kyverno test conformance (Kyverno CLI suites)', () => {
  let run: KyvernoTestRun;

  it('runs every suite', async () => {
    run = await runKyvernoTests(SUITES);
    expect(run.brokenSuites.map((b) => b.suite)).toEqual([
      'test-context-resource-ivpol/.kyverno-test/kyverno-test.yaml',
    ]);
    expect(run.summary.total).toBeGreaterThan(450);
  });

  it('agrees with Kyverno on every case not listed', () => {
    const unexpected = run.cases.filter((c) => {
      if (c.verdict === 'pass') return false;
      if (c.verdict === 'unsupported') return !EXPECTED_UNSUPPORTED.includes(c.id);
      return KNOWN_DISAGREEMENTS[c.id] === undefined;
    });
    expect(unexpected.map((c) => `${c.id}: ${c.verdict} ${c.reason}`)).toEqual([]);
  });

  it('keeps the lists exact (a listed case that now agrees must be removed)', () => {
    const byId = new Map(run.cases.map((c) => [c.id, c]));
    const staleUnsupported = EXPECTED_UNSUPPORTED.filter((id) => byId.get(id)?.verdict !== 'unsupported');
    const staleDisagreements = Object.keys(KNOWN_DISAGREEMENTS).filter(
      (id) => byId.get(id)?.verdict !== 'fail',
    );
    expect({ staleUnsupported, staleDisagreements }).toEqual({
      staleUnsupported: [],
      staleDisagreements: [],
    });
  });

  it('never reports an unsupported case as passed and meets the agreement target', () => {
    const evaluated = run.cases.filter(
      (c) => c.verdict !== 'unsupported' && !c.suite.startsWith('test-fail/'),
    );
    const agree = evaluated.filter((c) => c.verdict === 'pass').length;
    expect(agree / evaluated.length).toBeGreaterThanOrEqual(0.95);
    const perCategory: Record<string, { pass: number; fail: number; unsupported: number }> = {};
    for (const c of run.cases) {
      const k = category(c.suite);
      perCategory[k] ??= { pass: 0, fail: 0, unsupported: 0 };
      perCategory[k][c.verdict]++;
    }
    // Pattern, deny and CEL image rules of the Kyverno `test/` suites: no disagreement at all.
    expect(perCategory['test']?.fail ?? 0).toBe(0);
  });
});
