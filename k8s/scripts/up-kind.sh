#!/usr/bin/env bash
# Creates (or reuses) a kind cluster, builds and loads the image (all four apps), installs Kinema
# and seeds the demo catalog.
# Usage: k8s/scripts/up-kind.sh [extra helm args, e.g. -f my-values.yaml]
set -euo pipefail
# shellcheck source=k8s/scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require docker kind kubectl helm curl

if kind get clusters 2>/dev/null | grep -qx "$KINEMA_CLUSTER"; then
  log "reusing kind cluster $KINEMA_CLUSTER"
else
  log "creating kind cluster $KINEMA_CLUSTER"
  create_args=(--name "$KINEMA_CLUSTER" --config "$KINEMA_ROOT/k8s/kind/cluster.yaml" --wait 120s)
  if [[ -n "${KIND_NODE_IMAGE:-}" ]]; then
    create_args+=(--image "$KIND_NODE_IMAGE")
  fi
  kind create cluster "${create_args[@]}"
fi
kubectl config use-context "kind-$KINEMA_CLUSTER" >/dev/null

install_metrics_server
build_image
if image_pushed; then
  log "the nodes pull $KINEMA_REGISTRY/$KINEMA_IMAGE"
else
  log "loading $KINEMA_IMAGE into kind"
  # Docker 29+ keeps images in containerd's store, where `kind load docker-image` fails
  # ("ctr: content digest ... not found", a known kind problem); an archive loads on every version.
  if ! kind load docker-image "$KINEMA_IMAGE" --name "$KINEMA_CLUSTER"; then
    log "kind load docker-image failed; loading $KINEMA_IMAGE from an archive instead"
    archive_dir="$(mktemp -d)"
    trap 'rm -rf "$archive_dir"' EXIT
    docker image save --output "$archive_dir/kinema.tar" "$KINEMA_IMAGE"
    kind load image-archive "$archive_dir/kinema.tar" --name "$KINEMA_CLUSTER"
  fi
fi

install_release "$@"
wait_ready
check_catalog
run_helm_tests
print_access "http://localhost:8080"
