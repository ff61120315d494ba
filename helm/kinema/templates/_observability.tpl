{{/*
Traces, dashboards and scraping (values `observability`): where each service sends its spans,
the env that tells it so, and the checks that keep the settings coherent.
*/}}

{{/* The bundled collector's OTLP port for a protocol: 4317 for gRPC, 4318 for HTTP. */}}
{{- define "kinema.otlpPort" -}}
{{- if eq . "grpc" -}}4317{{- else -}}4318{{- end -}}
{{- end -}}

{{/* Where the services send spans: the user's collector, the bundled one, or nowhere (empty). */}}
{{- define "kinema.tracingEndpoint" -}}
{{- $o := .Values.observability -}}
{{- if $o.tracing.otlpEndpoint -}}
{{- $o.tracing.otlpEndpoint -}}
{{- else if $o.collector.enabled -}}
{{- printf "http://%s:%s" (include "kinema.serviceHost" (dict "root" . "name" "otel-collector")) (include "kinema.otlpPort" $o.tracing.protocol) -}}
{{- end -}}
{{- end -}}

{{/* Port of an http(s) URL: the one it names, else its scheme's default. */}}
{{- define "kinema.urlPort" -}}
{{- $url := urlParse . -}}
{{- regexFind ":[0-9]+$" $url.host | trimPrefix ":" | default (ternary "443" "80" (eq $url.scheme "https")) -}}
{{- end -}}

{{/*
The standard OTEL_* variables of one Kinema service (the only ones the services read). With no
destination the SDK is switched off, so no process retries exports to an address that is not
there. The sampler is passed on only when set, so the services' own default stays the one default.
*/}}
{{- define "kinema.telemetryEnv" -}}
{{- $root := .root -}}
{{- $tracing := $root.Values.observability.tracing -}}
{{- $endpoint := include "kinema.tracingEndpoint" $root -}}
{{- /* The replica's name, always: `x-served-by` names it, and the gateway's event feed names
its consumer group after it (as `npm start` names each replica), with tracing or without. */}}
- name: POD_NAME
  valueFrom:
    fieldRef:
      fieldPath: metadata.name
{{- if $endpoint }}
- name: OTEL_SERVICE_NAME
  value: {{ .name | quote }}
- name: OTEL_EXPORTER_OTLP_ENDPOINT
  value: {{ $endpoint | quote }}
- name: OTEL_EXPORTER_OTLP_PROTOCOL
  value: {{ $tracing.protocol | quote }}
- name: OTEL_RESOURCE_ATTRIBUTES
  value: {{ printf "k8s.namespace.name=%s,k8s.pod.name=$(POD_NAME),service.instance.id=$(POD_NAME),service.version=%s" $root.Release.Namespace (include "kinema.serviceImageTag" .) | quote }}
{{- with $tracing.sampler }}
- name: OTEL_TRACES_SAMPLER
  value: {{ . | quote }}
{{- end }}
{{- if ne (toString $tracing.samplerArg) "" }}
- name: OTEL_TRACES_SAMPLER_ARG
  value: {{ toString $tracing.samplerArg | quote }}
{{- end }}
{{- else }}
- name: OTEL_SDK_DISABLED
  value: "true"
{{- end }}
{{- end -}}

{{/* Fails early, naming the values to change, on settings that cannot work together. */}}
{{- define "kinema.observability.validate" -}}
{{- $o := .Values.observability -}}
{{- if and $o.tracing.otlpEndpoint $o.collector.enabled -}}
{{- fail "observability.tracing.otlpEndpoint and observability.collector.enabled are both set: the services send to one collector, yours or the bundled one (which can forward to yours through observability.collector.exporter.endpoint)" -}}
{{- end -}}
{{- if and $o.jaeger.enabled (not $o.collector.enabled) -}}
{{- fail "observability.jaeger.enabled needs observability.collector.enabled: the bundled collector is what passes the services' spans to Jaeger" -}}
{{- end -}}
{{- if and (ne (toString $o.tracing.samplerArg) "") (not (has $o.tracing.sampler (list "traceidratio" "parentbased_traceidratio"))) -}}
{{- fail "observability.tracing.samplerArg is a ratio for observability.tracing.sampler=traceidratio or parentbased_traceidratio; other samplers ignore it" -}}
{{- end -}}
{{- end -}}

