#!/usr/bin/env bash
# Builds the control-plane binaries that the integration tests run (kube-apiserver, etcd, kubectl, and
# kube-controller-manager for its garbage collector)
# from their Go modules, and caches them in the layout fabric8 kube-api-test reads:
#   $KUBE_BINARIES_DIR/k8s/<version>-<os>-<arch>/{kube-apiserver,etcd,kubectl,kube-controller-manager}
# Used where Kubernetes release binaries cannot be downloaded; where they can, kube-api-test's own
# download still works and this script is not needed. Prints the directory on its last line.
set -euo pipefail

K8S_VERSION="${K8S_VERSION:-1.34.2}"
ETCD_VERSION="${ETCD_VERSION:-v3.6.16}"
KUBE_BINARIES_DIR="${KUBE_BINARIES_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/streampipeline/kubeapitest}"

if ! command -v go >/dev/null 2>&1; then
  echo "kube-binaries: go not found; kube-api-test will download release binaries instead" >&2
  exit 0
fi

os="$(go env GOOS)"
arch="$(go env GOARCH)"
target="$KUBE_BINARIES_DIR/k8s/${K8S_VERSION}-${os}-${arch}"

# One build at a time per cache: parallel builds (several worktrees, several Maven runs) would wipe each
# other's half-built directory. A second caller waits here, then finds the binaries built.
mkdir -p "$KUBE_BINARIES_DIR"
exec 9>"$KUBE_BINARIES_DIR/.build.lock"
flock 9

if [[ -x "$target/kube-apiserver" && -x "$target/etcd" && -x "$target/kubectl" && -x "$target/kube-controller-manager" ]]; then
  echo "$KUBE_BINARIES_DIR"
  exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
rm -rf "$target.tmp" && mkdir -p "$target.tmp"

# k8s.io/kubernetes is not meant to be a dependency: its staging modules are required at v0.0.0 and
# must be pinned with replace directives to the release's matching v0.x tags.
minor="${K8S_VERSION#*.}"
staging_version="v0.${minor}"
staging_modules=(api apiextensions-apiserver apimachinery apiserver cli-runtime client-go cloud-provider
  cluster-bootstrap code-generator component-base component-helpers controller-manager cri-api
  cri-client csi-translation-lib dynamic-resource-allocation endpointslice externaljwt kms
  kube-aggregator kube-controller-manager kube-proxy kube-scheduler kubectl kubelet metrics
  mount-utils pod-security-admission sample-apiserver sample-cli-plugin sample-controller
  streaming)

(
  cd "$work"
  cat > go.mod <<GOMOD
module streampipeline.io/kube-binaries

go 1.24
GOMOD
  for m in "${staging_modules[@]}"; do
    echo "replace k8s.io/$m => k8s.io/$m $staging_version" >> go.mod
  done
  cat > tools.go <<'GO'
//go:build tools

package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
GO
  # Replacements for modules the release does not use make `go mod tidy` complain; drop any
  # replace whose target is missing from the proxy instead of failing on it.
  go mod edit -require="k8s.io/kubernetes@v${K8S_VERSION}"
  GOFLAGS=-mod=mod go mod tidy -e >/dev/null 2>&1 || true
  GOFLAGS=-mod=mod go build -trimpath -ldflags "-s -w -X k8s.io/component-base/version.gitVersion=v${K8S_VERSION} -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=${minor%%.*}" \
    -o "$target.tmp/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver
  GOFLAGS=-mod=mod go build -trimpath -ldflags "-s -w -X k8s.io/client-go/pkg/version.gitVersion=v${K8S_VERSION} -X k8s.io/component-base/version.gitVersion=v${K8S_VERSION}" \
    -o "$target.tmp/kubectl" k8s.io/kubernetes/cmd/kubectl
  GOFLAGS=-mod=mod go build -trimpath -ldflags "-s -w -X k8s.io/component-base/version.gitVersion=v${K8S_VERSION}" \
    -o "$target.tmp/kube-controller-manager" k8s.io/kubernetes/cmd/kube-controller-manager
)

(
  # etcd's own go.mod uses replace directives, so `go install module@version` refuses it: build it
  # as a dependency of a scratch module instead.
  mkdir "$work/etcd" && cd "$work/etcd"
  printf 'module streampipeline.io/etcd-binary\n\ngo 1.24\n' > go.mod
  printf '//go:build tools\n\npackage tools\n\nimport _ "go.etcd.io/etcd/server/v3"\n' > tools.go
  go mod edit -require="go.etcd.io/etcd/server/v3@${ETCD_VERSION}"
  GOFLAGS=-mod=mod go mod tidy -e >/dev/null 2>&1 || true
  GOFLAGS=-mod=mod go build -trimpath -ldflags "-s -w" -o "$target.tmp/etcd" go.etcd.io/etcd/server/v3
)

rm -rf "$target"
mv "$target.tmp" "$target"
echo "$KUBE_BINARIES_DIR"
