#!/usr/bin/env bash
# Makes the base images the Dockerfiles start FROM on a host that cannot reach a container
# registry, from Debian's mirror and this host's Node, and caches them in podman's image store:
#
#   debian:bookworm-slim          debootstrap --variant=minbase bookworm, imported
#   node:<node>-bookworm-slim     that plus this host's node, headers and npm (node.Containerfile)
#   httpd:<apache2>-bookworm      that plus Debian's apache2 laid out as the official image
#                                 (httpd.Containerfile); <apache2> is the version installed
#
# Each image carries the label org.ja4-platform.base-key: a hash of what made it (this script,
# the Containerfiles and their files, the suite and mirror, node's and npm's versions). A run
# whose key matches the stored images does nothing, so CI pays the 2-3 minutes once per change
# of inputs; --force makes them again (e.g. to take a Debian point release). Prints the tags as
# KEY=VALUE lines on stdout (DEBIAN_IMAGE, NODE_IMAGE, HTTPD_IMAGE, BASE_KEY) and keeps them in
# $cache/bases-<key>.env; progress goes to stderr.
#
#   sudo bash docker/base/make-base-images.sh [--force]
# Env: JA4_DEBIAN_MIRROR (default http://deb.debian.org/debian), JA4_DEBIAN_SECURITY_MIRROR
# (default http://deb.debian.org/debian-security), JA4_BASE_CACHE (default
# /var/cache/ja4-deploy: debootstrap's .deb cache and the tag files), PODMAN (default podman).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
suite=bookworm
mirror=${JA4_DEBIAN_MIRROR:-http://deb.debian.org/debian}
security=${JA4_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
cache=${JA4_BASE_CACHE:-/var/cache/ja4-deploy}
podman=${PODMAN:-podman}
force=${1:-}
label=org.ja4-platform.base-key
say() { printf 'make-base-images: %s\n' "$*" >&2; }

for tool in "$podman" debootstrap node npm; do
  command -v "$tool" >/dev/null || { say "$tool not found: run scripts/setup-system.sh"; exit 1; }
done
[ "$(id -u)" -eq 0 ] || { say 'run as root (debootstrap and podman import)'; exit 1; }

node_bin=$(command -v node)
node_version=$(node -p 'process.versions.node')
npm_dir=$(cd "$(dirname "$(readlink -f "$(command -v npm)")")/.." && pwd)
npm_version=$(npm --version)
node_include=$(cd "$(dirname "$(readlink -f "$node_bin")")/../include/node" 2>/dev/null && pwd || true)
[ -f "$node_include/node_api.h" ] || { say "no Node headers beside $node_bin (include/node)"; exit 1; }

key=$(
  {
    cat "$0" "$here"/*.Containerfile "$here/httpd.conf" "$here/httpd.sh" "$here/httpd-foreground"
    printf '%s\n' "$suite" "$mirror" "$security" "$node_version" "$npm_version"
  } | sha256sum | cut -c1-16
)
debian_tag=debian:$suite-slim
node_tag=node:$node_version-$suite-slim
httpd_build=localhost/ja4-base-httpd:$key
tags=$cache/bases-$key.env

has_key() { [ "$("$podman" image inspect --format "{{index .Labels \"$label\"}}" "$1" 2>/dev/null)" = "$key" ]; }

if [ "$force" != --force ] && [ -f "$tags" ]; then
  httpd_tag=$(sed -n 's/^HTTPD_IMAGE=//p' "$tags")
  if has_key "$debian_tag" && has_key "$node_tag" && has_key "$httpd_tag"; then
    say "cached (key $key): $debian_tag, $node_tag, $httpd_tag"
    cat "$tags"
    exit 0
  fi
fi

work=$(mktemp -d /var/tmp/ja4-base.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$cache/debs"
started=$(date +%s)

say "debootstrap $suite (minbase) from $mirror"
debootstrap --variant=minbase --cache-dir="$cache/debs" "$suite" "$work/rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 || {
  tail -n 20 "$work/debootstrap.log" >&2
  exit 1
}
# As the official slim image: the suite, its updates and security updates in sources.list, no
# package lists or caches inside.
printf 'deb %s %s main\ndeb %s %s-updates main\ndeb %s %s-security main\n' \
  "$mirror" "$suite" "$mirror" "$suite" "$security" "$suite" >"$work/rootfs/etc/apt/sources.list"
rm -rf "$work/rootfs"/var/lib/apt/lists/* "$work/rootfs"/var/cache/apt/archives/*.deb "$work/rootfs"/var/log/*.log
tar -C "$work/rootfs" -c . | "$podman" import \
  --change "LABEL $label=$key" --change 'CMD ["bash"]' \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  - "$debian_tag" >/dev/null
say "$debian_tag imported ($(($(date +%s) - started)) s)"

mkdir -p "$work/node/usr/local/bin" "$work/node/usr/local/lib/node_modules" "$work/node/usr/local/include"
cp -a "$(readlink -f "$node_bin")" "$work/node/usr/local/bin/node"
cp -a "$npm_dir" "$work/node/usr/local/lib/node_modules/npm"
cp -a "$node_include" "$work/node/usr/local/include/node"
"$podman" build -q --label "$label=$key" --build-arg "DEBIAN_IMAGE=$debian_tag" \
  -f "$here/node.Containerfile" -t "$node_tag" "$work/node" >/dev/null
say "$node_tag built (node $node_version, npm $npm_version; $(($(date +%s) - started)) s)"

"$podman" build -q --label "$label=$key" --build-arg "DEBIAN_IMAGE=$debian_tag" \
  -f "$here/httpd.Containerfile" -t "$httpd_build" "$here" >/dev/null
# Tagged with the apache2 release it holds, as the official image's tag names httpd's.
apache_version=$("$podman" run --rm "$httpd_build" dpkg-query -W -f '${Version}' apache2)
httpd_tag=httpd:${apache_version%%-*}-$suite
"$podman" tag "$httpd_build" "$httpd_tag"
"$podman" rmi "$httpd_build" >/dev/null
say "$httpd_tag built (apache2 $apache_version; $(($(date +%s) - started)) s)"
printf 'DEBIAN_IMAGE=%s\nNODE_IMAGE=%s\nHTTPD_IMAGE=%s\nBASE_KEY=%s\n' "$debian_tag" "$node_tag" "$httpd_tag" "$key" | tee "$tags"
