#!/usr/bin/env bash
# Starts (or reuses) a minikube profile, builds and loads the image (all four apps), installs
# Kinema and seeds the demo catalog. Usage: k8s/scripts/up-minikube.sh [extra helm args]
set -euo pipefail
# shellcheck source=k8s/scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require docker minikube kubectl helm curl

if minikube status --profile "$KINEMA_CLUSTER" >/dev/null 2>&1; then
  log "reusing minikube profile $KINEMA_CLUSTER"
else
  log "starting minikube profile $KINEMA_CLUSTER"
  # Calico, because minikube's default bridge CNI ignores NetworkPolicies.
  minikube start --profile "$KINEMA_CLUSTER" \
    --cpus "${MINIKUBE_CPUS:-4}" --memory "${MINIKUBE_MEMORY:-6g}" --cni calico
fi
kubectl config use-context "$KINEMA_CLUSTER" >/dev/null

log "enabling the metrics-server addon"
minikube addons enable metrics-server --profile "$KINEMA_CLUSTER"

build_image
if ! image_pushed; then
  log "loading $KINEMA_IMAGE into minikube"
  minikube image load "$KINEMA_IMAGE" --profile "$KINEMA_CLUSTER"
fi

install_release "$@"
wait_ready
check_catalog
run_helm_tests
print_access "http://$(minikube ip --profile "$KINEMA_CLUSTER"):$KINEMA_NODE_PORT"
log "on macOS/Windows (docker driver) use: minikube service $(gateway_service) -n $KINEMA_NAMESPACE --profile $KINEMA_CLUSTER --url"
