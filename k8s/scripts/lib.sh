#!/usr/bin/env bash
# Helpers shared by up-kind.sh, up-minikube.sh and down.sh. Sourced, never run directly.
# Every setting can be overridden from the environment (see k8s/README.md).

set -euo pipefail

KINEMA_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
KINEMA_RELEASE="${KINEMA_RELEASE:-kinema}"
KINEMA_NAMESPACE="${KINEMA_NAMESPACE:-kinema}"
KINEMA_CLUSTER="${KINEMA_CLUSTER:-kinema}"
# A fresh tag per run: with IfNotPresent pulls, reusing a tag would keep the old image running.
KINEMA_TAG="${KINEMA_TAG:-dev-$(date +%Y%m%d%H%M%S)}"
KINEMA_SEED_TITLES="${KINEMA_SEED_TITLES:-500}"
# The gateway's NodePort: k8s/kind/cluster.yaml maps it to localhost:8080.
KINEMA_NODE_PORT="${KINEMA_NODE_PORT:-30080}"
KINEMA_TIMEOUT="${KINEMA_TIMEOUT:-10m}"
# The bundled OpenTelemetry Collector and Jaeger; false when your values send traces elsewhere.
KINEMA_TRACING="${KINEMA_TRACING:-true}"
# An HPA per service (metrics-server is installed for them); false leaves replicas to
# `kubectl scale`. With them on, scale by hand through the HPA's floor (k8s/README.md).
KINEMA_AUTOSCALING="${KINEMA_AUTOSCALING:-true}"
METRICS_SERVER_CHART_VERSION="${METRICS_SERVER_CHART_VERSION:-3.13.0}"
export KINEMA_ROOT KINEMA_RELEASE KINEMA_NAMESPACE KINEMA_CLUSTER KINEMA_TAG

log() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

require() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is required (see k8s/README.md)"
  done
}

# The chart's services. All four run from one image (docker/Dockerfile), each by its command.
KINEMA_APPS=(gateway catalog users videos)
# The image the chart's Deployments use by default (default.image.repository).
KINEMA_IMAGE="kinema:$KINEMA_TAG"

# Mirrors the chart's fullname rule, so scripts find a component's Service for any release name.
component_service() {
  if [[ "$KINEMA_RELEASE" == *kinema* ]]; then
    echo "$KINEMA_RELEASE-$1"
  else
    echo "$KINEMA_RELEASE-kinema-$1"
  fi
}
gateway_service() { component_service gateway; }
jaeger_service() { component_service jaeger; }

# KINEMA_PLATFORMS: the image went to KINEMA_REGISTRY, and the nodes pull it from there.
image_pushed() { [[ -n "${KINEMA_PLATFORMS:-}" ]]; }

# With buildx, the image is built for the machine's own platform (what a local cluster runs)
# and loaded without provenance/SBOM attestations, which `kind load` cannot import. KINEMA_PLATFORMS
# (e.g. linux/amd64,linux/arm64) builds those platforms instead and pushes them to
# KINEMA_REGISTRY, because a multi-platform image cannot be loaded into the local image store.
build_image() {
  local buildx=false
  if docker buildx version >/dev/null 2>&1; then buildx=true; fi
  if image_pushed; then
    [[ "$buildx" == true ]] || die "KINEMA_PLATFORMS needs docker buildx"
    [[ -n "${KINEMA_REGISTRY:-}" ]] ||
      die "KINEMA_PLATFORMS needs KINEMA_REGISTRY: a multi-platform image is pushed, not loaded"
    log "building and pushing $KINEMA_REGISTRY/$KINEMA_IMAGE for $KINEMA_PLATFORMS (${KINEMA_APPS[*]})"
    docker buildx build --file "$KINEMA_ROOT/docker/Dockerfile" \
      --tag "$KINEMA_REGISTRY/$KINEMA_IMAGE" --platform "$KINEMA_PLATFORMS" --push "$KINEMA_ROOT"
  elif [[ "$buildx" == true ]]; then
    log "building $KINEMA_IMAGE (${KINEMA_APPS[*]})"
    docker buildx build --file "$KINEMA_ROOT/docker/Dockerfile" \
      --tag "$KINEMA_IMAGE" --provenance=false --sbom=false --load "$KINEMA_ROOT"
  else
    # The Dockerfile needs no BuildKit feature, so the legacy builder builds it as well.
    log "building $KINEMA_IMAGE (${KINEMA_APPS[*]}) without buildx"
    docker build --file "$KINEMA_ROOT/docker/Dockerfile" --tag "$KINEMA_IMAGE" "$KINEMA_ROOT"
  fi
}

# HPAs need the resource metrics API. kind's kubelets use self-signed serving certificates.
install_metrics_server() {
  log "installing metrics-server $METRICS_SERVER_CHART_VERSION"
  helm upgrade --install metrics-server metrics-server \
    --repo https://kubernetes-sigs.github.io/metrics-server/ \
    --version "$METRICS_SERVER_CHART_VERSION" \
    --namespace kube-system \
    --set 'args={--kubelet-insecure-tls}' \
    --wait --timeout "$KINEMA_TIMEOUT"
}

