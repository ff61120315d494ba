{{/*
Render-time checks: every impossible or unsafe combination of values is reported at once, each
problem naming the values to change, and nothing renders.
*/}}
{{- define "kinema.validate" -}}
{{- $v := .Values -}}
{{- $problems := list -}}
{{- if not $v.postgresql.enabled -}}
{{- range $name := list "catalog" "users" "videos" -}}
{{- if and (index $v $name).enabled (not $v.externalDatabase.existingSecret) (not (index $v.externalDatabase.urls $name)) -}}
{{- $problems = append $problems (printf "postgresql.enabled=false: set externalDatabase.urls.%s or externalDatabase.existingSecret" $name) -}}
{{- end -}}
{{- end -}}
{{- else if or $v.externalDatabase.sslMode $v.externalDatabase.caSecret -}}
{{- $problems = append $problems "externalDatabase.sslMode and externalDatabase.caSecret apply to an external database: the bundled PostgreSQL serves no TLS (set postgresql.enabled=false, or leave them empty)" -}}
{{- end -}}
{{- if and $v.pgbouncer.enabled (not $v.postgresql.enabled) -}}
{{- $problems = append $problems "pgbouncer.enabled=true fronts the bundled PostgreSQL: set postgresql.enabled=true, or run your pooler with the external database" -}}
{{- end -}}
{{- if and $v.pgbouncer.enabled $v.catalog.enabled (eq (int $v.pgbouncer.maxPreparedStatements) 0) -}}
{{- $problems = append $problems "pgbouncer.maxPreparedStatements=0: the catalog runs named prepared statements, which transaction pooling loses without it; set it to 256 (PgBouncer >= 1.21)" -}}
{{- end -}}
{{- $problems = concat $problems (include "kinema.kafkaProblems" . | fromYamlArray) -}}
{{- if and .Values.videos.enabled (not $v.minio.enabled) -}}
{{- if not $v.externalS3.endpoint -}}
{{- $problems = append $problems "minio.enabled=false: set externalS3.endpoint" -}}
{{- end -}}
{{- if and (ne $v.externalS3.credentials "default-chain") (not $v.externalS3.existingSecret) (not (and $v.externalS3.accessKeyId $v.externalS3.secretAccessKey)) -}}
{{- $problems = append $problems "minio.enabled=false: set externalS3.existingSecret, or externalS3.accessKeyId and externalS3.secretAccessKey, or externalS3.credentials=default-chain with a cloud identity on videos.serviceAccount.annotations" -}}
{{- end -}}
{{- end -}}
{{- if and $v.minio.enabled (eq $v.externalS3.credentials "default-chain") -}}
{{- $problems = append $problems "externalS3.credentials=default-chain needs an external S3 (minio.enabled=false): the bundled object store signs with its own keys" -}}
{{- end -}}
{{- $problems = concat $problems (include "kinema.connectionBudgetProblems" . | fromYamlArray) -}}
{{- if $problems -}}
{{- fail (printf "\n  - %s" (join "\n  - " $problems)) -}}
{{- end -}}
{{- end -}}

