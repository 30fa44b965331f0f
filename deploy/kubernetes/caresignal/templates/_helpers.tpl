{{/* Names and labels shared by every template. */}}

{{- define "caresignal.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "caresignal.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* Selector labels of one component: caresignal.selector (list $ "classify") */}}
{{- define "caresignal.selector" -}}
{{- $root := index . 0 -}}
app.kubernetes.io/name: {{ $root.Chart.Name }}
app.kubernetes.io/instance: {{ $root.Release.Name }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end -}}

{{- define "caresignal.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{- define "caresignal.secretName" -}}
{{- default (printf "%s-secrets" (include "caresignal.fullname" .)) .Values.secrets.existingSecret -}}
{{- end -}}

{{/* Pod-level security: never root, RuntimeDefault seccomp. */}}
{{- define "caresignal.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.securityContext.uid }}
runAsGroup: {{ .Values.securityContext.uid }}
fsGroup: {{ .Values.securityContext.uid }}
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "caresignal.containerSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.securityContext.uid }}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: [ALL]
{{- end -}}

{{/* Configuration from the ConfigMap, secrets from the Secret (optional keys may be absent). */}}
{{- define "caresignal.env" -}}
envFrom:
  - configMapRef:
      name: {{ include "caresignal.fullname" . }}-config
env:
  - name: CARESIGNAL_API_KEYS
    valueFrom:
      secretKeyRef: {name: {{ include "caresignal.secretName" . }}, key: api-keys}
  - name: CARESIGNAL_ES_API_KEY
    valueFrom:
      secretKeyRef: {name: {{ include "caresignal.secretName" . }}, key: es-api-key, optional: true}
  {{- with .Values.elasticsearch.basicAuth.passwordSecret }}
  {{- if .name }}
  - name: CARESIGNAL_ES_PASSWORD
    valueFrom:
      secretKeyRef: {name: {{ .name }}, key: {{ .key }}}
  {{- end }}
  {{- end }}
  - name: CARESIGNAL_KAFKA_SASL_PASSWORD
    valueFrom:
      secretKeyRef:
        name: {{ default (include "caresignal.secretName" .) .Values.kafka.sasl.passwordSecret.name }}
        key: {{ .Values.kafka.sasl.passwordSecret.key }}
        optional: true
  - name: CARESIGNAL_WEB_CLIENT_SECRET
    valueFrom:
      secretKeyRef: {name: {{ include "caresignal.secretName" . }}, key: oidc-client-secret, optional: true}
  - name: CARESIGNAL_WEB_SESSION_SECRET
    valueFrom:
      secretKeyRef: {name: {{ include "caresignal.secretName" . }}, key: web-session-secret, optional: true}
  - name: CARESIGNAL_CQC_API_SUBSCRIPTION_KEY
    valueFrom:
      secretKeyRef: {name: {{ include "caresignal.secretName" . }}, key: cqc-api-subscription-key, optional: true}
  - name: CARESIGNAL_CLASSIFY_AUTHOR_KEY
    valueFrom:
      secretKeyRef: {name: {{ include "caresignal.secretName" . }}, key: classify-author-key, optional: true}
{{- end -}}

{{/* CA bundles of the brokers and of Elasticsearch, mounted read-only when TLS is on. */}}
{{- define "caresignal.caVolumeMounts" -}}
- name: tmp
  mountPath: /tmp
- name: state
  mountPath: /var/lib/caresignal
{{- if .Values.kafka.tls.caSecret.name }}
- name: kafka-ca
  mountPath: /etc/caresignal/kafka-ca
  readOnly: true
{{- end }}
{{- if .Values.elasticsearch.tls.caSecret.name }}
- name: es-ca
  mountPath: /etc/caresignal/es-ca
  readOnly: true
{{- end }}
{{- end -}}

{{- define "caresignal.caVolumes" -}}
- name: tmp
  emptyDir:
    sizeLimit: 256Mi
- name: state
  emptyDir:
    sizeLimit: 1Gi
{{- if .Values.kafka.tls.caSecret.name }}
- name: kafka-ca
  secret:
    secretName: {{ .Values.kafka.tls.caSecret.name }}
    items: [{key: {{ .Values.kafka.tls.caSecret.key }}, path: ca.crt}]
{{- end }}
{{- if .Values.elasticsearch.tls.caSecret.name }}
- name: es-ca
  secret:
    secretName: {{ .Values.elasticsearch.tls.caSecret.name }}
    items: [{key: {{ .Values.elasticsearch.tls.caSecret.key }}, path: ca.crt}]
{{- end }}
{{- end -}}
