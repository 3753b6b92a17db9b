#!/usr/bin/env bash
# Builds the local Kubernetes control plane used by the end-to-end tests:
# kube-apiserver, kube-controller-manager, kube-scheduler, kubectl and etcd
# from a wrapper module's go.mod, and kwok from its own module graph.
#
#   tools/build-control-plane.sh            # tools/k8s: Kubernetes 1.36.x, the newest supported minor
#   tools/build-control-plane.sh k8s-1.30   # tools/k8s-1.30: the oldest supported minor
#
# The binaries are cached outside the work tree, keyed by the module's go.sum,
# the kwok version and this script, so a second run returns at once. Each
# Kubernetes version has its own lock, so both can build at the same time.
# Prints the binary directory on its last line of stdout; progress goes to stderr.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
module="${1:-k8s}"
case "$module" in k8s|k8s-[0-9]*.[0-9]*) ;; *) echo "build-control-plane: unknown module '$module' (expected k8s or k8s-<major>.<minor>, a folder of tools/)" >&2; exit 2 ;; esac
[ -f "$here/$module/go.mod" ] || { echo "build-control-plane: tools/$module/go.mod does not exist" >&2; exit 2; }
K8S_VERSION="$(sed -n 's/^[[:space:]]*k8s\.io\/kubernetes \(v[0-9.]*\).*$/\1/p' "$here/$module/go.mod" | head -1)"
# kwok is only a client of the apiserver (nodes, leases, pods): v0.8.0 drives 1.30 as well as 1.36.
KWOK_VERSION="v0.8.0"
[ -n "$K8S_VERSION" ] || { echo "build-control-plane: cannot read the k8s.io/kubernetes version from tools/$module/go.mod" >&2; exit 1; }

key="$( (cat "$here/$module/go.sum"; echo "$KWOK_VERSION"; cat "${BASH_SOURCE[0]}") | sha256sum | cut -c1-16)"
cache_root="${CDK8S_REDIS_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cdk8s-redis-enterprise}"
bin="$cache_root/control-plane-$K8S_VERSION-$key"

log() { echo "[build-control-plane] $*" >&2; }

if [ -f "$bin/.complete" ]; then
  log "cached: $bin"
  echo "$bin"
  exit 0
fi

command -v go >/dev/null || { log "Go is not installed; the end-to-end tests need Go >= 1.26 to build the control plane"; exit 1; }

mkdir -p "$cache_root"
# One build per version at a time: parallel test runs wait for the first one.
exec 9>"$cache_root/build-$K8S_VERSION.lock"
flock 9
if [ -f "$bin/.complete" ]; then log "cached (built by another run): $bin"; echo "$bin"; exit 0; fi

tmp="$bin.partial"
rm -rf "$tmp"; mkdir -p "$tmp"
start=$(date +%s)
minor="${K8S_VERSION#v1.}"; minor="${minor%%.*}"
ld="-s -w -X k8s.io/component-base/version.gitVersion=$K8S_VERSION -X k8s.io/component-base/version.gitMajor=1 \
 -X k8s.io/component-base/version.gitMinor=$minor -X k8s.io/component-base/version.gitTreeState=clean \
 -X k8s.io/client-go/pkg/version.gitVersion=$K8S_VERSION -X k8s.io/client-go/pkg/version.gitMajor=1 \
 -X k8s.io/client-go/pkg/version.gitMinor=$minor"

cd "$here/$module"
log "downloading Go modules for Kubernetes $K8S_VERSION (cold: ~1-2 GB)"
go mod download
for cmd in kube-apiserver kube-controller-manager kube-scheduler kubectl; do
  log "building $cmd $K8S_VERSION ($(( $(date +%s) - start ))s elapsed; a cold build takes 15-25 min on 2 cores)"
  CGO_ENABLED=0 go build -trimpath -ldflags "$ld" -o "$tmp/$cmd" "k8s.io/kubernetes/cmd/$cmd"
done
etcd_version="$(go list -m -f '{{.Version}}' go.etcd.io/etcd/server/v3)"
log "building etcd $etcd_version ($(( $(date +%s) - start ))s elapsed)"
CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$tmp/etcd" go.etcd.io/etcd/server/v3
log "building kwok $KWOK_VERSION ($(( $(date +%s) - start ))s elapsed)"
(cd "$tmp" && CGO_ENABLED=0 GOBIN="$tmp" GOFLAGS=-trimpath go install "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION")
# kwok's stage definitions ship in its module; the harness reads them from here.
go mod download "sigs.k8s.io/kwok@$KWOK_VERSION"

cat > "$tmp/versions.json" <<JSON
{"kubernetes": "$K8S_VERSION", "etcd": "$etcd_version", "kwok": "$KWOK_VERSION", "key": "$key"}
JSON
touch "$tmp/.complete"
rm -rf "$bin"; mv "$tmp" "$bin"
log "done in $(( $(date +%s) - start ))s: $bin"
echo "$bin"
