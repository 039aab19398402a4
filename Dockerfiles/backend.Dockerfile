# syntax=docker/dockerfile:1.7
# Backend API image (hft-backend, target `runtime`, the default) and the migration image (hft-backend-migrate,
# target `migrate`: `prisma migrate deploy`, run by the chart's Job and by docker-compose's `migrate`).
#   docker build -f Dockerfiles/backend.Dockerfile -t hft-backend:dev .
#   docker build -f Dockerfiles/backend.Dockerfile --target migrate -t hft-backend-migrate:dev .
#
# Like the engine, the backend runs its TypeScript sources with tsx, a declared runtime dependency of
# @hft/backend (see engine.Dockerfile for why there is no bundle); `npm ci --omit=dev` keeps dev tools out.
ARG NODE_IMAGE=node:22-bookworm-slim

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
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
      --workspace @hft/backend --workspace @hft/proto --workspace @hft/shared \
 && npm cache clean --force
# The Prisma client is generated code (not committed): generate it here. `prisma generate` needs no engine
# binary; PRISMA_SCHEMA_ENGINE_BINARY=/bin/false makes sure none is fetched for it.
COPY prisma ./prisma
COPY services/backend/prisma.config.ts ./services/backend/
RUN cd services/backend && PRISMA_SCHEMA_ENGINE_BINARY=/bin/false ../../node_modules/.bin/prisma generate

FROM ${NODE_IMAGE} AS base
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8000 \
    TMPDIR=/tmp \
    CHECKPOINT_DISABLE=1 \
    PATH=/app/node_modules/.bin:$PATH
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json tsconfig.json tsconfig.base.json ./
COPY proto ./proto
COPY packages/shared ./packages/shared
COPY prisma ./prisma
COPY services/backend ./services/backend
COPY --from=deps /app/services/backend/src/db/generated ./services/backend/src/db/generated

# Migrations: Prisma's schema engine is a native binary, fetched at build time (the root filesystem is
# read-only at run time) by @prisma/engines' install script, which `npm ci --ignore-scripts` skipped.
# Prisma picks the engine build from the OpenSSL version, so the slim image needs openssl.
FROM base AS migrate
USER root
RUN apt-get update \
 && apt-get install -y --no-install-recommends openssl ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && npm rebuild --ignore-scripts=false @prisma/engines prisma \
 && cd services/backend && prisma --version
WORKDIR /app/services/backend
USER 1000:1000
# DATABASE_URL comes from the environment (a Secret in Kubernetes); prisma.config.ts reads it.
ENTRYPOINT []
CMD ["prisma", "migrate", "deploy"]

FROM base AS runtime
# Log directory (LOG_FILE=/var/log/trading/backend.log in docker-compose.yml), owned by the runtime uid so a
# named volume mounted there starts writable; the root filesystem stays read-only.
RUN install -d -o 1000 -g 1000 -m 0755 /var/log/trading
USER 1000:1000
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/health`,{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "--import", "tsx", "services/backend/src/main.ts"]
