{{/*
The module entries with moduleDefaults filled in, each with `callers` (the entries whose `calls`
name it), checked once here so every template sees the same list. As JSON: a template returns text.
*/}}
{{- define "logisynapse.entries" -}}
{{- $entries := list }}
{{- $names := list }}
{{- $paths := list }}
{{- if not .Values.modules }}{{ fail "modules: at least one entry" }}{{ end }}
{{- range .Values.modules }}
  {{- $e := mergeOverwrite (deepCopy $.Values.moduleDefaults) (deepCopy .) }}
  {{- if not (regexMatch "^[a-z]([-a-z0-9]*[a-z0-9])?$" (toString $e.name)) }}{{ fail (printf "modules: entry name %q is not a DNS label" (toString $e.name)) }}{{ end }}
  {{- if has $e.name $names }}{{ fail (printf "modules: entry %q twice" $e.name) }}{{ end }}
  {{- if gt (len (printf "%s-%s" $.Release.Name $e.name)) 63 }}{{ fail (printf "%s-%s is longer than 63 characters" $.Release.Name $e.name) }}{{ end }}
  {{- if not $e.modules }}{{ fail (printf "modules: entry %q has no `modules` (its LOGISYNAPSE_MODULES)" $e.name) }}{{ end }}
  {{- if eq $e.name "migrate" }}{{ fail "modules: the entry name migrate is the migration Job's" }}{{ end }}
  {{- range $key, $_ := $e.env }}
    {{- if has $key (list "LOGISYNAPSE_MODULES" "LOGISYNAPSE_DATA_DIR" "PORT" "GRPC_PORT" "METRICS_PORT") }}{{ fail (printf "modules: %q sets %s in env; the chart sets it (modules, ports)" $e.name $key) }}{{ end }}
  {{- end }}
  {{- range $module, $_ := $e.calls }}
    {{- $url := printf "%s_GRPC_URL" ($module | upper | replace "-" "_") }}
    {{- if hasKey ($e.env | default dict) $url }}{{ fail (printf "modules: %q sets %s in env and calls %s: one of the two" $e.name $url $module) }}{{ end }}
  {{- end }}
  {{- $names = append $names $e.name }}
  {{- $entries = append $entries $e }}
{{- end }}
{{- range $e := $entries }}
  {{- range $module, $callee := $e.calls }}
    {{- $found := false }}
    {{- range $entries }}{{ if and (eq .name $callee) .grpc }}{{ $found = true }}{{ end }}{{ end }}
    {{- if not $found }}{{ fail (printf "modules: %q calls %s at entry %q, which is not an entry that serves gRPC" $e.name $module $callee) }}{{ end }}
  {{- end }}
  {{- range $e.paths }}
    {{- if not (regexMatch "^/[-._~a-zA-Z0-9/]*$" (toString .)) }}{{ fail (printf "modules: %q has path %q, not an absolute URL path" $e.name (toString .)) }}{{ end }}
    {{- if has . $paths }}{{ fail (printf "modules: the path %s is routed to two entries" .) }}{{ end }}
    {{- $paths = append $paths . }}
  {{- end }}
  {{- if and $e.paths (not $e.public) }}{{ fail (printf "modules: %q has paths but is not public" $e.name) }}{{ end }}
  {{- with $e.keysFrom }}
    {{- $found := false }}
    {{- range $entries }}{{ if and (eq .name $e.keysFrom) (has "auth" (splitList "," (.modules | replace " " ""))) }}{{ $found = true }}{{ end }}{{ end }}
    {{- if not $found }}{{ fail (printf "modules: %q reads its keys from %q, which is not an entry hosting the auth module" $e.name $e.keysFrom) }}{{ end }}
    {{- if hasKey ($e.env | default dict) "AUTH_JWKS_URL" }}{{ fail (printf "modules: %q sets AUTH_JWKS_URL in env and keysFrom: one of the two" $e.name) }}{{ end }}
  {{- end }}
  {{- $callers := list }}
  {{- range $entries }}{{ if has $e.name (values .calls) }}{{ $callers = append $callers .name }}{{ end }}{{ end }}
  {{- $_ := set $e "callers" $callers }}
  {{- $keyReaders := list }}
  {{- range $entries }}{{ if eq (.keysFrom | default "") $e.name }}{{ $keyReaders = append $keyReaders .name }}{{ end }}{{ end }}
  {{- $_ := set $e "keyReaders" $keyReaders }}
{{- end }}
{{- range $name, $_ := .Values.mesh.faults }}
  {{- if not (has $name $names) }}{{ fail (printf "mesh.faults: %q is not an entry of modules" $name) }}{{ end }}
{{- end }}
{{- toJson $entries }}
{{- end }}

{{- define "logisynapse.selector" -}}
app.kubernetes.io/name: logisynapse
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .name }}
{{- end }}

{{- define "logisynapse.labels" -}}
{{ include "logisynapse.selector" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- end }}

{{/* The release's pods (all entries and the migration Job). */}}
{{- define "logisynapse.releaseSelector" -}}
app.kubernetes.io/name: logisynapse
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "logisynapse.fqdn" -}}
{{ .root.Release.Name }}-{{ .name }}.{{ .root.Release.Namespace }}.svc.cluster.local
{{- end }}

{{/* The mesh identity of an entry's pods: its service account's SPIFFE name. */}}
{{- define "logisynapse.principal" -}}
{{ .root.Values.mesh.trustDomain }}/ns/{{ .root.Release.Namespace }}/sa/{{ .root.Release.Name }}-{{ .name }}
{{- end }}

{{- define "logisynapse.ingressPrincipal" -}}
{{- with .Values.mesh.ingressGateway }}{{ $.Values.mesh.trustDomain }}/ns/{{ .namespace }}/sa/{{ .serviceAccount }}{{ end }}
{{- end }}

{{/* The pod spec parts that every pod of the release shares: identity, security, volumes. */}}
{{- define "logisynapse.podSecurity" -}}
automountServiceAccountToken: false
enableServiceLinks: false
securityContext: {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- end }}

{{- define "logisynapse.volumes" -}}
- name: data
  emptyDir: { sizeLimit: {{ .Values.dataVolume.sizeLimit }} }
- name: tmp
  emptyDir: { medium: Memory, sizeLimit: 64Mi }
{{- if .Values.opa.enabled }}
- name: policies
  configMap: { name: {{ .Values.opa.policiesConfigMap | quote }} }
{{- end }}
{{- end }}

{{- define "logisynapse.volumeMounts" -}}
- { name: data, mountPath: /data }
- { name: tmp, mountPath: /tmp }
{{- end }}

{{- define "logisynapse.image" -}}
{{ .root.Values.image.repository }}/{{ .image }}:{{ .root.Values.image.tag }}
{{- end }}
