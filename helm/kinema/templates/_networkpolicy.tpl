{{/* Building blocks of networkpolicies.yaml. */}}
{{/* Peer selecting the pods of one component of this release. */}}
{{- define "kinema.np.peer" -}}
- podSelector:
    matchLabels:
      {{- include "kinema.selectorLabels" . | nindent 6 }}
{{- end -}}
{{/*
Egress rules of one service (dict root name) to its database (PgBouncer, its bundled instance, or
external peers) and to Kafka.
*/}}
{{- define "kinema.np.dataEgress" -}}
{{- $v := .root.Values -}}
{{- if $v.pgbouncer.enabled }}
- to:
    {{- include "kinema.np.peer" (dict "root" .root "name" "pgbouncer") | nindent 4 }}
  ports:
    - { port: {{ $v.pgbouncer.port }}, protocol: TCP }
{{- else if $v.postgresql.enabled }}
- to:
    {{- include "kinema.np.peer" (dict "root" .root "name" (include "kinema.postgresqlComponent" .)) | nindent 4 }}
  ports:
    - { port: {{ $v.postgresql.port }}, protocol: TCP }
{{- else }}
- to:
    {{- toYaml $v.networkPolicy.external.postgresql | nindent 4 }}
{{- end }}
{{ include "kinema.np.kafkaEgress" .root }}
{{- end -}}
{{/* Egress to Kafka, bundled (by pod) or external: the services, and the gateway's event feed. */}}
{{- define "kinema.np.kafkaEgress" -}}
{{- $v := .Values -}}
{{- if $v.kafka.enabled }}
- to:
    {{- include "kinema.np.peer" (dict "root" . "name" "kafka") | nindent 4 }}
  ports:
    - { port: {{ $v.kafka.port }}, protocol: TCP }
{{- else }}
- to:
    {{- toYaml $v.networkPolicy.external.kafka | nindent 4 }}
{{- end }}
{{- end -}}
