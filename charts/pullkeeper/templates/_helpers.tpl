{{/*
The chart name, truncated to 63 characters (the limit of Kubernetes names and label values).
*/}}
{{- define "pullkeeper.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The full name: the release name, plus the chart name unless the release name already contains it; 63 characters
at most. fullnameOverride replaces it.
*/}}
{{- define "pullkeeper.fullname" -}}
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

{{/*
A name derived from the full name with a suffix; the full name is cut first so that the suffix survives.
*/}}
{{- define "pullkeeper.suffixed" -}}
{{- $suffix := index . 1 }}
{{- printf "%s-%s" (include "pullkeeper.fullname" (index . 0) | trunc (int (sub 62 (len $suffix))) | trimSuffix "-") $suffix }}
{{- end }}

{{/*
Chart name and version, for the helm.sh/chart label.
*/}}
{{- define "pullkeeper.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Labels on every object.
*/}}
{{- define "pullkeeper.labels" -}}
helm.sh/chart: {{ include "pullkeeper.chart" . }}
{{ include "pullkeeper.selectorLabels" . }}
{{- if .Chart.AppVersion }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/*
Selector labels: they pick the operator's pods and never change across upgrades (selectors are immutable).
*/}}
{{- define "pullkeeper.selectorLabels" -}}
app.kubernetes.io/name: {{ include "pullkeeper.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
The ServiceAccount the operator runs as.
*/}}
{{- define "pullkeeper.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "pullkeeper.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
The image reference: repository plus digest, or plus tag (default: the chart's appVersion).
*/}}
{{- define "pullkeeper.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/*
The Secret with the operator's credential files.
*/}}
{{- define "pullkeeper.credentialsSecret" -}}
{{- default (include "pullkeeper.suffixed" (list . "credentials")) .Values.existingSecret }}
{{- end }}

{{/*
Whether the identity mode reads credential files from the Secret ("true" or "").
*/}}
{{- define "pullkeeper.mountsCredentials" -}}
{{- if has .Values.identity.mode (list "service-principal" "static") }}true{{ end }}
{{- end }}

{{/*
Stands in for tenant and client IDs nobody set: obviously not real, still a valid GUID.
*/}}
{{- define "pullkeeper.placeholderGUID" -}}
00000000-0000-0000-0000-000000000000
{{- end }}

{{/*
The default operator config of the identity mode (the same as `pullkeeper render --identity-mode MODE`).
*/}}
{{- define "pullkeeper.defaultConfig" -}}
{{- $mode := .Values.identity.mode }}
{{- $credentials := "/etc/pullkeeper/credentials" -}}
cloud: public
defaultIdentity: {{ $mode }}
secretName: acr-pull
serviceAccounts:
  - default
{{- if .Values.repairPods }}
repairPods: true
{{- end }}
excludeNamespaces:
  - kube-system
  - kube-public
  - kube-node-lease
refresh:
  fraction: 0.5
  jitter: 0.1
  resync: 10m
identities:
  - name: {{ $mode }}
{{- if eq $mode "workload" }}
    {{- /* The workload-identity webhook injects AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_FEDERATED_TOKEN_FILE. */}}
    environment: {}
{{- else if eq $mode "managed" }}
{{- if .Values.identity.clientID }}
    managedIdentity:
      clientID: {{ .Values.identity.clientID | quote }}
{{- else }}
    managedIdentity: {}
{{- end }}
{{- else if eq $mode "service-principal" }}
    servicePrincipal:
      tenantID: {{ default (include "pullkeeper.placeholderGUID" .) .Values.identity.tenantID | quote }}
      clientID: {{ default (include "pullkeeper.placeholderGUID" .) .Values.identity.clientID | quote }}
      clientSecretFile: {{ $credentials }}/client-secret
{{- else }}
    static:
      usernameFile: {{ $credentials }}/username
      passwordFile: {{ $credentials }}/password
      password2File: {{ $credentials }}/password2
{{- end }}
    {{- /* Tenancy, deny by default: only these namespaces, only these registries, only pull. */}}
    namespaces:
{{- range .Values.identity.namespaces }}
      - {{ . | quote }}
{{- end }}
    registries:
{{- range .Values.identity.registries }}
      - {{ . | quote }}
{{- end }}
    actions:
      - pull
{{- end }}