{{/* Kafka: the client settings of a managed cluster, and the bundled one's replication. */}}
{{- define "kinema.kafkaProblems" -}}
{{- $v := .Values -}}
{{- $k := $v.externalKafka -}}
{{- $problems := list -}}
{{- if and (not $v.kafka.enabled) (not $k.brokers) (include "kinema.databaseServices" .) -}}
{{- $problems = append $problems "kafka.enabled=false: set externalKafka.brokers (comma-separated host:port)" -}}
{{- end -}}
{{- if and $v.kafka.enabled (or $k.tls.enabled $k.sasl.mechanism) -}}
{{- $problems = append $problems "externalKafka.tls and externalKafka.sasl apply to an external Kafka: the bundled broker listens in plaintext inside the cluster (set kafka.enabled=false)" -}}
{{- end -}}
{{- if and (or $k.tls.caKey $k.tls.clientCert) (not $k.tls.existingSecret) -}}
{{- $problems = append $problems "externalKafka.tls.caKey or clientCert: set externalKafka.tls.existingSecret, the Secret holding the PEM files" -}}
{{- end -}}
{{- if and (or $k.tls.caKey $k.tls.clientCert) (not $k.tls.enabled) -}}
{{- $problems = append $problems "externalKafka.tls.caKey or clientCert without externalKafka.tls.enabled=true" -}}
{{- end -}}
{{- if has $k.sasl.mechanism (list "plain" "scram-sha-256" "scram-sha-512") -}}
{{- if not $k.sasl.existingSecret -}}
{{- $problems = append $problems (printf "externalKafka.sasl.mechanism=%s: set externalKafka.sasl.existingSecret (keys %s and %s)" $k.sasl.mechanism $k.sasl.usernameKey $k.sasl.passwordKey) -}}
{{- end -}}
{{- if and (eq $k.sasl.mechanism "plain") (not $k.tls.enabled) -}}
{{- $problems = append $problems "externalKafka.sasl.mechanism=plain sends the password in clear: set externalKafka.tls.enabled=true" -}}
{{- end -}}
{{- end -}}
{{- if eq $k.sasl.mechanism "aws-msk-iam" -}}
{{- if not $k.sasl.awsRegion -}}
{{- $problems = append $problems "externalKafka.sasl.mechanism=aws-msk-iam: set externalKafka.sasl.awsRegion" -}}
{{- end -}}
{{- if not $k.tls.enabled -}}
{{- $problems = append $problems "externalKafka.sasl.mechanism=aws-msk-iam: MSK serves IAM on its TLS listener; set externalKafka.tls.enabled=true" -}}
{{- end -}}
{{- end -}}
{{- if $v.kafka.enabled -}}
{{- $rf := include "kinema.kafkaReplicationFactor" . | int -}}
{{- $isr := include "kinema.kafkaMinInsync" . | int -}}
{{- if gt $rf (int $v.kafka.replicas) -}}
{{- $problems = append $problems (printf "kafka.topics.replicationFactor=%d is more than kafka.replicas=%d brokers" $rf (int $v.kafka.replicas)) -}}
{{- end -}}
{{- if gt $isr $rf -}}
{{- $problems = append $problems (printf "kafka.topics.minInsyncReplicas=%d is more than the replication factor %d: no write could succeed" $isr $rf) -}}
{{- else if and (gt $rf 1) (eq $isr $rf) -}}
{{- $problems = append $problems (printf "kafka.topics.minInsyncReplicas=%d equals the replication factor: one broker down stops every write; use %d" $isr (sub $rf 1)) -}}
{{- end -}}
{{- end -}}
{{- if $v.catalog.enabled -}}
{{- $most := include "kinema.maxReplicas" (dict "root" . "name" "catalog") | int -}}
{{- if lt (int $v.kafka.topics.partitions) $most -}}
{{- $problems = append $problems (printf "kafka.topics.partitions=%d is fewer than the catalog's %d replicas (catalog.replicas or catalog.autoscaling.maxReplicas): consumers past the partition count sit idle; raise kafka.topics.partitions" (int $v.kafka.topics.partitions) $most) -}}
{{- end -}}
{{- end -}}
{{- toYaml $problems -}}
{{- end -}}

