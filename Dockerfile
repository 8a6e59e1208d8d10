# syntax=docker/dockerfile:1
# zfs-autobackup: the daemon in a container. It needs no ZFS inside: everything goes through the ZFS API
# on the host (network_mode: host in docker-compose.yml, so http://localhost:8545 reaches it).
#
# Base: Node.js 26, the Active LTS line since 2026-10-28 (supported until 2029-04-30; 24 is in maintenance
# since 2026-10-20, and 20 reached end of life on 2026-04-30). The tag names the Debian release (trixie,
# the current stable) so a rebuild cannot switch distributions under us; the Node line still takes
# its patch releases. Both stages use the same image, so the compiled output runs where it was built.

# ---- build: exact dependencies from the lock file, compile TypeScript, drop dev dependencies ----------
FROM node:26-trixie-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.base.json ./
COPY packages/core/package.json packages/core/
COPY packages/zfs-rpc/package.json packages/zfs-rpc/
COPY packages/runner/package.json packages/runner/
RUN npm ci --no-audit --no-fund
COPY packages/core/src packages/core/src
COPY packages/core/tsconfig.json packages/core/
COPY packages/zfs-rpc/src packages/zfs-rpc/src
COPY packages/zfs-rpc/tsconfig.json packages/zfs-rpc/
COPY packages/runner/src packages/runner/src
COPY packages/runner/tsconfig.json packages/runner/
COPY backup_config.yaml.example ./
RUN npm run build && npm prune --omit=dev

# ---- runtime: compiled JavaScript and production dependencies only, as UID 1000 ---------------------
FROM node:26-trixie-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json /app/backup_config.yaml.example ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/packages/core/package.json packages/core/
COPY --from=build /app/packages/core/dist packages/core/dist
COPY --from=build /app/packages/zfs-rpc/package.json packages/zfs-rpc/
COPY --from=build /app/packages/zfs-rpc/dist packages/zfs-rpc/dist
COPY --from=build /app/packages/runner/package.json packages/runner/
COPY --from=build /app/packages/runner/dist packages/runner/dist
# The node image's "node" user is UID/GID 1000; the config is mounted read-only, nothing is written.
USER 1000:1000
# slim has no curl: ask /health with node itself. HEALTHCHECK_URL must match server.metrics in the config.
ENV HEALTHCHECK_URL=http://127.0.0.1:9180/health
HEALTHCHECK --interval=60s --timeout=10s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch(process.env.HEALTHCHECK_URL).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "packages/runner/dist/main.js"]
CMD ["run", "--config", "/etc/zfs-autobackup/backup_config.yaml"]
