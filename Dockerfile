# DictaMesh service image: one image for every service (DICTAMESH_SERVICES picks what a container
# runs: gateway, catalog, adapters, billing, config, notifications; all of them by default), run
# as compiled JavaScript: no TypeScript loader and no dev dependency in the image.
#
#   docker build -t dictamesh:local .
#   docker run -v dictamesh-data:/data -p 4000:4000 dictamesh:local
#
# docs/deployment.md: the compose deployment, keys (environment or <NAME>_FILE), volumes, upgrades.
# e2e/compiled-build.e2e.test.ts runs this file's runtime CMD with its ENV and USER against the
# staged compiled output, on a tree that user cannot write except /data.

# build: every dependency, the Prisma client and `npm run build` (npm ci's postinstall runs both)
FROM node:20-bookworm-slim AS build
WORKDIR /app
ENV APOLLO_TELEMETRY_DISABLED=true CHECKPOINT_DISABLE=1 PRISMA_HIDE_UPDATE_MESSAGE=1
COPY . .
RUN npm ci --no-audit --no-fund
# the run-time files only: package manifests, dist/ folders, schemas, supergraph config, migrations
RUN npx tsx scripts/build/stage-runtime.ts /runtime

# runtime: production dependencies and the compiled packages, owned by root and read-only for
# the `node` user that runs them; the only writable place is the data volume /data (the PGlite
# files when DATABASE_URL is unset, and the key files created when no key is given)
FROM node:20-bookworm-slim AS runtime
WORKDIR /app
# a larger young generation: the gateway allocates many short-lived objects per request
# (bench:gateway: 14–16 % less CPU per request for ~100 MB more RSS)
ENV NODE_ENV=production APOLLO_TELEMETRY_DISABLED=true CHECKPOINT_DISABLE=1 HOST=0.0.0.0 DICTAMESH_DATA_DIR=/data NODE_OPTIONS=--max-semi-space-size=64
COPY --from=build /runtime/ ./
# --ignore-scripts: the root postinstall (Prisma generate, build) needs dev dependencies and
# its output is already in dist/. Then: nothing under /app writable by anyone but root, and
# /data owned by `node` (a new named volume copies this ownership)
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force \
  && chmod -R go-w /app \
  && mkdir -p /data && chown node:node /data && chmod 0700 /data
VOLUME ["/data"]
# gateway 4000, catalog 4001, webhooks 4002, adapters 4003, billing 4004, config 4005, notifications 4006
EXPOSE 4000-4006
USER node
# /readyz of every service DICTAMESH_SERVICES runs in the container (cli/src/healthcheck.ts; node:20-slim has no curl)
HEALTHCHECK --interval=15s --timeout=6s --start-period=60s --retries=3 CMD ["node", "cli/dist/healthcheck.js"]
CMD ["node", "cli/dist/index.js", "start"]
