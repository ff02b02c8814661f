{{- define "streampipeline-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The release's full name: fullnameOverride, else the release name with the (overridable) chart name unless the
release name holds it. Also the leader-election Lease's name, so that two releases never share a Lease.
*/}}
{{- define "streampipeline-operator.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "streampipeline-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "streampipeline-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "streampipeline-operator.labels" -}}
{{ include "streampipeline-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: operator
app.kubernetes.io/part-of: streampipeline
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end }}

{{- define "streampipeline-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "streampipeline-operator.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "streampipeline-operator.leaderElection" -}}
{{- if or .Values.leaderElection.enabled (gt (int .Values.replicaCount) 1) }}true{{ end }}
{{- end }}

{{/*
Exactly the API calls the operator makes (operator/src/main/java/io/streampipeline/operator/reconciler):
- StreamPipelines: watched by the controller's informer; status written by server-side apply (patch).
- KafkaTopics: watched (label-selected informer), listed to find topics another owner made, server-side
  applied (patch; create when the apply creates), read and patched to release one under Retain, deleted
  under Delete.
- Kafkas: read by name to check that the pipeline's Kafka cluster exists (v1, else v1beta2).
- FlinkDeployments: watched, server-side applied (patch; create when the apply creates).
- Events: created about pipelines.
API discovery (does the cluster serve KafkaTopic and FlinkDeployment?) needs no rule: the built-in
system:discovery ClusterRole grants it to every authenticated user.
*/}}
{{- define "streampipeline-operator.rules" -}}
- apiGroups: ["streampipeline.io"]
  resources: ["streampipelines"]
  verbs: ["list", "watch"]
- apiGroups: ["streampipeline.io"]
  resources: ["streampipelines/status"]
  verbs: ["patch"]
- apiGroups: ["kafka.strimzi.io"]
  resources: ["kafkatopics"]
  verbs: ["get", "list", "watch", "create", "patch", "delete"]
- apiGroups: ["kafka.strimzi.io"]
  resources: ["kafkas"]
  verbs: ["get"]
- apiGroups: ["kafka.strimzi.io"]
  resources: ["kafkausers"]
  verbs: ["get", "list", "watch", "create", "patch"]
# Secrets are only read, never written: the credentials Secrets the Flink pods mount are checked for their keys,
# and their resourceVersions restart the job when they change. The informer lists only Secrets labelled
# strimzi.io/cluster (RBAC cannot narrow list/watch by label; watchNamespaces narrows it by namespace).
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["get", "list", "watch"]
- apiGroups: ["flink.apache.org"]
  resources: ["flinkdeployments"]
  verbs: ["list", "watch", "create", "patch"]
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create"]
# Upgrade checks: a short-lived Job per change of a job with state, and its pod's termination message (the verdict).
- apiGroups: ["batch"]
  resources: ["jobs"]
  verbs: ["list", "watch", "create", "delete"]
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["list"]
{{- end }}
