# Bosun's own image: the CLI and the admission webhook (`bosun webhook serve`).
# Base pinned by digest (node:24-slim, multi-arch index). The digest was taken from public
# Dockerfiles that pin the same tag and could not be pulled or checked from the build machine:
# refresh it deliberately with `bosun pin` / `skopeo inspect docker://node:24-slim` before release.
ARG NODE_IMAGE=node:24-slim@sha256:a9f5f7c91a432850b2a8a7797adf5eadb6c733ceed61167806cee7ea7fbc29df

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npx tsc -p tsconfig.build.json \
 && npm prune --omit=dev --ignore-scripts --no-audit --no-fund

FROM ${NODE_IMAGE}
ENV NODE_ENV=production
WORKDIR /opt/bosun
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY bin ./bin
# Non-root, numeric so runAsNonRoot can check it; nothing is written outside /tmp (read-only root).
USER 65532:65532
EXPOSE 8443
ENTRYPOINT ["node", "/opt/bosun/bin/bosun.js"]
CMD ["webhook", "serve", "--policies=/etc/bosun/policies", "--tls-cert=/etc/bosun/tls/tls.crt", "--tls-key=/etc/bosun/tls/tls.key"]
