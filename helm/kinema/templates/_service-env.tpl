{{/*
Environment of one Kinema service, mirroring the config schema each app validates at boot
(apps/<service>/src/config.ts). Ports, addresses and secrets come from the chart's own values
so they always agree with the Services and probes; `env` adds the plain tunables.
*/}}

{{/* Integers arrive from YAML as float64; print them whole so 3600000 never becomes 3.6e+06. */}}
{{- define "kinema.envValue" -}}
{{- if kindIs "float64" . -}}{{- int64 . -}}{{- else -}}{{- . -}}{{- end -}}
{{- end -}}

{{- define "kinema.secretEnv" -}}
- name: {{ .env }}
  valueFrom:
    secretKeyRef:
      name: {{ .secret }}
      key: {{ .key }}
{{- end -}}

{{- define "kinema.serviceEnv" -}}
{{- $root := .root -}}
{{- $name := .name -}}
{{- $c := index $root.Values $name -}}
- name: NODE_ENV
  value: production
{{- range $key, $value := $c.env }}
- name: {{ $key }}
  value: {{ include "kinema.envValue" $value | quote }}
{{- end }}
{{- if eq $name "gateway" }}
- name: HTTP_PORT
  value: {{ include "kinema.envValue" $c.port | quote }}
- name: HTTP_HOST
  value: "0.0.0.0"
- name: OPS_PORT
  value: {{ include "kinema.envValue" $c.opsPort | quote }}
{{- /* The web app the image carries (apps/web/dist under the working directory /app). */}}
- name: WEB_DIST_DIR
  value: apps/web/dist
{{ include "kinema.kafkaClientEnv" $root }}
{{- range $backend := list "catalog" "users" "videos" }}
{{- if (index $root.Values $backend).enabled }}
- name: {{ upper $backend }}_GRPC_TARGET
  value: {{ include "kinema.grpcTarget" (dict "root" $root "name" $backend) | quote }}
{{- end }}
{{- end }}
{{- if $root.Values.videos.enabled }}
{{ include "kinema.secretEnv" (dict "env" "PLAYBACK_GRANT_SECRET" "secret" (include "kinema.appSecretName" $root) "key" "playback-grant-secret") }}
{{- if not $root.Values.minio.enabled }}
{{- with $root.Values.externalS3.publicEndpoint }}
{{- /* Where PLAYBACK_MODE=redirect sends players: the pages' CSP lets media load from it. */}}
- name: PLAYBACK_MEDIA_ORIGIN
  value: {{ . | quote }}
{{- end }}
{{- end }}
{{- end }}
{{- if include "kinema.redisBundled" $root }}
{{- /* Built here from the password, as DATABASE_URL is: the kubelet expands $(REDIS_PASSWORD). */}}
{{ include "kinema.secretEnv" (dict "env" "REDIS_PASSWORD" "secret" (include "kinema.redisPasswordSecretName" $root) "key" "redis-password") }}
- name: REDIS_URL
  value: {{ printf "redis://:$(REDIS_PASSWORD)@%s:%v/0" (include "kinema.serviceHost" (dict "root" $root "name" "redis")) (int64 $root.Values.redis.port) | quote }}
{{- else if include "kinema.redisConfigured" $root }}
{{ include "kinema.secretEnv" (dict "env" "REDIS_URL" "secret" (include "kinema.redisSecretName" $root) "key" $root.Values.gateway.redis.existingSecretKey) }}
{{- end }}
{{- else }}
- name: GRPC_PORT
  value: {{ include "kinema.envValue" $c.grpcPort | quote }}
