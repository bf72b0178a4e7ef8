{{/*
Names, labels and the shared pieces of every workload.
*/}}

{{/* The chart name, or nameOverride. */}}
{{- define "dictamesh.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The resource name prefix: fullnameOverride, else `<release>-<chart>` (just the release when it holds the chart name). */}}
{{- define "dictamesh.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* `<fullname>-<component>`, at most 63 characters. Call with (dict "root" $ "component" "gateway"). */}}
{{- define "dictamesh.componentName" -}}
{{- printf "%s-%s" (include "dictamesh.fullname" .root | trunc (int (sub 62 (len .component)))) .component | trimSuffix "-" -}}
{{- end -}}

{{- define "dictamesh.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels of every resource. */}}
{{- define "dictamesh.labels" -}}
helm.sh/chart: {{ include "dictamesh.chart" . }}
{{ include "dictamesh.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: dictamesh
{{- end -}}

{{- define "dictamesh.selectorLabels" -}}
app.kubernetes.io/name: {{ include "dictamesh.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Labels of one component's resources. Call with (dict "root" $ "component" "gateway"). */}}
{{- define "dictamesh.componentLabels" -}}
{{ include "dictamesh.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* Selector of one component's pods. */}}
{{- define "dictamesh.componentSelectorLabels" -}}
{{ include "dictamesh.selectorLabels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "dictamesh.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "dictamesh.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "dictamesh.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) -}}
{{- end -}}

{{/* The Secret holding the keys: existingSecret, else the chart's. */}}
{{- define "dictamesh.secretName" -}}
{{- .Values.secrets.existingSecret | default (include "dictamesh.fullname" .) -}}
{{- end -}}

{{/* The services in a fixed order, and each one's port variable. */}}
{{- define "dictamesh.serviceNames" -}}
gateway catalog adapters billing config notifications
{{- end -}}

{{- define "dictamesh.portVariable" -}}
{{- index (dict "gateway" "GATEWAY_PORT" "catalog" "CATALOG_PORT" "adapters" "ADAPTERS_PORT" "billing" "BILLING_PORT" "config" "CONFIG_PORT" "notifications" "NOTIFICATIONS_PORT") . -}}
{{- end -}}

{{/* The subgraphs the gateway composes: every enabled service but the gateway (space-separated). */}}
{{- define "dictamesh.subgraphs" -}}
{{- $out := list -}}
{{- range $name := splitList " " (include "dictamesh.serviceNames" .) -}}
{{- if and (ne $name "gateway") (index $.Values.services $name).enabled -}}
{{- $out = append $out $name -}}
{{- end -}}
{{- end -}}
{{- join " " $out -}}
{{- end -}}

{{/* The in-cluster URL of a subgraph. Call with (dict "root" $ "name" "catalog"). */}}
{{- define "dictamesh.subgraphUrl" -}}
{{- $svc := index .root.Values.services .name -}}
{{- printf "http://%s:%v/graphql" (include "dictamesh.componentName" (dict "root" .root "component" .name)) $svc.service.port -}}
{{- end -}}

{{/* The DATABASE_URL the chart's Secret holds: externalDatabase.url, else built from its parts. */}}
{{- define "dictamesh.databaseUrl" -}}
{{- $db := .Values.externalDatabase -}}
{{- if $db.url -}}
{{- $db.url -}}
{{- else -}}
{{- $auth := $db.user | urlquery -}}
{{- if $db.password -}}{{- $auth = printf "%s:%s" $auth ($db.password | urlquery) -}}{{- end -}}
{{- printf "postgresql://%s@%s:%v/%s" $auth $db.host $db.port $db.database -}}
{{- if $db.sslmode -}}?sslmode={{ $db.sslmode }}{{- end -}}
{{- end -}}
{{- end -}}

{{/*
The keys the Secret holds (space-separated): the three every deployment needs, then the optional
ones given in values (or listed in secrets.existingSecretKeys).
*/}}
{{- define "dictamesh.secretKeys" -}}
{{- $keys := list "DATABASE_URL" "SUBGRAPH_TOKEN_KEY" "DICTAMESH_MASTER_KEY" -}}
{{- if .Values.secrets.existingSecret -}}
{{- $keys = concat $keys .Values.secrets.existingSecretKeys -}}
{{- else -}}
{{- if .Values.secrets.jwtSecret -}}{{- $keys = append $keys "JWT_SECRET" -}}{{- end -}}
{{- if .Values.externalRedis.url -}}{{- $keys = append $keys "REDIS_URL" -}}{{- end -}}
{{- $keys = concat $keys (keys .Values.secrets.other | sortAlpha) -}}
{{- end -}}
{{- $keys | uniq | join " " -}}
{{- end -}}

{{/*
The keys each service reads (least privilege: a pod mounts only these, when the Secret holds them).
A gateway alone opens the database to verify API keys, and with it the key ring.
*/}}
{{- define "dictamesh.serviceSecretKeys" -}}
{{- $subgraph := list "DATABASE_URL" "SUBGRAPH_TOKEN_KEY" "DICTAMESH_MASTER_KEY" -}}
{{- $byService := dict
  "gateway" (list "SUBGRAPH_TOKEN_KEY" "JWT_SECRET" "REDIS_URL" "DATABASE_URL" "DICTAMESH_MASTER_KEY")
  "catalog" $subgraph
  "adapters" (append $subgraph "DICTAMESH_SECRET_KEY")
  "billing" (concat $subgraph (list "STRIPE_SECRET_KEY" "STRIPE_WEBHOOK_SECRET"))
  "config" $subgraph
  "notifications" (concat $subgraph (list "NOTIFICATIONS_SMTP_URL" "NOTIFICATIONS_SMS_AUTH_TOKEN" "NOTIFICATIONS_PUSH_TOKEN"))
-}}
{{- $held := splitList " " (include "dictamesh.secretKeys" .root) -}}
{{- $out := list -}}
{{- range $key := index $byService .component -}}
{{- if has $key $held -}}{{- $out = append $out $key -}}{{- end -}}
{{- end -}}
{{- join " " $out -}}
{{- end -}}

{{/* Checks values no JSON Schema can express; fails the render with the reason. */}}
{{- define "dictamesh.validate" -}}
{{- if and .Values.webhooks.enabled (not .Values.services.adapters.enabled) -}}
{{- fail "webhooks.enabled needs services.adapters.enabled: the adapter runtime serves the webhook endpoint" -}}
{{- end -}}
{{- if and .Values.ingress.enabled (not .Values.services.gateway.enabled) -}}
{{- fail "ingress.enabled needs services.gateway.enabled: the Ingress routes to the gateway" -}}
{{- end -}}
{{- if and .Values.ingress.enabled .Values.ingress.webhooks (not .Values.webhooks.enabled) -}}
{{- fail "ingress.webhooks needs webhooks.enabled" -}}
{{- end -}}
{{- $jwt := or .Values.secrets.jwtSecret .Values.settings.jwtJwksUrl (has "JWT_SECRET" .Values.secrets.existingSecretKeys) -}}
{{- if and (eq .Values.settings.nodeEnv "production") $jwt (or (not .Values.settings.jwtIssuer) (not .Values.settings.jwtAudience)) -}}
{{- fail "settings.jwtIssuer and settings.jwtAudience are required with a JWT secret or JWKS URL in production (else tokens of any issuer or audience are accepted)" -}}
{{- end -}}
{{- end -}}

{{/* The `<NAME>_FILE` variables of a pod's keys. Call with (dict "root" $ "component" "gateway"). */}}
{{- define "dictamesh.secretEnv" -}}
{{- range $key := splitList " " (include "dictamesh.serviceSecretKeys" .) }}
{{- if $key }}
- name: {{ $key }}_FILE
  value: {{ printf "%s/%s" $.root.Values.secrets.mountPath $key | quote }}
{{- end }}
{{- end }}
{{- end -}}

{{/* The volumes of a pod: its keys (only those its service reads), the data directory, /tmp. */}}
{{- define "dictamesh.volumes" -}}
- name: secrets
  secret:
    secretName: {{ include "dictamesh.secretName" .root }}
    defaultMode: 288 # 0440: owner root, group fsGroup (the node user) reads
    items:
      {{- range $key := splitList " " (include "dictamesh.serviceSecretKeys" .) }}
      {{- if $key }}
      - key: {{ $key }}
        path: {{ $key }}
      {{- end }}
      {{- end }}
- name: data
  {{- if .root.Values.dataDir.persistence.enabled }}
  persistentVolumeClaim:
    claimName: {{ .root.Values.dataDir.persistence.existingClaim | default (include "dictamesh.componentName" (dict "root" .root "component" "data")) }}
  {{- else }}
  emptyDir:
    sizeLimit: {{ .root.Values.dataDir.sizeLimit }}
  {{- end }}
- name: tmp
  emptyDir:
    sizeLimit: 256Mi
{{- end -}}

{{- define "dictamesh.volumeMounts" -}}
- name: secrets
  mountPath: {{ .Values.secrets.mountPath }}
  readOnly: true
- name: data
  mountPath: {{ .Values.dataDir.path }}
- name: tmp
  mountPath: /tmp
{{- end -}}
