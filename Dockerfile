# syntax=docker/dockerfile:1
# Roundabout: multi-stage build on Node 20 slim; the runtime image holds the build output and the
# production dependencies only, runs as the unprivileged `node` user, keeps the embedded database in
# the /data volume. tests/deploy/production-tree.int.test.ts assembles the same tree from the
# `COPY --from=build` lines below and starts it with the same ENV and CMD.

FROM node:20-slim AS build
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1
COPY package.json package-lock.json ./
COPY patches ./patches
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:20-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY patches ./patches
# npm ci --omit=dev alone keeps vitest, drizzle-kit, tsx… (optional peers of better-auth): see the script.
COPY scripts/install-production.mjs ./scripts/
RUN node scripts/install-production.mjs --no-audit --no-fund && npm cache clean --force

FROM node:20-slim
WORKDIR /app
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 HOST=0.0.0.0 PORT=3000 DATA_DIR=/data
COPY --from=deps --chown=root:root /app/node_modules ./node_modules
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/next.config.ts ./next.config.ts
COPY --from=build /app/dist ./dist
COPY --from=build /app/.next ./.next
COPY --from=build /app/drizzle ./drizzle
RUN mkdir -p /data && chown node:node /data && rm -rf .next/cache
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/server.mjs"]
