{{- define "bosun.name" -}}{{ .Values.nameOverride | default "bosun-webhook" | trunc 63 }}{{- end -}}
{{- define "bosun.labels" -}}
app.kubernetes.io/name: bosun
app.kubernetes.io/component: webhook
app.kubernetes.io/instance: {{ include "bosun.name" . }}
{{- end -}}
{{- define "bosun.selector" -}}
app.kubernetes.io/instance: {{ include "bosun.name" . }}
{{- end -}}
{{- define "bosun.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag }}{{ if .Values.image.digest }}@{{ .Values.image.digest }}{{ end }}
{{- end -}}
{{- define "bosun.registrySecret" -}}
{{- if .Values.registryCredentials.existingSecret -}}{{ .Values.registryCredentials.existingSecret }}{{- else if .Values.registryCredentials.dockerConfigJson -}}{{ include "bosun.name" . }}-registry{{- end -}}
{{- end -}}
{{- define "bosun.deadlineMs" -}}
{{- $t := int .Values.timeoutSeconds -}}{{- if gt $t 30 }}{{ $t = 30 }}{{ end -}}{{- if lt $t 1 }}{{ $t = 1 }}{{ end -}}
{{- max 500 (sub (mul $t 1000) 2000) -}}
{{- end -}}
{{/* TLS material, generated once per render and shared by the Secret and the webhook configurations. */}}
{{- define "bosun.tls" -}}
{{- if .Values.tls.cert -}}
{{- dict "ca" (.Values.tls.caCert | b64enc) "cert" (.Values.tls.cert | b64enc) "key" (.Values.tls.key | b64enc) | toJson -}}
{{- else -}}
{{- $name := include "bosun.name" . -}}
{{- $ns := .Release.Namespace -}}
{{- $ca := genCA "Bosun webhook CA" 3650 -}}
{{- $dns := list (printf "%s.%s.svc" $name $ns) $name (printf "%s.%s" $name $ns) (printf "%s.%s.svc.cluster.local" $name $ns) -}}
{{- $cert := genSignedCert (printf "%s.%s.svc" $name $ns) nil $dns 825 $ca -}}
{{- dict "ca" ($ca.Cert | b64enc) "cert" ($cert.Cert | b64enc) "key" ($cert.Key | b64enc) | toJson -}}
{{- end -}}
{{- end -}}
{{- define "bosun.webhook" -}}
{{- $name := include "bosun.name" .root -}}
- name: {{ .webhookName }}
  clientConfig:
    service: {namespace: {{ .root.Release.Namespace }}, name: {{ $name }}, path: {{ .path }}, port: 443}
    caBundle: {{ .caBundle }}
  rules:
    - {operations: [CREATE, UPDATE], apiGroups: [""], apiVersions: [v1], resources: [pods, pods/ephemeralcontainers, replicationcontrollers], scope: Namespaced}
    - {operations: [CREATE, UPDATE], apiGroups: [apps], apiVersions: [v1], resources: [deployments, replicasets, statefulsets, daemonsets], scope: Namespaced}
    - {operations: [CREATE, UPDATE], apiGroups: [batch], apiVersions: [v1], resources: [jobs, cronjobs], scope: Namespaced}
  failurePolicy: {{ .root.Values.failurePolicy }}
  sideEffects: None
  admissionReviewVersions: [v1]
  timeoutSeconds: {{ .root.Values.timeoutSeconds }}
  matchPolicy: Equivalent
  namespaceSelector:
    matchExpressions:
      - key: kubernetes.io/metadata.name
        operator: NotIn
        values: {{ concat (list "kube-system" .root.Release.Namespace) .root.Values.exemptNamespaces | uniq | sortAlpha | toJson }}
  matchConditions:
    - name: not-bosun-itself
      expression: "request.userInfo.username != 'system:serviceaccount:{{ .root.Release.Namespace }}:{{ $name }}'"
    - name: not-node-mirror-pods
      expression: "!('kubernetes.io/config.mirror' in object.metadata.?annotations.orValue({}))"
{{- end -}}
