{{/*
How the Kinema processes reach their backing services: PostgreSQL (bundled, per service, through
PgBouncer or external), Kafka (bundled or managed, with TLS and SASL) and Redis. One place, so
the env, the volumes, the NetworkPolicies and the render-time checks agree.
*/}}

{{/* The most pods a service can run at once: replicas or the HPA's ceiling, plus one surge pod. */}}
{{- define "kinema.peakPods" -}}
{{- $c := index .root.Values .name -}}
{{- add (ternary $c.autoscaling.maxReplicas $c.replicas $c.autoscaling.enabled) 1 -}}
{{- end -}}

{{/* Replicas a service can reach: replicas, or the HPA's maxReplicas. */}}
{{- define "kinema.maxReplicas" -}}
{{- $c := index .root.Values .name -}}
{{- ternary $c.autoscaling.maxReplicas $c.replicas $c.autoscaling.enabled -}}
{{- end -}}

{{/* DATABASE_POOL_MAX of a service: its env, else the services' own default (10). */}}
{{- define "kinema.poolMax" -}}
{{- $c := index .root.Values .name -}}
{{- int64 (dig "DATABASE_POOL_MAX" 10 $c.env) -}}
{{- end -}}

{{/* Component of the bundled PostgreSQL instance holding a service's database. */}}
{{- define "kinema.postgresqlComponent" -}}
{{- if .root.Values.postgresql.perService -}}postgresql-{{ .name }}{{- else -}}postgresql{{- end -}}
{{- end -}}

{{/* Components of the bundled PostgreSQL instances, each with the services it holds. */}}
{{- define "kinema.postgresqlInstances" -}}
{{- $out := dict -}}
{{- range $name := list "catalog" "users" "videos" -}}
{{- if (index $.Values $name).enabled -}}
{{- $instance := include "kinema.postgresqlComponent" (dict "root" $ "name" $name) -}}
{{- $_ := set $out $instance (append (get $out $instance | default list) $name) -}}
{{- end -}}
{{- end -}}
{{- if not $out -}}{{- $_ := set $out "postgresql" list -}}{{- end -}}
{{- toJson $out -}}
{{- end -}}

{{/* host:port a service's DATABASE_URL names with the bundled PostgreSQL: PgBouncer or the instance. */}}
{{- define "kinema.databaseAddress" -}}
{{- $v := .root.Values -}}
{{- if $v.pgbouncer.enabled -}}
{{- printf "%s:%v" (include "kinema.serviceHost" (dict "root" .root "name" "pgbouncer")) (int64 $v.pgbouncer.port) -}}
{{- else -}}
{{- printf "%s:%v" (include "kinema.serviceHost" (dict "root" .root "name" (include "kinema.postgresqlComponent" .))) (int64 $v.postgresql.port) -}}
{{- end -}}
{{- end -}}

{{/* Whether the chart runs its own Redis for the gateway. */}}
{{- define "kinema.redisBundled" -}}
{{- $v := .Values -}}
{{- $own := or $v.gateway.redis.url $v.gateway.redis.existingSecret -}}
{{- if and $v.gateway.enabled (not $own) -}}
{{- if eq (toString $v.redis.enabled) "true" -}}true
{{- else if and (eq (toString $v.redis.enabled) "auto") (gt (include "kinema.maxReplicas" (dict "root" . "name" "gateway") | int) 1) -}}true
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "kinema.redisPasswordSecretName" -}}
{{- .Values.redis.existingSecret | default (printf "%s-redis-password" (include "kinema.fullname" .)) -}}
{{- end -}}

{{/* Kafka replication: the value, or min(brokers, 3) and the matching min.insync.replicas. */}}
{{- define "kinema.kafkaReplicationFactor" -}}
{{- $t := .Values.kafka.topics -}}
{{- if kindIs "invalid" $t.replicationFactor -}}{{- min (int .Values.kafka.replicas) 3 -}}{{- else -}}{{- int $t.replicationFactor -}}{{- end -}}
{{- end -}}