# The namespace enforces the restricted Pod Security Standard, proving the chart meets it.
ensure_namespace() {
  kubectl create namespace "$KINEMA_NAMESPACE" --dry-run=client -o yaml | kubectl apply -f - >/dev/null
  kubectl label namespace "$KINEMA_NAMESPACE" --overwrite \
    pod-security.kubernetes.io/enforce=restricted \
    pod-security.kubernetes.io/warn=restricted >/dev/null
}

# helm upgrade --install with the freshly built tag; extra arguments go to helm (e.g. -f file).
install_release() {
  ensure_namespace
  local args=(
    --namespace "$KINEMA_NAMESPACE"
    --set "default.image.tag=$KINEMA_TAG"
    # An empty catalog generates this many demo titles on boot (under an advisory lock).
    --set "catalog.env.DEMO_SEED_TITLES=$KINEMA_SEED_TITLES"
    --set "gateway.service.nodePort=$KINEMA_NODE_PORT"
  )
  if image_pushed; then args+=(--set "default.image.registry=$KINEMA_REGISTRY/"); fi
  if [[ "$KINEMA_TRACING" == true ]]; then
    args+=(--set observability.collector.enabled=true --set observability.jaeger.enabled=true)
  fi
  local app
  # The scripts install metrics-server, so the HPAs (off in the chart's defaults) can work here.
  if [[ "$KINEMA_AUTOSCALING" == true ]]; then
    for app in "${KINEMA_APPS[@]}"; do
      args+=(--set "$app.autoscaling.enabled=true")
    done
  fi
  log "installing release $KINEMA_RELEASE into namespace $KINEMA_NAMESPACE"
  helm upgrade --install "$KINEMA_RELEASE" "$KINEMA_ROOT/helm/kinema" "${args[@]}" "$@" \
    --wait --timeout "$KINEMA_TIMEOUT"
}

wait_ready() {
  local selector="app.kubernetes.io/instance=$KINEMA_RELEASE"
  log "waiting for the release's jobs and pods"
  # With every backing service external there is no Job, and `kubectl wait` fails on none.
  if [[ -n "$(kubectl -n "$KINEMA_NAMESPACE" get job -l "$selector" -o name)" ]]; then
    kubectl -n "$KINEMA_NAMESPACE" wait --for=condition=complete job -l "$selector" \
      --timeout "$KINEMA_TIMEOUT"
  fi
  kubectl -n "$KINEMA_NAMESPACE" wait --for=condition=available deployment -l "$selector" \
    --timeout "$KINEMA_TIMEOUT"
}

# Waits until the seeded catalog answers through the gateway, via a short-lived port-forward.
check_catalog() {
  local port=18080 pf_pid attempt url
  url="http://127.0.0.1:$port/api/v1/titles?limit=3"
  kubectl -n "$KINEMA_NAMESPACE" port-forward "svc/$(gateway_service)" "$port:80" >/dev/null 2>&1 &
  pf_pid=$!
  for attempt in $(seq 1 60); do
    if curl -fsS "$url" -o /dev/null 2>/dev/null; then
      log "the catalog answers through the gateway (attempt $attempt)"
      curl -fsS -D - "$url" -o /dev/null | grep -i '^x-served-by' || true
      # Only the port-forward started above is stopped.
      kill "$pf_pid" 2>/dev/null || true
      return 0
    fi
    sleep 2
  done
  kill "$pf_pid" 2>/dev/null || true
  die "the gateway did not answer $url within 2 minutes"
}

run_helm_tests() {
  log "helm test"
  helm test "$KINEMA_RELEASE" --namespace "$KINEMA_NAMESPACE" --timeout "$KINEMA_TIMEOUT"
}

print_access() {
  local base=$1
  cat >&2 <<MSG

Kinema is up.
  API:        $base/api/v1/titles?limit=5
  Swagger UI: $base/docs
  Spread:     for i in \$(seq 10); do curl -s -D - -o /dev/null '$base/api/v1/titles?limit=1' | grep -i x-served-by; done
  Tear down:  npm run k8s:down
MSG
  if [[ "$KINEMA_AUTOSCALING" == true ]]; then
    cat >&2 <<MSG
  Scale:      kubectl -n $KINEMA_NAMESPACE patch hpa/$(component_service catalog) --type merge -p '{"spec":{"minReplicas":3}}'
              (the HPAs undo \`kubectl scale\`; KINEMA_AUTOSCALING=false installs without them)
MSG
  else
    cat >&2 <<MSG
  Scale:      kubectl -n $KINEMA_NAMESPACE scale deployment/$(component_service catalog) --replicas=3
MSG
  fi
  if [[ "$KINEMA_TRACING" == true ]]; then
    cat >&2 <<MSG
  Traces:     kubectl -n $KINEMA_NAMESPACE port-forward svc/$(jaeger_service) 16686
              then http://localhost:16686 (an answer's x-trace-id header is a trace id to look up)
MSG
  fi
}
