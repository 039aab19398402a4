#!/usr/bin/env bash
# Builds the platform's images from Dockerfiles/ (build context: the repository root), pushes them when a
# registry is given, and checks them after a local build.
#
# Usage: scripts/build-docker-images.sh [REGISTRY|local] [TAG]
#   local     (default) images are tagged NAME:TAG and stay local (docker-compose, kind load), then checked:
#             `docker image inspect` of each, and the docker-compose stack started under a throwaway project
#             (ephemeral ports, own volumes), waited for until every service is (healthy), probed like
#             docs/DOCKER.md does (grpcurl HealthCheck, pg_isready, log files) and removed again.
#   REGISTRY  e.g. docker.io/you, my-registry.io:5000 or ghcr.io/acme: images are tagged REGISTRY/NAME:TAG and pushed.
#   TAG       default: latest for local (what docker-compose.yml runs), the chart's appVersion with a registry.
# Also creates .env with random secrets for docker-compose when it is missing (scripts/compose-env.sh).
# Env: DOCKER (docker), COMPOSE (default: `docker compose`, else `docker-compose`), PLATFORM (--platform),
#      BUILD_ARGS (extra `docker build` arguments, word-split), CHECKS=0 (skip the checks), HFT_ENV_FILE (.env),
#      CHECK_TIMEOUT (seconds to wait for healthy, 300), DRY_RUN=1 (print the docker commands only).
# Images: hft-engine, hft-backend, hft-backend-migrate (backend.Dockerfile --target migrate), hft-frontend.
set -euo pipefail

if [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then
  sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'
  exit 0
fi

cd "$(dirname "$0")/.."
target="${1:-local}"
if [[ "$target" == "local" ]]; then default_tag=latest; else
  default_tag="$(awk '$1 == "appVersion:" { gsub(/"/, "", $2); print $2 }' charts/hft-platform/Chart.yaml)"
fi
tag="${2:-$default_tag}"
docker="${DOCKER:-docker}"
dry_run="${DRY_RUN:-0}"

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
  [[ "$dry_run" == "1" ]] || "$@"
}

# Secrets for docker-compose.yml (kept when .env exists). Not a docker command: also done in a dry run.
env_file="${HFT_ENV_FILE:-$PWD/.env}"
scripts/compose-env.sh "$env_file"

# name dockerfile target
images=(
  "hft-engine Dockerfiles/engine.Dockerfile runtime"
  "hft-backend Dockerfiles/backend.Dockerfile runtime"
  "hft-backend-migrate Dockerfiles/backend.Dockerfile migrate"
  "hft-frontend Dockerfiles/web.Dockerfile runtime"
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
  echo "build-docker-images: ${built[*]} (pushed)"
  exit 0
fi

if [[ "${CHECKS:-1}" == "0" ]]; then
  echo "build-docker-images: ${built[*]} (local; checks skipped: CHECKS=0)"
  exit 0
fi

# --- Checks of the local images -------------------------------------------------------------------------
fail() {
  echo "build-docker-images: CHECK FAILED: $*" >&2
  exit 1
}

# 1. Each image: non-root numeric user, and a HEALTHCHECK on the long-running ones.
inspect_format='{{.Config.User}} {{if .Config.Healthcheck}}healthcheck{{else}}none{{end}}'
for ref in "${built[@]}"; do
  echo "+ $docker image inspect --format '$inspect_format' $ref"
  [[ "$dry_run" == "1" ]] && continue
  read -r user health < <("$docker" image inspect --format "$inspect_format" "$ref") || fail "$ref: no such image"
  [[ "$user" =~ ^[1-9][0-9]*(:[0-9]+)?$ ]] || fail "$ref: runs as '$user' (expected a non-root numeric uid)"
  [[ "$ref" == *hft-backend-migrate:* || "$health" == healthcheck ]] || fail "$ref: no HEALTHCHECK"
  echo "  $ref: user $user, $health"
done

# 2. The docker-compose stack from these images, under its own project name (own containers, network and
#    volumes; ports published on ephemeral 127.0.0.1 ports so a running `hft-platform` stack is untouched).
if [[ -n "${COMPOSE:-}" ]]; then
  read -r -a compose <<<"$COMPOSE"
elif "$docker" compose version >/dev/null 2>&1; then
  compose=("$docker" compose)
elif command -v docker-compose >/dev/null 2>&1; then
  compose=(docker-compose)
elif [[ "$dry_run" == "1" ]]; then
  compose=("$docker" compose)
else
  echo "build-docker-images: ${built[*]} (local; image checks passed; no docker compose: stack check skipped)" >&2
  exit 0
fi
project="hft-platform-check"
compose+=(--env-file "$env_file" -p "$project" -f docker-compose.yml)
export HFT_TAG="$tag" HFT_REGISTRY="" HFT_POSTGRES_PORT="" HFT_ENGINE_PORT="" HFT_BACKEND_PORT="" HFT_FRONTEND_PORT=""
# Docker refuses more CPUs than the host (or Docker Desktop VM) has.
if [[ -z "${HFT_ENGINE_CPUS:-}" && "$dry_run" != "1" ]]; then
  ncpu="$("$docker" info --format '{{.NCPU}}' 2>/dev/null || echo 2)"
  ((ncpu < 2)) && export HFT_ENGINE_CPUS="$ncpu"
fi

cleanup() { run "${compose[@]}" down -v --remove-orphans >/dev/null 2>&1 || true; }
[[ "$dry_run" == "1" ]] || trap cleanup EXIT
run "${compose[@]}" up -d --no-build

services=(postgres hft-engine hft-backend hft-frontend)
timeout="${CHECK_TIMEOUT:-300}"
echo "+ wait until ${services[*]} are healthy (at most ${timeout}s)"
if [[ "$dry_run" != "1" ]]; then
  deadline=$((SECONDS + timeout))
  for svc in "${services[@]}"; do
    while :; do
      id="$("${compose[@]}" ps -q "$svc" 2>/dev/null || true)"
      state="$([[ -n "$id" ]] && "$docker" inspect --format '{{.State.Health.Status}}' "$id" 2>/dev/null || echo missing)"
      [[ "$state" == healthy ]] && { echo "  $svc: healthy"; break; }
      if ((SECONDS > deadline)); then
        "${compose[@]}" ps -a >&2 || true
        "${compose[@]}" logs --tail 50 >&2 || true
        fail "$svc is '$state' after ${timeout}s"
      fi
      sleep 2
    done
  done
fi
run "${compose[@]}" ps
run "${compose[@]}" exec -T hft-engine grpcurl -plaintext localhost:50051 trading.pb.TradingEngine/HealthCheck ||
  fail "grpcurl HealthCheck in hft-engine"
run "${compose[@]}" exec -T postgres pg_isready -U trading_user || fail "pg_isready in postgres"
run "${compose[@]}" exec -T hft-engine tail -n 1 /var/log/trading/engine.log || fail "engine.log"
run "${compose[@]}" exec -T hft-backend tail -n 1 /var/log/trading/backend.log || fail "backend.log"
if [[ "$dry_run" == "1" ]]; then
  echo "build-docker-images: ${built[*]} (local; dry run: nothing built or checked)"
else
  echo "build-docker-images: ${built[*]} (local; image and stack checks passed)"
fi