{{/* NOTES.txt: how to see the traces and dashboards this release sends or ships. */}}
{{- define "kinema.observability.notes" -}}
{{- $o := .Values.observability -}}
{{- $endpoint := include "kinema.tracingEndpoint" . -}}
{{- if $o.jaeger.enabled }}

Traces (Jaeger):  kubectl -n {{ .Release.Namespace }} port-forward svc/{{ include "kinema.componentName" (dict "root" . "name" "jaeger") }} 16686
                  then http://localhost:16686 (search by service: gateway, catalog, users, videos);
                  any gateway answer's x-trace-id header is a trace id to paste there.
{{- else if $endpoint }}

Traces go to {{ $endpoint }} ({{ $o.tracing.protocol }}).
{{- end }}
{{- if $o.dashboards.enabled }}

Grafana dashboards: ConfigMaps labelled {{ $o.dashboards.label }}={{ $o.dashboards.labelValue }} in namespace {{ $o.dashboards.namespace | default .Release.Namespace }}
                  (Grafana's dashboard sidecar loads them).
{{- end }}
{{- end -}}

{{/*
The collector's configuration: OTLP in, memory_limiter then batch, out to `exporters` (names
below). Addresses come from the container's env, so the pod spec shows every peer it dials.
*/}}
{{- define "kinema.collectorConfig" -}}
{{- $c := .collector -}}
# Listening on every interface; the release's NetworkPolicies decide who reaches these ports.
extensions:
  health_check:
    endpoint: 0.0.0.0:13133
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 0.0.0.0:4317
      http:
        endpoint: 0.0.0.0:4318
processors:
  # First in line: above the limit, data is refused (senders retry) instead of buffered.
  memory_limiter:
    check_interval: 1s
    limit_percentage: {{ $c.memoryLimitPercentage }}
    spike_limit_percentage: {{ div $c.memoryLimitPercentage 4 }}
  batch: {}
exporters:
  {{- if has "otlp_grpc/jaeger" .exporters }}
  otlp_grpc/jaeger:
    endpoint: ${env:JAEGER_OTLP_ENDPOINT}
    tls:
      insecure: true
  {{- end }}
  {{- if has "otlp_grpc/upstream" .exporters }}
  otlp_grpc/upstream:
    endpoint: ${env:UPSTREAM_OTLP_ENDPOINT}
    {{- if hasPrefix "http://" $c.exporter.endpoint }}
    tls:
      insecure: true
    {{- end }}
  {{- end }}
  {{- if has "otlp_http/upstream" .exporters }}
  otlp_http/upstream:
    endpoint: ${env:UPSTREAM_OTLP_ENDPOINT}
  {{- end }}
  {{- if has "debug" .exporters }}
  # No destination configured: one log line per batch, so the pipeline is still visible.
  debug:
    verbosity: basic
  {{- end }}
service:
  extensions: [health_check]
  pipelines:
    traces:
      receivers: [otlp]
      processors: [memory_limiter, batch]
      exporters: [{{ join ", " .exporters }}]
{{- end -}}

{{/*
Jaeger v2's configuration (an OpenTelemetry Collector distribution): OTLP/gRPC in from the
bundled collector, a bounded in-memory store, the UI and query API on 16686.
*/}}
{{- define "kinema.jaegerConfig" -}}
service:
  extensions: [jaeger_storage, jaeger_query, healthcheckv2]
  pipelines:
    traces:
      receivers: [otlp]
      processors: [batch]
      exporters: [jaeger_storage_exporter]
  telemetry:
    resource:
      service.name: jaeger
    logs:
      level: info
extensions:
  healthcheckv2:
    use_v2: true
    http:
      endpoint: 0.0.0.0:13133
  jaeger_query:
    storage:
      traces: memstore
    # Every interface: kubectl port-forward arrives on the pod's loopback, Grafana on its address.
    http:
      endpoint: 0.0.0.0:16686
    # The gRPC query API is not offered outside the pod.
    grpc:
      endpoint: 127.0.0.1:16685
  jaeger_storage:
    backends:
      memstore:
        memory:
          max_traces: {{ .maxTraces }}
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 0.0.0.0:4317
processors:
  batch: {}
exporters:
  jaeger_storage_exporter:
    trace_storage: memstore
{{- end -}}
