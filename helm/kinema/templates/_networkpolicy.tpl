{{/* Building blocks of networkpolicies.yaml. */}}
{{/* Peer selecting the pods of one component of this release. */}}
{{- define "kinema.np.peer" -}}
- podSelector:
    matchLabels:
      {{- include "kinema.selectorLabels" . | nindent 6 }}
{{- end -}}
{{/* Egress rules to PostgreSQL and Kafka, bundled (by pod) or external (by configured peers). */}}
{{- define "kinema.np.dataEgress" -}}
{{- $v := .Values -}}
{{- if $v.postgresql.enabled }}
- to:
    {{- include "kinema.np.peer" (dict "root" . "name" "postgresql") | nindent 4 }}
  ports:
    - { port: {{ $v.postgresql.port }}, protocol: TCP }
{{- else }}
- to:
    {{- toYaml $v.networkPolicy.external.postgresql | nindent 4 }}
{{- end }}
{{ include "kinema.np.kafkaEgress" . }}
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
