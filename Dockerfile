# syntax=docker/dockerfile:1
# Atelier's production image: one image, three commands (docs/deploy.md).
#   web:     node server.js            (the standalone Next.js bundle; RUN_WORKERS=0 when workers run apart)
#   worker:  npm run worker            (generation jobs and the deadline sweeper)
#   migrate: npm run db:migrate        (run once per deploy, before the new web servers start)
# Not built on our CI machines (they cannot pull images); CI runs the same commands without Docker:
# tests/e2e/support/stack.ts starts `node server.js` from the standalone bundle and `npm run worker`.

ARG NODE_IMAGE=node:20-slim

# --- 1. Every dependency, for the build (Prisma client generation needs the prisma CLI). --------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1
COPY package.json package-lock.json ./
COPY prisma ./prisma
COPY prisma.config.ts ./
COPY scripts/prisma-generate.mjs ./scripts/
RUN npm ci --no-audit --no-fund

# --- 2. The build: the generated Prisma client and the standalone bundle. -------------------------------
FROM deps AS build
COPY . .
RUN npm run generate && npm run build

# --- 3. Production dependencies only, for the worker and the migrate command (both run under tsx). -----
# --ignore-scripts: postinstall would regenerate the Prisma client with the prisma CLI, a
# devDependency; the client generated in the build stage is copied instead.
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# --- 4. The runtime image. ------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    PORT=3000 \
    HOSTNAME=0.0.0.0 \
    DATA_DIR=/app/.data
# Worker and migrations: the sources they import, with production dependencies.
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/package.json /app/tsconfig.json ./
COPY --from=build /app/lib ./lib
COPY --from=build /app/scripts ./scripts
COPY --from=build /app/prisma ./prisma
# Web server: the standalone bundle with its own traced node_modules, plus the static files beside it.
COPY --from=build /app/.next/standalone ./web
COPY --from=build /app/.next/static ./web/.next/static
COPY --from=build /app/public ./web/public
# A user without privileges; images on local disk (when S3 is not used) live in DATA_DIR.
RUN groupadd --system atelier && useradd --system --gid atelier --home /app atelier \
    && mkdir -p /app/.data && chown atelier:atelier /app/.data
USER atelier
EXPOSE 3000
# Docker sends SIGTERM and, after stop_grace_period, SIGKILL: keep SHUTDOWN_GRACE_SECONDS below it.
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "web/server.js"]