{{- define "kinema.kafkaMinInsync" -}}
{{- $t := .Values.kafka.topics -}}
{{- if kindIs "invalid" $t.minInsyncReplicas -}}
{{- ternary 2 1 (ge (include "kinema.kafkaReplicationFactor" . | int) 3) -}}
{{- else -}}{{- int $t.minInsyncReplicas -}}{{- end -}}
{{- end -}}

{{- define "kinema.kafkaTlsDir" -}}/etc/kinema/kafka-tls{{- end -}}
{{- define "kinema.databaseTlsDir" -}}/etc/kinema/database-tls{{- end -}}

{{/* The Kafka client settings of every process that talks to Kafka (the configuration contract). */}}
{{- define "kinema.kafkaClientEnv" -}}
{{- $k := .Values.externalKafka -}}
- name: KAFKA_BROKERS
  value: {{ include "kinema.kafkaBrokers" . | quote }}
{{- if not .Values.kafka.enabled }}
{{- if $k.tls.enabled }}
- name: KAFKA_SSL
  value: "true"
{{- if $k.tls.caKey }}
- name: KAFKA_SSL_CA_FILE
  value: {{ printf "%s/ca.crt" (include "kinema.kafkaTlsDir" .) | quote }}
{{- end }}
{{- if $k.tls.clientCert }}
- name: KAFKA_SSL_CERT_FILE
  value: {{ printf "%s/tls.crt" (include "kinema.kafkaTlsDir" .) | quote }}
- name: KAFKA_SSL_KEY_FILE
  value: {{ printf "%s/tls.key" (include "kinema.kafkaTlsDir" .) | quote }}
{{- end }}
{{- end }}
{{- with $k.sasl.mechanism }}
- name: KAFKA_SASL_MECHANISM
  value: {{ . | quote }}
{{- if eq . "aws-msk-iam" }}
- name: AWS_REGION
  value: {{ $k.sasl.awsRegion | quote }}
{{- else }}
{{ include "kinema.secretEnv" (dict "env" "KAFKA_SASL_USERNAME" "secret" $k.sasl.existingSecret "key" $k.sasl.usernameKey) }}
{{ include "kinema.secretEnv" (dict "env" "KAFKA_SASL_PASSWORD" "secret" $k.sasl.existingSecret "key" $k.sasl.passwordKey) }}
{{- end }}
{{- end }}
{{- end }}
{{- end -}}

{{/* TLS material a service mounts: the Kafka client's files and the database CA. */}}
{{- define "kinema.tlsVolumes" -}}
{{- $v := .root.Values -}}
{{- $k := $v.externalKafka.tls -}}
{{- if and (not $v.kafka.enabled) $k.enabled (or $k.caKey $k.clientCert) }}
- name: kafka-tls
  secret:
    secretName: {{ $k.existingSecret }}
    defaultMode: 0440
    items:
      {{- with $k.caKey }}
      - { key: {{ . }}, path: ca.crt }
      {{- end }}
      {{- if $k.clientCert }}
      - { key: {{ $k.certKey }}, path: tls.crt }
      - { key: {{ $k.keyKey }}, path: tls.key }
      {{- end }}
{{- end }}
{{- if and (ne .name "gateway") (not $v.postgresql.enabled) $v.externalDatabase.caSecret }}
- name: database-tls
  secret:
    secretName: {{ $v.externalDatabase.caSecret }}
    defaultMode: 0440
    items:
      - { key: {{ $v.externalDatabase.caKey }}, path: ca.crt }
{{- end }}
{{- end -}}

{{- define "kinema.tlsVolumeMounts" -}}
{{- range (include "kinema.tlsVolumes" . | fromYamlArray) }}
- name: {{ .name }}
  mountPath: {{ ternary (include "kinema.kafkaTlsDir" $) (include "kinema.databaseTlsDir" $) (eq .name "kafka-tls") }}
  readOnly: true
{{- end }}
{{- end -}}

{{/* S3 credentials from the AWS SDK's default chain (external S3 only). */}}
{{- define "kinema.s3DefaultChain" -}}
{{- if and (not .Values.minio.enabled) (eq .Values.externalS3.credentials "default-chain") -}}true{{- end -}}
{{- end -}}