- name: OPS_PORT
  value: {{ include "kinema.envValue" $c.opsPort | quote }}
{{- if $root.Values.postgresql.enabled }}
{{- /* The kubelet expands $(DATABASE_PASSWORD), so the password can live in a Secret the chart
never reads (postgresql.existingSecret) and the URL is still built in this one place. */}}
{{- $db := $c.database }}
{{ include "kinema.secretEnv" (dict "env" "DATABASE_PASSWORD" "secret" (include "kinema.postgresqlSecretName" $root) "key" (printf "%s-password" $name)) }}
- name: DATABASE_URL
  value: {{ printf "postgresql://%s:$(DATABASE_PASSWORD)@%s/%s" $db.user (include "kinema.databaseAddress" .) $db.name | quote }}
{{- else }}
{{ include "kinema.secretEnv" (dict "env" "DATABASE_URL" "secret" (include "kinema.databaseSecretName" $root) "key" (printf "%s-database-url" $name)) }}
{{- with $root.Values.externalDatabase.sslMode }}
- name: DATABASE_SSL_MODE
  value: {{ . | quote }}
{{- end }}
{{- if $root.Values.externalDatabase.caSecret }}
- name: DATABASE_SSL_CA_FILE
  value: {{ printf "%s/ca.crt" (include "kinema.databaseTlsDir" $root) | quote }}
{{- end }}
{{- end }}
{{ include "kinema.kafkaClientEnv" $root }}
{{- /* Services create the topics they use too; the same partition count as the topics Job. */}}
- name: KAFKA_PARTITIONS
  value: {{ include "kinema.envValue" $root.Values.kafka.topics.partitions | quote }}
{{- if eq $name "catalog" }}
{{ include "kinema.secretEnv" (dict "env" "CURSOR_SECRET" "secret" (include "kinema.appSecretName" $root) "key" "cursor-secret") }}
{{- end }}
{{- if eq $name "users" }}
{{ include "kinema.secretEnv" (dict "env" "JWT_PRIVATE_KEY" "secret" (include "kinema.appSecretName" $root) "key" "jwt-private-key") }}
{{- with $c.bootstrapAdmin.email }}
- name: BOOTSTRAP_ADMIN_EMAIL
  value: {{ . | quote }}
{{ include "kinema.secretEnv" (dict "env" "BOOTSTRAP_ADMIN_PASSWORD" "secret" (include "kinema.appSecretName" $root) "key" "bootstrap-admin-password") }}
{{- end }}
{{- end }}
{{- if eq $name "videos" }}
{{- if $root.Values.minio.enabled }}
- name: S3_ENDPOINT
  value: {{ printf "http://%s:%v" (include "kinema.serviceHost" (dict "root" $root "name" (include "kinema.objectStore" $root))) (include "kinema.objectStorePort" $root) | quote }}
- name: S3_REGION
  value: {{ $root.Values.minio.region | quote }}
- name: S3_BUCKET
  value: {{ $root.Values.minio.bucket | quote }}
- name: S3_FORCE_PATH_STYLE
  value: "true"
{{- else }}
- name: S3_ENDPOINT
  value: {{ $root.Values.externalS3.endpoint | quote }}
- name: S3_REGION
  value: {{ $root.Values.externalS3.region | quote }}
- name: S3_BUCKET
  value: {{ $root.Values.externalS3.bucket | quote }}
- name: S3_FORCE_PATH_STYLE
  value: {{ $root.Values.externalS3.forcePathStyle | toString | quote }}
{{- with $root.Values.externalS3.publicEndpoint }}
- name: S3_PUBLIC_ENDPOINT
  value: {{ . | quote }}
{{- end }}
{{- end }}
{{- if include "kinema.s3DefaultChain" $root }}
{{- /* No key variable and no key Secret: the SDK's default chain (web identity, metadata). */}}
- name: S3_CREDENTIALS
  value: default-chain
{{- else }}
{{ include "kinema.secretEnv" (dict "env" "S3_ACCESS_KEY_ID" "secret" (include "kinema.s3SecretName" $root) "key" "access-key-id") }}
{{ include "kinema.secretEnv" (dict "env" "S3_SECRET_ACCESS_KEY" "secret" (include "kinema.s3SecretName" $root) "key" "secret-access-key") }}
{{- end }}
{{- end }}
{{- end }}
{{- include "kinema.telemetryEnv" . }}
{{- end -}}