{{/*
The connection budget: for each database server, the connections every pod that can exist at
once may open (peak pods x DATABASE_POOL_MAX), against max_connections less a reserve. With
PgBouncer, PostgreSQL sees its server pools instead, and PgBouncer the service pools.
*/}}
{{- define "kinema.connectionBudgetProblems" -}}
{{- $v := .Values -}}
{{- $problems := list -}}
{{- $terms := dict -}}
{{- $totals := dict -}}
{{- $clientTerms := list -}}
{{- $clients := 0 -}}
{{- range $name := list "catalog" "users" "videos" -}}
{{- if (index $v $name).enabled -}}
{{- $ctx := dict "root" $ "name" $name -}}
{{- $pods := include "kinema.peakPods" $ctx | int -}}
{{- $pool := include "kinema.poolMax" $ctx | int -}}
{{- $term := printf "%s %d pods x %d" $name $pods $pool -}}
{{- $clients = add $clients (mul $pods $pool) -}}
{{- $clientTerms = append $clientTerms $term -}}
{{- $server := ternary (include "kinema.postgresqlComponent" $ctx) "external" $v.postgresql.enabled -}}
{{- if $v.pgbouncer.enabled -}}
{{- $term = printf "pgbouncer %d replicas x poolSize %d for %s" (int $v.pgbouncer.replicas) (int $v.pgbouncer.poolSize) $name -}}
{{- $_ := set $totals $server (add (get $totals $server | default 0) (mul $v.pgbouncer.replicas $v.pgbouncer.poolSize)) -}}
{{- else -}}
{{- $_ := set $totals $server (add (get $totals $server | default 0) (mul $pods $pool)) -}}
{{- end -}}
{{- $_ := set $terms $server (append (get $terms $server | default list) $term) -}}
{{- end -}}
{{- end -}}
{{- $advice := "lower <service>.replicas or <service>.autoscaling.maxReplicas, or <service>.env.DATABASE_POOL_MAX" -}}
{{- range $server, $total := $totals -}}
{{- if eq $server "external" -}}
{{- $e := $v.externalDatabase -}}
{{- $room := sub (int $e.maxConnections) (int $e.reservedConnections) -}}
{{- if and (gt (int $e.maxConnections) 0) (gt (int $total) $room) -}}
{{- $problems = append $problems (printf "connection budget: the external database takes %d connections (externalDatabase.maxConnections %d less externalDatabase.reservedConnections %d), but %s = %d could open at once (peak pods are replicas or autoscaling.maxReplicas plus one rolling-update surge pod, each holding env.DATABASE_POOL_MAX); %s, or put a pooler in front of the database" $room (int $e.maxConnections) (int $e.reservedConnections) (join " + " (get $terms $server)) (int $total) $advice) -}}
{{- end -}}
{{- else -}}
{{- $room := sub (int $v.postgresql.maxConnections) (int $v.postgresql.reservedConnections) -}}
{{- if gt (int $total) $room -}}
{{- if $v.pgbouncer.enabled -}}
{{- $problems = append $problems (printf "connection budget: PostgreSQL %s takes %d connections (postgresql.maxConnections %d less postgresql.reservedConnections %d), but %s = %d; lower pgbouncer.poolSize or pgbouncer.replicas, or raise postgresql.maxConnections" $server $room (int $v.postgresql.maxConnections) (int $v.postgresql.reservedConnections) (join " + " (get $terms $server)) (int $total)) -}}
{{- else -}}
{{- $problems = append $problems (printf "connection budget: PostgreSQL %s takes %d connections (postgresql.maxConnections %d less postgresql.reservedConnections %d), but %s = %d could open at once (peak pods are replicas or autoscaling.maxReplicas plus one rolling-update surge pod, each holding env.DATABASE_POOL_MAX); %s, raise postgresql.maxConnections (and its memory), or set pgbouncer.enabled=true or postgresql.perService=true" $server $room (int $v.postgresql.maxConnections) (int $v.postgresql.reservedConnections) (join " + " (get $terms $server)) (int $total) $advice) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- if and $v.pgbouncer.enabled (gt (int $clients) (int $v.pgbouncer.maxClientConnections)) -}}
{{- $problems = append $problems (printf "connection budget: one PgBouncer replica accepts pgbouncer.maxClientConnections=%d, but %s = %d client connections could land on it; raise pgbouncer.maxClientConnections or %s" (int $v.pgbouncer.maxClientConnections) (join " + " $clientTerms) (int $clients) $advice) -}}
{{- end -}}
{{- toYaml $problems -}}
{{- end -}}
