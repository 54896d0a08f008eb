#!/usr/bin/env bash
# Before each timed deploy (hyperfine --prepare): a new image digest, so every run is a real rollout.
# Usage: next-deploy.sh mlship DIR    writes DIR/mlship-digest
#        next-deploy.sh kubectl DIR   writes DIR/kubectl-digest and DIR/rendered.yaml: mlship render of the example
#                                     with that digest, moved to namespace reco-kubectl (the peer's own Deployment)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
mode=$1 dir=$2
digest="sha256:$(printf '%s %s' "$mode" "$(date +%s%N)" | sha256sum | cut -d' ' -f1)"
printf '%s\n' "$digest" > "$dir/$mode-digest"
if [ "$mode" = kubectl ]; then
  "$root/bin/mlship" render --spec "$root/examples/reco-service/mlship.yaml" --env staging --image-digest "$digest" \
    | sed 's/^  namespace: "reco"$/  namespace: "reco-kubectl"/' > "$dir/rendered.yaml.tmp"
  mv "$dir/rendered.yaml.tmp" "$dir/rendered.yaml"
fi
