# syntax=docker/dockerfile:1.7
# Matching engine image (hft-engine). Build from the repository root:
#   docker build -f Dockerfiles/engine.Dockerfile -t hft-engine:dev .
#
# How it runs: the services are TypeScript run by tsx (no build step: workspace packages export their .ts
# sources, and the engine reads files relative to its sources: proto/gen/trading.binpb, config.yaml,
# package.json). tsx is a declared runtime dependency of @hft/engine, so `npm ci --omit=dev` keeps it and no
# dev dependency (typescript, vitest, biome, buf, ...) reaches the image. tsx transpiles each module once at
# load (about a second at start, nothing afterwards) and caches it under $TMPDIR (/tmp, a tmpfs/emptyDir).
# `node --import tsx` instead of the tsx CLI keeps node as PID 1 so SIGTERM reaches the engine directly.
ARG NODE_IMAGE=node:22-bookworm-slim
ARG GO_IMAGE=golang:1.26-bookworm

# Go tools, static binaries (versions kept in step with scripts/install-k8s-tools.sh):
# - grpc-health-probe: used by the HEALTHCHECK below and by the chart's `helm test` pod. Kubernetes itself
#   uses native gRPC probes against the same grpc.health.v1.Health service.
# - grpcurl: the operator's gRPC client (the engine serves reflection), e.g.
#   docker-compose exec hft-engine grpcurl -plaintext localhost:50051 trading.pb.TradingEngine/HealthCheck
FROM ${GO_IMAGE} AS go-tools
ARG GRPC_HEALTH_PROBE_VERSION=v0.4.61
ARG GRPCURL_VERSION=v1.9.4
RUN CGO_ENABLED=0 GOBIN=/out go install -trimpath -ldflags="-s -w" \
      "github.com/grpc-ecosystem/grpc-health-probe@${GRPC_HEALTH_PROBE_VERSION}" \
 && CGO_ENABLED=0 GOBIN=/out go install -trimpath -ldflags="-s -w -X main.version=${GRPCURL_VERSION}" \
      "github.com/fullstorydev/grpcurl/cmd/grpcurl@${GRPCURL_VERSION}"

# Only the package manifests, so the dependency layer is rebuilt only when they change.
FROM ${NODE_IMAGE} AS manifests
WORKDIR /src
COPY . .
RUN node -e ' \
      const fs = require("node:fs"), path = require("node:path"); \
      const root = JSON.parse(fs.readFileSync("package.json", "utf8")); \
      for (const ws of [".", ...root.workspaces]) { \
        fs.mkdirSync(path.join("/out", ws), { recursive: true }); \
        fs.copyFileSync(path.join(ws, "package.json"), path.join("/out", ws, "package.json")); \
      } \
      fs.copyFileSync("package-lock.json", "/out/package-lock.json");'

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY --from=manifests /out/ ./
# Production dependencies of the engine and the workspace packages it imports; no install scripts.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
      --workspace @hft/engine --workspace @hft/proto --workspace @hft/shared \
 && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    ENGINE_HOST=0.0.0.0 \
    ENGINE_PORT=50051 \
    ENGINE_METRICS_PORT=9464 \
    TMPDIR=/tmp
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=go-tools /out/grpc-health-probe /out/grpcurl /usr/local/bin/
COPY package.json tsconfig.json tsconfig.base.json ./
COPY proto ./proto
COPY packages/shared ./packages/shared
COPY services/engine ./services/engine
# Log directory (LOG_FILE=/var/log/trading/engine.log in docker-compose.yml), owned by the runtime uid so a
# named volume mounted there starts writable; the root filesystem stays read-only.
RUN install -d -o 1000 -g 1000 -m 0755 /var/log/trading
# Numeric uid/gid (the image's `node` user) so runAsNonRoot can be verified; the files stay root-owned and
# read-only for it, which is what a read-only root filesystem expects.
USER 1000:1000
EXPOSE 50051 9464
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD grpc-health-probe -addr="127.0.0.1:${ENGINE_PORT}" -connect-timeout=3s -rpc-timeout=3s
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "--import", "tsx", "services/engine/src/main.ts"]
