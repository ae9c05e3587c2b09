# syntax=docker/dockerfile:1
# Dialtone image: build stages with a C++ toolchain (better-sqlite3 is a native addon), then a
# slim runtime with production dependencies only, running as the unprivileged "node" user.
# Node 24 (Active LTS) in production; CI also tests Node 20.19+, the oldest version package.json allows.
ARG NODE_IMAGE=node:24-bookworm-slim

# ---- toolchain: what node-gyp needs to compile better-sqlite3 ---------------------------------
FROM ${NODE_IMAGE} AS toolchain
# package.json asks for Node >= 20.19 (require(esm)); fail the build early on an older base.
RUN node -e "const [major, minor] = process.versions.node.split('.').map(Number); \
if (major < 20 || (major === 20 && minor < 19)) { console.error('Node >= 20.19 needed, got ' + process.version); process.exit(1); }"
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./

# ---- build: all dependencies, compile the server (dist/) and the browser code (public/) -------
FROM toolchain AS build
RUN npm ci
COPY . .
RUN npm run build

# ---- prod-deps: production dependencies only, native addons compiled here ---------------------
FROM toolchain AS prod-deps
RUN npm ci --omit=dev \
 && npm cache clean --force

# ---- runtime -----------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    HOST=0.0.0.0 \
    DATA_DIR=/data
WORKDIR /app
COPY package.json package-lock.json ./
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/public ./public
COPY views ./views
# The SQLite database (when DATABASE_URL is not set) and anything else the app keeps live in
# DATA_DIR, on a volume owned by the runtime user; the code itself stays read-only for it.
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]
USER node
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/main.js"]
