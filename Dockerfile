# DictaMesh service image (gateway + catalog subgraph + webhook endpoint in one process).
FROM node:20-bookworm-slim
WORKDIR /app
# a larger young generation: the gateway allocates many short-lived objects per request
# (bench:gateway: 14–16 % less CPU per request for ~100 MB more RSS)
ENV NODE_ENV=production APOLLO_TELEMETRY_DISABLED=true CHECKPOINT_DISABLE=1 HOST=0.0.0.0 NODE_OPTIONS=--max-semi-space-size=64
COPY package.json package-lock.json ./
COPY packages/ packages/
COPY cli/ cli/
COPY adapters/ adapters/
COPY subgraphs/ subgraphs/
COPY gateway/ gateway/
COPY prisma/ prisma/
COPY schemas/ schemas/
COPY supergraph.yaml ./
COPY scripts/ scripts/
COPY prisma.config.ts tsconfig.json ./
RUN npm ci --no-audit --no-fund && npm cache clean --force
EXPOSE 4000 4001 4002
USER node
CMD ["npx", "tsx", "cli/src/index.ts", "start"]
