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

{{/*
A CEL string literal: 'text', backslashes and single quotes escaped (as `pullkeeper render` writes it).
*/}}
{{- define "pullkeeper.celString" -}}
'{{ . | toString | replace "\\" "\\\\" | replace "'" "\\'" }}'
{{- end }}

{{/*
A CEL list of string literals: ['a', 'b'], or [] when empty.
*/}}
{{- define "pullkeeper.celList" -}}
[{{ range $index, $item := . }}{{ if $index }}, {{ end }}{{ include "pullkeeper.celString" $item }}{{ end }}]
{{- end }}

{{/*
What the admission policies take from the operator config, as JSON: secretName, excludeNamespaces, the
namespaceSelector's matchLabels and matchExpressions (or null) and the default attach mode. From the `config` value
when set (its defaults as pullkeeper's), else from the chart's default config.
*/}}
{{- define "pullkeeper.policyConfig" -}}
{{- $config := dict }}
{{- if .Values.config }}
{{- $config = fromYaml .Values.config }}
{{- if hasKey $config "Error" }}
{{- fail (printf "config: not a YAML mapping (%s); check it with `pullkeeper check --config FILE`" (get $config "Error")) }}
{{- end }}
{{- end }}
{{- $exclude := list "kube-system" "kube-public" "kube-node-lease" }}
{{- if hasKey $config "excludeNamespaces" }}
{{- $exclude = $config.excludeNamespaces | default list }}
{{- end }}
{{- $selector := $config.namespaceSelector | default dict }}
{{- $optIn := "" }}
{{- if or $selector.matchLabels $selector.matchExpressions }}
{{- $optIn = dict "matchLabels" ($selector.matchLabels | default dict) "matchExpressions" ($selector.matchExpressions | default list) }}
{{- end }}
{{- dict "secretName" (default "acr-pull" $config.secretName) "excludeNamespaces" $exclude "optIn" $optIn "attach" (default "both" $config.attach) | toJson }}
{{- end }}

{{/*
CEL: whether the label map named by `labels` satisfies the selector (matchLabels by key, then matchExpressions),
every term must hold; the same text as `pullkeeper render`.
*/}}
{{- define "pullkeeper.celSelectorMatches" -}}
{{- $labels := index . 1 }}
{{- $terms := list }}
{{- range $key, $value := (index . 0).matchLabels }}
{{- $k := include "pullkeeper.celString" $key }}
{{- $terms = append $terms (printf "(%s in %s && %s[%s] == %s)" $k $labels $labels $k (include "pullkeeper.celString" $value)) }}
{{- end }}
{{- range (index . 0).matchExpressions }}
{{- $k := include "pullkeeper.celString" .key }}
{{- $values := include "pullkeeper.celList" (.values | default list) }}
{{- if eq .operator "In" }}
{{- $terms = append $terms (printf "(%s in %s && %s[%s] in %s)" $k $labels $labels $k $values) }}
{{- else if eq .operator "NotIn" }}
{{- $terms = append $terms (printf "!(%s in %s && %s[%s] in %s)" $k $labels $labels $k $values) }}
{{- else if eq .operator "Exists" }}
{{- $terms = append $terms (printf "%s in %s" $k $labels) }}
{{- else if eq .operator "DoesNotExist" }}
{{- $terms = append $terms (printf "!(%s in %s)" $k $labels) }}
{{- else }}
{{- fail (printf "config: namespaceSelector.matchExpressions: operator must be In, NotIn, Exists or DoesNotExist, found %q (key %q)" (toString .operator) (toString .key)) }}
{{- end }}
{{- end }}
{{- if $terms }}({{ join " && " $terms }}){{ else }}true{{ end }}
{{- end }}

{{/*
The label keys the config's namespaceSelector reads (sorted, no repeats): the namespace-metadata policy protects
them like pullkeeper.io/ labels.
*/}}
{{- define "pullkeeper.optInLabelKeys" -}}
{{- $keys := list }}
{{- with .optIn }}
{{- $keys = keys .matchLabels }}
{{- range .matchExpressions }}{{ $keys = append $keys .key }}{{ end }}
{{- end }}
{{- $keys | uniq | sortAlpha | toJson }}
{{- end }}

{{/*
Who the operator is to the API server: system:serviceaccount:<namespace>:<service account>.
*/}}
{{- define "pullkeeper.operatorUsername" -}}
system:serviceaccount:{{ .Release.Namespace }}:{{ include "pullkeeper.serviceAccountName" . }}
{{- end }}

{{/*
`members of G1, G2 and the users U1`, `members of G1` or `the users U1, U2`: who may set pullkeeper.io/ metadata.
*/}}
{{- define "pullkeeper.namespaceAdmins" -}}
{{- $groups := join ", " .Values.admission.namespaceAdmins.groups }}
{{- $users := join ", " .Values.admission.namespaceAdmins.users }}
{{- if not .Values.admission.namespaceAdmins.users }}members of {{ $groups }}
{{- else if not .Values.admission.namespaceAdmins.groups }}the users {{ $users }}
{{- else }}members of {{ $groups }} and the users {{ $users }}
{{- end }}
{{- end }}
