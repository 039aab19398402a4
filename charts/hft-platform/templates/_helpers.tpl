{{/* Chart name (app.kubernetes.io/name). */}}
{{- define "hft.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Full name: prefix of every object name. */}}
{{- define "hft.fullname" -}}
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

{{/* Name of a component's objects: hft.component (dict "ctx" $ "component" "engine"). */}}
{{- define "hft.component.fullname" -}}
{{- printf "%s-%s" (include "hft.fullname" .ctx) .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "hft.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels of every object. */}}
{{- define "hft.labels" -}}
helm.sh/chart: {{ include "hft.chart" . }}
app.kubernetes.io/name: {{ include "hft.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: hft-platform
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Immutable selector labels of a component: include "hft.selectorLabels" (dict "ctx" $ "component" "engine"). */}}
{{- define "hft.selectorLabels" -}}
app.kubernetes.io/name: {{ include "hft.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* Labels of a component's objects. */}}
{{- define "hft.componentLabels" -}}
{{ include "hft.labels" .ctx }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* Image of a platform workload: include "hft.image" (dict "ctx" $ "image" .Values.engine.image). */}}
{{- define "hft.image" -}}
{{- $tag := .image.tag | default .ctx.Values.image.tag | default .ctx.Chart.AppVersion -}}
{{- if .ctx.Values.image.registry -}}
{{- printf "%s/%s:%s" (trimSuffix "/" .ctx.Values.image.registry) .image.repository $tag -}}
{{- else -}}
{{- printf "%s:%s" .image.repository $tag -}}
{{- end -}}
{{- end -}}

{{- define "hft.postgresql.image" -}}
{{- $img := .Values.postgresql.image -}}
{{- if $img.registry -}}
{{- printf "%s/%s:%s" $img.registry $img.repository $img.tag -}}
{{- else -}}
{{- printf "%s:%s" $img.repository $img.tag -}}
{{- end -}}
{{- end -}}

{{- define "hft.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "hft.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "hft.postgresql.secretName" -}}
{{- default (include "hft.component.fullname" (dict "ctx" . "component" "postgresql")) .Values.postgresql.auth.existingSecret -}}
{{- end -}}

{{- define "hft.backend.secretName" -}}
{{- default (include "hft.component.fullname" (dict "ctx" . "component" "backend")) .Values.backend.auth.existingSecret -}}
{{- end -}}

{{/* Host of the PostgreSQL primary (the StatefulSet's client Service). */}}
{{- define "hft.postgresql.host" -}}
{{- include "hft.component.fullname" (dict "ctx" . "component" "postgresql") -}}
{{- end -}}

{{/* Restricted-profile container securityContext (Pod Security Standards "restricted"). */}}
{{- define "hft.containerSecurityContext" -}}
runAsNonRoot: true
readOnlyRootFilesystem: true
allowPrivilegeEscalation: false
capabilities:
  drop: ["ALL"]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Pod securityContext; uid 1000 is the `node` user of the Node.js images. */}}
{{- define "hft.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .uid }}
runAsGroup: {{ .uid }}
fsGroup: {{ .uid }}
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Env of pods that talk to PostgreSQL: DATABASE_URL assembled from the credentials Secret. */}}
{{- define "hft.databaseEnv" -}}
- name: DATABASE_USER
  valueFrom:
    secretKeyRef:
      name: {{ include "hft.postgresql.secretName" . }}
      key: {{ .Values.postgresql.auth.secretKeys.usernameKey }}
- name: DATABASE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "hft.postgresql.secretName" . }}
      key: {{ .Values.postgresql.auth.secretKeys.passwordKey }}
- name: DATABASE_URL
  value: {{ printf "postgresql://$(DATABASE_USER):$(DATABASE_PASSWORD)@%s:%d/%s" (include "hft.postgresql.host" .) (int .Values.postgresql.port) .Values.postgresql.auth.database | quote }}
{{- end -}}

{{- define "hft.imagePullSecrets" -}}
{{- with .Values.image.pullSecrets }}
imagePullSecrets:
{{- range . }}
  - name: {{ . }}
{{- end }}
{{- end }}
{{- end -}}

{{/* Scheduling block: include "hft.scheduling" .Values.engine */}}
{{- define "hft.scheduling" -}}
{{- with .nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}
