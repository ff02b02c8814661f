#!/usr/bin/env bash
# Builds hack/argocd-lua (Argo CD's Lua VM for health checks: gopher-lua with Argo CD's libraries) into a cache
# outside the repo, keyed by the program's sources, and prints the binary's path on its last line. Used by the
# operator's Argo CD health-check tests. Needs Go and the Go module proxy (or a module cache holding gopher-lua).
set -euo pipefail

src="$(cd "$(dirname "$0")/argocd-lua" && pwd)"
key="$(cat "$src/go.mod" "$src/go.sum" "$src/main.go" | sha256sum | cut -c1-16)"
target="${XDG_CACHE_HOME:-$HOME/.cache}/streampipeline/argocd-lua/$key/argocd-health"

if [[ ! -x "$target" ]]; then
  mkdir -p "$(dirname "$target")"
  (cd "$src" && go build -trimpath -o "$target.tmp" .)
  mv "$target.tmp" "$target"
fi
echo "$target"
