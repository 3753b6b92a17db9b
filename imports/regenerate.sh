#!/bin/sh
# Regenerates the CRD L1 classes in imports/ (see imports/README.md).
# Usage: sh imports/regenerate.sh [dir with the CRD YAML files; default: the vendored test fixtures]
set -eu
crds=${1:-test/fixtures/schemas/crds}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for name in istio-gateway istio-virtualservice openshift-route servicemonitor prometheusrule; do
  node -e '
    const fs = require("fs"); const yaml = require("js-yaml");
    const [src, dst, name] = process.argv.slice(1);
    const crd = yaml.load(fs.readFileSync(src, "utf8"));
    // Istio: keep only v1 (see README).
    if (name.startsWith("istio-")) crd.spec.versions = crd.spec.versions.filter((v) => v.name === "v1");
    fs.writeFileSync(dst, JSON.stringify(crd));
  ' "$crds/$name.yaml" "$work/$name.json" "$name"
  npx --yes cdk8s-cli@2.207.60 import --no-check-upgrade -l typescript -o imports "$name:=$work/$name.json"
done
