#!/usr/bin/env bash
# Builds Argo CD (one multi-call binary: the name it runs as picks the program)
# from tools/argocd/go.mod for the end-to-end tests, plus symlinks named
# argocd-application-controller and argocd-repo-server.
#
# Pinned to v3.2.11: v3.3.x and later replace the gitops-engine with a nested
# module that the proxy does not serve at the required version, v3.2.12 does
# not compile as served (controller/cache/info.go calls an undefined
# settings.ValidateExternalURL), and v3.2.11 requires a gitops-engine
# pseudo-version the proxy serves.
#
# The binary is cached outside the work tree, keyed by tools/argocd/go.sum and
# this script, so a second run returns at once. Prints the binary directory on
# its last line of stdout; progress goes to stderr.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ARGOCD_VERSION="$(sed -n 's/^require github\.com\/argoproj\/argo-cd\/v3 \(v[0-9.]*\).*$/\1/p' "$here/argocd/go.mod" | head -1)"
[ -n "$ARGOCD_VERSION" ] || { echo "build-argocd: cannot read the argo-cd version from tools/argocd/go.mod" >&2; exit 1; }

key="$( (cat "$here/argocd/go.sum"; cat "${BASH_SOURCE[0]}") | sha256sum | cut -c1-16)"
cache_root="${CDK8S_REDIS_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cdk8s-redis-enterprise}"
bin="$cache_root/argocd-$ARGOCD_VERSION-$key"

log() { echo "[build-argocd] $*" >&2; }

if [ -f "$bin/.complete" ]; then
  log "cached: $bin"
  echo "$bin"
  exit 0
fi

command -v go >/dev/null || { log "Go is not installed; the Argo CD end-to-end test needs Go >= 1.26 to build Argo CD"; exit 1; }

mkdir -p "$cache_root"
# One build at a time (its own lock: it must not queue behind the control-plane build).
exec 9>"$cache_root/build-argocd.lock"
flock 9
if [ -f "$bin/.complete" ]; then log "cached (built by another run): $bin"; echo "$bin"; exit 0; fi

tmp="$bin.partial"
rm -rf "$tmp"; mkdir -p "$tmp"
start=$(date +%s)
pkg="github.com/argoproj/argo-cd/v3/common"
ld="-s -w -X $pkg.version=$ARGOCD_VERSION -X $pkg.gitTag=$ARGOCD_VERSION -X $pkg.gitTreeState=clean"

cd "$here/argocd"
log "downloading Go modules for Argo CD $ARGOCD_VERSION"
go mod download
log "building argocd $ARGOCD_VERSION ($(( $(date +%s) - start ))s elapsed; a cold build takes 10-20 min on 2 cores)"
CGO_ENABLED=0 go build -trimpath -ldflags "$ld" -o "$tmp/argocd" github.com/argoproj/argo-cd/v3/cmd
for name in argocd-application-controller argocd-repo-server; do ln -s argocd "$tmp/$name"; done
# The CRDs the harness applies ship in the module zip; keep the module in the cache.
crds="$(go list -m -f '{{.Dir}}' github.com/argoproj/argo-cd/v3)/manifests/crds"
[ -f "$crds/application-crd.yaml" ] || { log "the Argo CD CRDs are missing from the module cache: $crds"; exit 1; }

cat > "$tmp/versions.json" <<JSON
{"argocd": "$ARGOCD_VERSION", "key": "$key", "crds": "$crds"}
JSON
touch "$tmp/.complete"
rm -rf "$bin"; mv "$tmp" "$bin"
log "done in $(( $(date +%s) - start ))s: $bin"
echo "$bin"
