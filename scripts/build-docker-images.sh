#!/usr/bin/env bash
# Builds the platform's images from Dockerfiles/ (build context: the repository root) and pushes them when a
# registry is given.
#
# Usage: scripts/build-docker-images.sh [REGISTRY|local] [TAG]
#   REGISTRY  e.g. ghcr.io/acme or registry.example:5000/hft: images are tagged REGISTRY/NAME:TAG and pushed.
#   local     (default) images are tagged NAME:TAG and stay local (kind load / docker compose).
#   TAG       default: the chart's appVersion (what `helm install` pulls by default).
# Env: DOCKER (docker), PLATFORM (passed as --platform), DRY_RUN=1 (print the commands only),
#      BUILD_ARGS (extra `docker build` arguments, word-split).
# Images: hft-engine, hft-backend, hft-backend-migrate (backend.Dockerfile --target migrate), hft-web.
set -euo pipefail

if [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then
  sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
  exit 0
fi

cd "$(dirname "$0")/.."
target="${1:-local}"
tag="${2:-$(awk '$1 == "appVersion:" { gsub(/"/, "", $2); print $2 }' charts/hft-platform/Chart.yaml)}"
docker="${DOCKER:-docker}"

if [[ -z "$tag" || ! "$tag" =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]]; then
  echo "build-docker-images: invalid tag '$tag'" >&2
  exit 2
fi
prefix=""
push=false
if [[ "$target" != "local" ]]; then
  target="${target%/}"
  if [[ ! "$target" =~ ^[a-z0-9]([a-z0-9.:_-]*[a-z0-9])?(/[a-z0-9]([a-z0-9._-]*[a-z0-9])?)*$ ]]; then
    echo "build-docker-images: invalid registry '$target' (expected host[:port][/path], or 'local')" >&2
    exit 2
  fi
  prefix="$target/"
  push=true
fi

run() {
  echo "+ $*"
  [[ "${DRY_RUN:-0}" == "1" ]] || "$@"
}

# name dockerfile [target]
images=(
  "hft-engine Dockerfiles/engine.Dockerfile runtime"
  "hft-backend Dockerfiles/backend.Dockerfile runtime"
  "hft-backend-migrate Dockerfiles/backend.Dockerfile migrate"
  "hft-web Dockerfiles/web.Dockerfile runtime"
)
extra=()
[[ -n "${PLATFORM:-}" ]] && extra+=(--platform "$PLATFORM")
# shellcheck disable=SC2206 # intentional word splitting of user-supplied extra arguments
[[ -n "${BUILD_ARGS:-}" ]] && extra+=(${BUILD_ARGS})

built=()
for spec in "${images[@]}"; do
  read -r name file stage <<<"$spec"
  ref="${prefix}${name}:${tag}"
  run "$docker" build -f "$file" --target "$stage" -t "$ref" \
    --label "org.opencontainers.image.source=https://github.com/hft-platform/hft-platform" \
    --label "org.opencontainers.image.version=$tag" ${extra[@]+"${extra[@]}"} .
  built+=("$ref")
done

if [[ "$push" == true ]]; then
  for ref in "${built[@]}"; do run "$docker" push "$ref"; done
fi
echo "build-docker-images: ${built[*]}$([[ "$push" == true ]] && echo " (pushed)" || echo " (local)")"
