{{/*
Names, labels and pod defaults shared by every template. Components are addressed as
(dict "root" $ "name" "<component>") so one generic template renders every service.
*/}}

{{- define "kinema.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "kinema.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "kinema.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Resource name of one component: <fullname>-<component>. */}}
{{- define "kinema.componentName" -}}
{{- printf "%s-%s" (include "kinema.fullname" .root) .name -}}
{{- end -}}

{{- define "kinema.selectorLabels" -}}
app.kubernetes.io/name: {{ include "kinema.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .name }}
{{- end -}}

{{- define "kinema.labels" -}}
helm.sh/chart: {{ include "kinema.chart" .root }}
{{ include "kinema.selectorLabels" . }}
app.kubernetes.io/part-of: kinema
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
{{- end -}}

{{/*
Labels of a pod template: stable across chart versions, so a chart bump alone restarts nothing
(a Secret change does, through the checksum annotations).
*/}}
{{- define "kinema.podLabels" -}}
{{ include "kinema.selectorLabels" . }}
app.kubernetes.io/part-of: kinema
{{- end -}}

{{/* Selects every pod of this release (NetworkPolicy baseline). */}}
{{- define "kinema.releaseSelector" -}}
app.kubernetes.io/name: {{ include "kinema.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/*
Name of a setup Job: <fullname>-<component>-<hash>, the hash over the Job's rendered spec and the
release revision. A Job's pod template is immutable, so a changed spec (an image bump) must come
with a new name, or a GitOps sync of `helm template` output fails ("field is immutable"); an
unchanged spec keeps its name there (the revision is always 1), while `helm upgrade` still runs
each Job once per revision. The Job controller copies the name into its pods' `job-name` label
(63 characters at most), so the part before the hash is shortened to leave room.
*/}}
{{- define "kinema.jobName" -}}
{{- $suffix := printf "-%s" (printf "%d\n%s" .root.Release.Revision .spec | sha256sum | trunc 10) -}}
{{- $base := include "kinema.componentName" . | trunc (sub 63 (len $suffix) | int) | trimSuffix "-" -}}
{{- printf "%s%s" $base $suffix -}}
{{- end -}}

{{/* In-cluster DNS name of a Service of this release. */}}
{{- define "kinema.serviceHost" -}}
{{- printf "%s.%s.svc.%s" (include "kinema.componentName" .) .root.Release.Namespace .root.Values.clusterDomain -}}
{{- end -}}

{{/*
Image of a Kinema service: [registry]repository:tag, tag defaulting to appVersion, repository
the shared runtime image unless the service names its own.
*/}}
{{- define "kinema.serviceImage" -}}
{{- $c := index .root.Values .name -}}
{{- $repository := $c.image.repository | default .root.Values.default.image.repository -}}
{{- printf "%s%s:%s" .root.Values.default.image.registry $repository (include "kinema.serviceImageTag" .) -}}
{{- end -}}

{{/* The tag a Kinema service runs: its own, else the shared one, else appVersion. */}}
{{- define "kinema.serviceImageTag" -}}
{{- $c := index .root.Values .name -}}
{{- $c.image.tag | default .root.Values.default.image.tag | default .root.Chart.AppVersion -}}
{{- end -}}

{{/* Image of a backing service: repository:tag, plus @digest when one is pinned. */}}
{{- define "kinema.image" -}}
{{- printf "%s:%s" .repository .tag -}}{{- with .digest -}}@{{ . }}{{- end -}}
{{- end -}}

{{/* Component name of the bundled object store: the engine, `minio` or `seaweedfs`. */}}
{{- define "kinema.objectStore" -}}
{{- .Values.objectStorage.engine -}}
{{- end -}}

{{/* S3 port of the bundled object store. */}}
{{- define "kinema.objectStorePort" -}}
{{- if eq .Values.objectStorage.engine "seaweedfs" -}}{{ .Values.seaweedfs.port }}{{- else -}}{{ .Values.minio.port }}{{- end -}}
{{- end -}}

{{- define "kinema.podSecurityContext" -}}
{{- toYaml .root.Values.default.podSecurityContext }}
{{- end -}}

{{/* Backing-service pods keep the restricted profile but run as their image's own user. */}}
{{- define "kinema.backingPodSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .uid }}
runAsGroup: {{ .uid }}
fsGroup: {{ .uid }}
fsGroupChangePolicy: OnRootMismatch
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "kinema.containerSecurityContext" -}}
{{- toYaml .Values.default.securityContext }}
{{- end -}}

{{- define "kinema.topologySpread" -}}
{{- $t := .root.Values.default.topologySpread -}}
{{- if $t.enabled }}
topologySpreadConstraints:
  - maxSkew: {{ $t.maxSkew }}
    topologyKey: {{ $t.topologyKey }}
    whenUnsatisfiable: {{ $t.whenUnsatisfiable }}
    labelSelector:
      matchLabels:
        {{- include "kinema.selectorLabels" . | nindent 8 }}
    matchLabelKeys:
      - pod-template-hash
{{- end }}
{{- end -}}

{{/* Scheduling and pull settings every pod of the release shares. */}}
{{- define "kinema.podScheduling" -}}
{{- with .Values.default.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.default.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.default.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.default.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* The writable scratch space a read-only root filesystem leaves. */}}
{{- define "kinema.tmpVolume" -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ .Values.default.tmpSizeLimit }}
{{- end -}}

{{/*
Secret value kept across upgrades: the value already stored under `key` in Secret `name`,
else a fresh random one. `lookup` is empty under `helm template`, so that path always generates.
*/}}
{{- define "kinema.keepOrGenerate" -}}
{{- $existing := lookup "v1" "Secret" .namespace .name -}}
{{- $data := dict -}}
{{- if $existing -}}{{- $data = $existing.data | default dict -}}{{- end -}}
{{- if hasKey $data .key -}}
{{- index $data .key | b64dec -}}
{{- else -}}
{{- randAlphaNum (.length | default 32) -}}
{{- end -}}
{{- end -}}

{{/*
A fresh ES256 signing key as PKCS#8 PEM (what the users service accepts). Sprig emits P-256 keys
in SEC1 form, so the DER is wrapped in the fixed PKCS#8 header for id-ecPublicKey + prime256v1
(the SEC1 structure Go writes for P-256 is always 121 bytes, hence the constant lengths).
*/}}
{{- define "kinema.generateEs256Key" -}}
{{- $sec1 := genPrivateKey "ecdsa" | replace "-----BEGIN EC PRIVATE KEY-----" "" | replace "-----END EC PRIVATE KEY-----" "" | nospace -}}
{{- $der := printf "%s%s" (b64dec "MIGTAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBHk=") (b64dec $sec1) -}}
{{- printf "-----BEGIN PRIVATE KEY-----\n%s\n-----END PRIVATE KEY-----\n" (regexReplaceAll "(.{64})" (b64enc $der) "${1}\n" | trimSuffix "\n") -}}
{{- end -}}

{{/* Secret names and keys the workloads read. */}}
{{- define "kinema.appSecretName" -}}
{{- .Values.secrets.existingSecret | default (printf "%s-app" (include "kinema.fullname" .)) -}}
{{- end -}}

{{- define "kinema.databaseSecretName" -}}
{{- if and (not .Values.postgresql.enabled) .Values.externalDatabase.existingSecret -}}
{{- .Values.externalDatabase.existingSecret -}}
{{- else -}}
{{- printf "%s-database" (include "kinema.fullname" .) -}}
{{- end -}}
{{- end -}}

{{- define "kinema.postgresqlSecretName" -}}
{{- .Values.postgresql.existingSecret | default (printf "%s-postgresql" (include "kinema.fullname" .)) -}}
{{- end -}}

{{- define "kinema.minioSecretName" -}}
{{- .Values.minio.existingSecret | default (printf "%s-minio" (include "kinema.fullname" .)) -}}
{{- end -}}

{{- define "kinema.s3SecretName" -}}
{{- if .Values.minio.enabled -}}
{{- include "kinema.minioSecretName" . -}}
{{- else -}}
{{- .Values.externalS3.existingSecret | default (printf "%s-s3" (include "kinema.fullname" .)) -}}
{{- end -}}
{{- end -}}

{{- define "kinema.redisSecretName" -}}
{{- .Values.gateway.redis.existingSecret | default (printf "%s-redis" (include "kinema.fullname" .)) -}}
{{- end -}}

{{- define "kinema.redisConfigured" -}}
{{- if or .Values.gateway.redis.url .Values.gateway.redis.existingSecret -}}true{{- end -}}
{{- end -}}

{{/* Bootstrap address list of Kafka, bundled or external. */}}
{{- define "kinema.kafkaBrokers" -}}
{{- if .Values.kafka.enabled -}}
{{- printf "%s:%v" (include "kinema.serviceHost" (dict "root" . "name" "kafka")) .Values.kafka.port -}}
{{- else -}}
{{- .Values.externalKafka.brokers -}}
{{- end -}}
{{- end -}}

{{/* Stable KRaft cluster id: 22 base64url characters (16 bytes) derived from the release. */}}
{{- define "kinema.kafkaClusterId" -}}
{{- printf "%s/%s" .Release.Namespace .Release.Name | sha256sum | trunc 21 -}}A
{{- end -}}

{{/* gRPC target with the dns resolver, so clients see every pod behind the headless Service. */}}
{{- define "kinema.grpcTarget" -}}
{{- $c := index .root.Values .name -}}
{{- printf "dns:///%s-headless.%s.svc.%s:%v" (include "kinema.componentName" .) .root.Release.Namespace .root.Values.clusterDomain $c.grpcPort -}}
{{- end -}}

{{/* Which services talk to PostgreSQL, Kafka and S3. */}}
{{- define "kinema.databaseServices" -}}
{{- $out := list -}}
{{- range $name := list "catalog" "users" "videos" -}}
{{- if (index $.Values $name).enabled -}}{{- $out = append $out $name -}}{{- end -}}
{{- end -}}
{{- join "," $out -}}
{{- end -}}
