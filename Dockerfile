# One image for every deployment shape: LOGISYNAPSE_MODULES picks the modules a container hosts.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json .swcrc nest-cli.json ./
COPY src ./src
COPY migrations ./migrations
COPY scripts/build-workflow-bundle.ts ./scripts/
RUN npm run build && npm run build:workflow-bundle && npm prune --omit=dev

FROM node:24-bookworm-slim
ARG LOGISYNAPSE_MODULES=all
ENV NODE_ENV=production \
    LOGISYNAPSE_MODULES=${LOGISYNAPSE_MODULES} \
    LOGISYNAPSE_DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 3000 50051
HEALTHCHECK --interval=10s --timeout=3s CMD node -e "fetch('http://127.0.0.1:3000/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/src/main.js"]
