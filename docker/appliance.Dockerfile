# syntax=docker/dockerfile:1.7
# The appliance image: every `ja4` service (migrate, dict load, correlator, detector, dashboard,
# sentinel) from one build. The Pulumi program builds it from the repository root and tags it
# with package.json's version:  docker build -f docker/appliance.Dockerfile -t ja4-appliance:<v> .
#
# Base images are pinned to exact releases. Pin the digest too by passing the full reference,
# e.g. --build-arg NODE_IMAGE=node:20.19.5-bookworm-slim@sha256:<digest> (the stack key
# deployment.base_images.node does this from Pulumi); see docker/README.md.
ARG NODE_IMAGE=node:20.19.5-bookworm-slim

# --- build: native modules (cap needs libpcap headers, chdb its prebuilt library), tsc, web app
FROM ${NODE_IMAGE} AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ libpcap-dev ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY appliance ./appliance
COPY migrations ./migrations
RUN npm run build \
 && npm run --if-present build:web \
 && mkdir -p appliance/dashboard/web/dist \
 && npm prune --omit=dev --no-audit --no-fund

# --- runtime: node, libpcap and the compiled appliance; no compiler, no dev dependencies
FROM ${NODE_IMAGE} AS runtime
ARG APPLIANCE_VERSION=0.0.0-dev
LABEL org.opencontainers.image.title="ja4-platform appliance" \
      org.opencontainers.image.version="${APPLIANCE_VERSION}" \
      org.opencontainers.image.licenses="BSD-3-Clause"
# uid/gid 10001 are fixed: the Pulumi components run containers as 10001:10001 and give Apache
# that group for the sockets (components/container-spec.ts, APP_UID/APP_GID).
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpcap0.8 \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 ja4 \
 && useradd --system --uid 10001 --gid ja4 --home-dir /var/lib/ja4 --shell /usr/sbin/nologin ja4 \
 && install -d -o ja4 -g ja4 -m 0750 /var/lib/ja4 /var/lib/ja4/spool /var/lib/ja4/models \
      /var/lib/ja4/dashboard /var/lib/ja4/log \
 && install -d -o ja4 -g ja4 -m 0770 /run/ja4 \
 && install -d -m 0755 /etc/ja4
WORKDIR /opt/ja4
COPY --from=build /src/package.json ./package.json
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY --from=build /src/bin ./bin
COPY --from=build /src/migrations ./migrations
# The compiled server looks for the web app next to itself (dashboard/server/plugins/static.ts).
COPY --from=build /src/appliance/dashboard/web/dist ./dist/appliance/dashboard/web/dist
RUN chmod 0755 bin/ja4.js && ln -s /opt/ja4/bin/ja4.js /usr/local/bin/ja4
ENV NODE_ENV=production
USER 10001:10001
CMD ["ja4", "--help"]
