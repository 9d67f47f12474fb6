# syntax=docker/dockerfile:1.7
# Apache httpd with mod_reqin_log (built here with apxs), mod_remoteip and mod_ssl, running as
# www-data on ports 8080/8443. The Pulumi program uploads conf/ja4/site.conf (listeners,
# ServerName, trusted proxies, socket) and, for real certificates, the TLS pair.
#   docker build -f docker/httpd.Dockerfile -t ja4-httpd:<version> .
ARG HTTPD_IMAGE=httpd:2.4.71-bookworm

# --- build: apxs ships with the official image; add a compiler and the APR headers
FROM ${HTTPD_IMAGE} AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends gcc make libc6-dev libapr1-dev libaprutil1-dev perl \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY appliance/mod_reqin_log/ ./
RUN make clean && make APXS=/usr/local/apache2/bin/apxs

# --- runtime
FROM ${HTTPD_IMAGE} AS runtime
ARG APPLIANCE_VERSION=0.0.0-dev
LABEL org.opencontainers.image.title="ja4-platform httpd" \
      org.opencontainers.image.version="${APPLIANCE_VERSION}" \
      org.opencontainers.image.licenses="BSD-3-Clause"
# openssl only for the first-start self-signed certificate (docker/httpd/entrypoint.sh).
RUN apt-get update \
 && apt-get install -y --no-install-recommends openssl \
 && rm -rf /var/lib/apt/lists/* \
 && install -d -o www-data -g www-data -m 0750 /usr/local/apache2/conf/ja4 /usr/local/apache2/conf/ja4/tls \
 && chown -R www-data:www-data /usr/local/apache2/logs \
 && install -d -o 10001 -g 10001 -m 0770 /run/ja4 \
 && sed -i -e 's|^Listen 80$|# Listen: see conf/ja4/site.conf|' conf/httpd.conf \
 && printf '\nInclude conf/ja4.conf\n' >> conf/httpd.conf
COPY --from=build /src/build/mod_reqin_log.so /usr/local/apache2/modules/mod_reqin_log.so
COPY docker/httpd/ja4.conf /usr/local/apache2/conf/ja4.conf
COPY --chown=www-data:www-data docker/httpd/site.conf /usr/local/apache2/conf/ja4/site.conf
COPY --chmod=0755 docker/httpd/entrypoint.sh /usr/local/bin/ja4-httpd-entrypoint
USER www-data
EXPOSE 8080 8443
ENTRYPOINT ["/usr/local/bin/ja4-httpd-entrypoint"]
CMD ["httpd-foreground"]
