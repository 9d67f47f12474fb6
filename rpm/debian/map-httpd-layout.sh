#!/bin/sh
# ja4-mod-reqin-log on a Debian-family Apache: the RPM installs RHEL's httpd layout (the module
# in %{_httpd_moddir}, its snippet in /etc/httpd/conf.modules.d/, Apache's user `apache`); this
# maps it onto Debian's apache2 (modules under /usr/lib/apache2/modules, configuration enabled
# with a2enmod from /etc/apache2/mods-available, Apache's user www-data). Run as root after
# installing the RPMs; safe to run again. It changes nothing else of the site configuration.
#
#   sh /usr/share/ja4-mod-reqin-log/map-httpd-layout.sh [MODULE_DIR]
set -eu
snippet=/etc/httpd/conf.modules.d/10-reqin_log.conf
moddir=${1:-}
if [ -z "$moddir" ]; then
  # rpm knows where it put the module (/usr/lib64/httpd/modules when built on Debian's rpm).
  so=$(rpm -ql ja4-mod-reqin-log 2>/dev/null | grep '/mod_reqin_log\.so$' | head -n 1 || true)
  moddir=$(dirname "${so:-/usr/lib64/httpd/modules/mod_reqin_log.so}")
fi
[ -f "$moddir/mod_reqin_log.so" ] || { echo "map-httpd-layout: no $moddir/mod_reqin_log.so" >&2; exit 1; }
[ -f "$snippet" ] || { echo "map-httpd-layout: no $snippet (install ja4-mod-reqin-log)" >&2; exit 1; }

# The snippet says `LoadModule ... modules/mod_reqin_log.so`, relative to ServerRoot (/etc/apache2).
ln -sfn "$moddir/mod_reqin_log.so" /usr/lib/apache2/modules/mod_reqin_log.so
[ -e /etc/apache2/modules ] || ln -s /usr/lib/apache2/modules /etc/apache2/modules
# Debian's way to enable a module: a .load file in mods-available, linked by a2enmod. It includes
# the RPM's snippet, so an upgrade of the package (a new snippet) needs nothing here.
printf '# ja4-mod-reqin-log (RHEL layout mapped by map-httpd-layout.sh)\nInclude %s\n' "$snippet" \
  >/etc/apache2/mods-available/reqin_log.load
a2enmod -q reqin_log >/dev/null
# The RPM's %post adds `apache` to ja4-socket; on Debian, Apache's children run as www-data.
if getent passwd www-data >/dev/null && getent group ja4-socket >/dev/null; then
  usermod -a -G ja4-socket www-data
fi
echo "map-httpd-layout: mod_reqin_log enabled for apache2 ($moddir, $snippet, www-data in ja4-socket)"
