# syntax=docker/dockerfile:1.7
# The appliance image: every `ja4` service (migrate, dict load, correlator, detector, dashboard,
# sentinel, `ja4 up`) from one build. It packages the staged appliance, made on the build host
# by `npm run stage` (compiled JavaScript, the dashboard bundle, production node_modules from
# the lock with `cap` patched), so the build needs no npm registry. The Pulumi program builds it
# from the repository root and tags it with package.json's version:
#   npm run stage && docker build -f docker/appliance.Dockerfile -t ja4-appliance:<v> .
#
# Base images are pinned to exact releases. Pin the digest too by passing the full reference,
# e.g. --build-arg NODE_IMAGE=node:20.20.2-bookworm-slim@sha256:<digest> (the stack key
# deployment.base_images.node does this from Pulumi); see docker/README.md.
ARG NODE_IMAGE=node:20.20.2-bookworm-slim

# --- build: cap's binding compiled against this image's Node and libpcap (node-gyp, offline)
FROM ${NODE_IMAGE} AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ libpcap-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/ja4
# Fails here, naming the path, when nothing was staged: run `npm run stage` first.
COPY dist/stage/ja4-platform/ ./
# A stage without the dashboard bundle or with an unpatched cap never becomes an image.
RUN test -f dist/appliance/dashboard/web/dist/index.html \
   || { echo 'ja4-appliance: the stage has no dashboard bundle; run npm run stage' >&2; exit 1; } \
 && npm_config_nodedir=/usr/local npm rebuild cap --offline --no-audit --no-fund \
 && node -e "process.exit(typeof require('cap').Cap.prototype.stats === 'function' ? 0 : 1)" \
   || { echo 'ja4-appliance: cap is not the patched build (patches/cap+*.patch)' >&2; exit 1; }
RUN rm -rf node_modules/cap/build/Release/obj.target node_modules/cap/build/Release/.deps

# --- runtime: node, libpcap and the staged appliance; no compiler
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
      /var/lib/ja4/dashboard /var/lib/ja4/log /var/lib/ja4/clickhouse /var/lib/ja4/detector \
 && install -d -o ja4 -g ja4 -m 0770 /run/ja4 \
 && install -d -m 0755 /etc/ja4
WORKDIR /opt/ja4
COPY --from=build /opt/ja4 ./
RUN chmod 0755 bin/ja4.js && ln -s /opt/ja4/bin/ja4.js /usr/local/bin/ja4
ENV NODE_ENV=production
USER 10001:10001
CMD ["ja4", "--help"]
