# One image per module from the same stages (ADR 0040): only the last stage reads the build
# argument LOGISYNAPSE_MODULES (default `all`: the one-process deployment), so every module's
# build shares the dependency and compile layers. CI builds one per entry of its image matrix:
#   docker build --build-arg LOGISYNAPSE_MODULES=gateway,auth,tenancy .

# The production dependencies, from the lock (`npm ci` fails when package.json and the lock disagree).
FROM node:24-bookworm-slim AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

# The compiled app (dist/src, with dist/src/migrate.js for the chart's migration Job, and
# dist/migrations) and the prebuilt Temporal workflow bundle, so no worker runs webpack at start.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json .swcrc nest-cli.json ./
COPY src ./src
COPY migrations ./migrations
COPY scripts/build-workflow-bundle.ts ./scripts/
RUN npm run build && npm run build:workflow-bundle \
 && test -f dist/src/main.js && test -f dist/src/migrate.js && test -f dist/workflow-bundle.js

FROM node:24-bookworm-slim AS runtime
WORKDIR /app
# Owned by root, so the app's user cannot change its own code; it writes nothing but /data
# (LOGISYNAPSE_DATA_DIR), which makes a read-only root file system work (readOnlyRootFilesystem).
COPY package.json ./
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
RUN mkdir /data && chown 1000:1000 /data
# Anonymous volume under `docker run --read-only`; Kubernetes mounts its own (emptyDir or a claim).
VOLUME ["/data"]

# From here on each module's image differs: these layers are small and come last.
ARG LOGISYNAPSE_MODULES=all
ARG REVISION=unknown
ARG SOURCE_URL=""
# A module set the app would refuse (a module without what it needs in its process, or an
# unknown name) fails the build, not a container's start. Reads the same descriptors as config.
RUN node -e 'const d = require("./dist/src/platform/config/module-descriptors.js").MODULE_DESCRIPTORS; \
  const v = process.argv[1]; const m = v === "all" ? Object.keys(d) : v.split(",").map((s) => s.trim()); \
  const fail = (why) => { console.error("LOGISYNAPSE_MODULES=" + v + ": " + why); process.exit(1); }; \
  for (const n of m) { \
    if (!d[n]) fail(n + " is not a module (known: " + Object.keys(d).join(", ") + ")"); \
    const missing = d[n].needsInProcess.filter((x) => !m.includes(x)); \
    if (missing.length) fail(n + " needs " + missing.join(", ") + " in the same process"); \
  }' "$LOGISYNAPSE_MODULES"
ENV NODE_ENV=production \
    LOGISYNAPSE_MODULES=${LOGISYNAPSE_MODULES} \
    LOGISYNAPSE_DATA_DIR=/data
LABEL org.opencontainers.image.title="logisynapse" \
      org.opencontainers.image.description="Logisynapse shipping platform; modules: ${LOGISYNAPSE_MODULES}" \
      org.opencontainers.image.licenses="UNLICENSED" \
      org.opencontainers.image.version="0.1.0" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.source="${SOURCE_URL}" \
      org.opencontainers.image.base.name="docker.io/library/node:24-bookworm-slim"

# The base image's `node` user, by number: Kubernetes' runAsNonRoot can only verify a numeric USER.
USER 1000:1000
# HTTP (REST, GraphQL, health), gRPC, Prometheus /metrics (METRICS_PORT).
EXPOSE 3000 50051 9464
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/src/main.js"]
