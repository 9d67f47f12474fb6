#!/bin/sh
# Makes a self-signed certificate on first start when none was provided (dev), then runs httpd.
# Real deployments upload their own pair (stack keys tlsCertificate / tlsPrivateKey).
set -eu
tls=/usr/local/apache2/conf/ja4/tls
if [ ! -s "$tls/server.crt" ] || [ ! -s "$tls/server.key" ]; then
  name=$(sed -n 's/^ServerName[[:space:]]*//p' /usr/local/apache2/conf/ja4/site.conf | head -n 1)
  umask 077
  openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj "/CN=${name:-localhost}" \
    -keyout "$tls/server.key" -out "$tls/server.crt" 2>/dev/null
  echo "ja4-httpd: no certificate provided; made a self-signed one for ${name:-localhost}" >&2
fi
exec "$@"
