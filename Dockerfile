# DictaMesh service image (gateway + catalog subgraph + webhook endpoint in one process), run as
# compiled JavaScript: no TypeScript loader and no dev dependency in the image.

# build: every dependency, the Prisma client and `npm run build` (npm ci's postinstall runs both)
FROM node:20-bookworm-slim AS build
WORKDIR /app
ENV APOLLO_TELEMETRY_DISABLED=true CHECKPOINT_DISABLE=1 PRISMA_HIDE_UPDATE_MESSAGE=1
COPY . .
RUN npm ci --no-audit --no-fund
# the run-time files only: package manifests, dist/ folders, schemas, supergraph config, migrations
RUN npx tsx scripts/build/stage-runtime.ts /runtime

# runtime: production dependencies and the compiled packages
FROM node:20-bookworm-slim
WORKDIR /app
# a larger young generation: the gateway allocates many short-lived objects per request
# (bench:gateway: 14–16 % less CPU per request for ~100 MB more RSS)
ENV NODE_ENV=production APOLLO_TELEMETRY_DISABLED=true CHECKPOINT_DISABLE=1 HOST=0.0.0.0 NODE_OPTIONS=--max-semi-space-size=64
COPY --from=build /runtime/ ./
# --ignore-scripts: the root postinstall (Prisma generate, build) needs dev dependencies and
# its output is already in dist/
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force \
  && mkdir .dictamesh && chown node:node .dictamesh
EXPOSE 4000 4001 4002 4003
USER node
CMD ["node", "cli/dist/index.js", "start"]
