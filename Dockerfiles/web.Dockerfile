# syntax=docker/dockerfile:1.7
# Web UI image (hft-frontend): `next build` in a builder stage with dev dependencies, `next start` at run time with
# production dependencies only. BACKEND_URL is read at request time, so one image serves every environment.
#   docker build -f Dockerfiles/web.Dockerfile -t hft-frontend:dev .
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

# next build type-checks with the root's typescript and @types/*, hence the workspace root's dev dependencies.
FROM ${NODE_IMAGE} AS build
ENV NEXT_TELEMETRY_DISABLED=1
WORKDIR /app
COPY --from=manifests /out/ ./
RUN npm ci --ignore-scripts --no-audit --no-fund --include-workspace-root \
      --workspace @hft/web --workspace @hft/shared
COPY tsconfig.json tsconfig.base.json ./
COPY packages/shared ./packages/shared
COPY web ./web
# Called with node directly (not `npm run`): the root's `node` dev dependency must not shadow the image's node.
# web/public may be empty (git does not keep empty dirs): create it so the runtime stage can always copy it.
RUN cd web && node /app/node_modules/next/dist/bin/next build && rm -rf .next/cache && mkdir -p public

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY --from=manifests /out/ ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund --workspace @hft/web --workspace @hft/shared \
 && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    PORT=3000 \
    HOSTNAME=0.0.0.0 \
    TMPDIR=/tmp
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY packages/shared ./packages/shared
COPY web/package.json web/next.config.ts ./web/
COPY --from=build /app/web/public ./web/public
COPY --from=build /app/web/.next ./web/.next
WORKDIR /app/web
# .next/cache is the only path next start writes to: a volume (emptyDir) under a read-only root filesystem.
USER 1000:1000
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/healthz`,{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "/app/node_modules/next/dist/bin/next", "start"]
