#!/bin/sh
# bin/httpd of the official image, on Debian's apache2 binary (compiled for /etc/apache2).
exec /usr/sbin/apache2 -d "${HTTPD_PREFIX:-/usr/local/apache2}" -f conf/httpd.conf "$@"
