#!/usr/bin/env bash
# Tears Kinema down. By default deletes the kind cluster or minikube profile it runs in;
# with --keep-cluster only the release, its kept Secrets and its volumes go.
set -euo pipefail
# shellcheck source=k8s/scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

keep_cluster=false
for arg in "$@"; do
  case "$arg" in
    --keep-cluster) keep_cluster=true ;;
    -h | --help)
      echo "usage: $0 [--keep-cluster]"
      exit 0
      ;;
    *) die "unknown argument $arg (usage: $0 [--keep-cluster])" ;;
  esac
done

if [[ "$keep_cluster" == true ]]; then
  require kubectl helm
  log "uninstalling release $KINEMA_RELEASE"
  helm uninstall "$KINEMA_RELEASE" --namespace "$KINEMA_NAMESPACE" --wait --ignore-not-found
  # The generated Secrets are kept by helm (resource-policy: keep) and StatefulSet volumes
  # outlive their pods; delete both so a reinstall starts from a clean slate.
  kubectl -n "$KINEMA_NAMESPACE" delete secret,pvc \
    -l "app.kubernetes.io/instance=$KINEMA_RELEASE" --ignore-not-found
  exit 0
fi

deleted=false
if command -v kind >/dev/null 2>&1 && kind get clusters 2>/dev/null | grep -qx "$KINEMA_CLUSTER"; then
  log "deleting kind cluster $KINEMA_CLUSTER"
  kind delete cluster --name "$KINEMA_CLUSTER"
  deleted=true
fi
if command -v minikube >/dev/null 2>&1 && minikube status --profile "$KINEMA_CLUSTER" >/dev/null 2>&1; then
  log "deleting minikube profile $KINEMA_CLUSTER"
  minikube delete --profile "$KINEMA_CLUSTER"
  deleted=true
fi
if [[ "$deleted" == false ]]; then
  log "no kind cluster or minikube profile named $KINEMA_CLUSTER; nothing to delete"
fi
