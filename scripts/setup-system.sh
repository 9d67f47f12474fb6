#!/usr/bin/env bash
# Installs the system packages ja4-platform needs to build, run and test, idempotently.
# Debian/Ubuntu (apt) is what CI runs; RHEL-family hosts (dnf) get the equivalent list.
# Run as root (or with sudo). Safe to run again: already-installed packages are skipped.
set -euo pipefail

# Debian package -> why
DEBIAN_PACKAGES=(
  ca-certificates   # TLS to the registries
  curl              # tests drive a real curl TLS client
  openssl           # self-signed certificates in tests; openssl s_client as a TLS client
  libpcap-dev       # the sentinel's capture (npm package cap builds against it)
  libcap2-bin       # setcap/getpcaps for capture rights
  apache2           # the real httpd the module and e2e tests run
  apache2-dev       # apxs, to build mod_reqin_log
  gcc               # apxs compiles with it; its libasan runs the module's ASan test
  make              # appliance/mod_reqin_log/Makefile (npm run build:module)
  libc6-dev         # C headers for the module
  rpm               # rpmbuild for `npm run rpm`
  chromium          # real-browser dashboard tests (driven by playwright-core)
  tshark            # only to cross-check captures in tests, never at run time
  wrk               # module overhead benchmark
  valgrind          # callgrind instruction counts in the module benchmark
  hyperfine         # command benchmarks
  python3-sklearn   # side-by-side Isolation Forest benchmark only
  iproute2          # ip/ss in tests
  systemd           # systemd-analyze verify on the RPM units
  # The deployment suite (npm run test:deploy): images built and run with podman, RPMs booted.
  podman            # builds docker/*.Dockerfile and runs the Pulumi components' container specs
  runc              # podman's OCI runtime here (crun refuses some hosts' cgroup layout)
  catatonit         # podman's --init (the components ask for init: true)
  uidmap            # newuidmap/newgidmap for podman
  slirp4netns       # podman's user-mode networking, when a container asks for it
  netavark          # podman's bridge networks (the components' appliance network)
  aardvark-dns      # name resolution on those networks (network aliases)
  iptables          # published ports
  debootstrap       # the local base images and the RPM boot root, from Debian's mirror
  systemd-container # systemd-nspawn boots that root with systemd as PID 1
)

# The RHEL/Fedora equivalents (dnf; EPEL for some), documented for operators.
RHEL_PACKAGES=(ca-certificates curl openssl libpcap-devel libcap httpd httpd-devel mod_ssl rpm-build gcc make libasan
  chromium wireshark-cli wrk valgrind hyperfine python3-scikit-learn iproute systemd
  podman runc catatonit shadow-utils slirp4netns netavark aardvark-dns iptables debootstrap systemd-container)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

if command -v apt-get >/dev/null 2>&1; then
  missing=()
  for p in "${DEBIAN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "setup-system: installing ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup-system: all ${#DEBIAN_PACKAGES[@]} packages present"
  fi
  # tshark asks whether non-root users may capture; the answer does not matter for root CI.
elif command -v dnf >/dev/null 2>&1; then
  echo "setup-system: installing ${RHEL_PACKAGES[*]} (enable EPEL for wrk, hyperfine, chromium)"
  $SUDO dnf install -y "${RHEL_PACKAGES[@]}"
else
  echo "setup-system: no apt-get or dnf found; install by hand: ${DEBIAN_PACKAGES[*]}" >&2
  exit 1
fi

# podman as root: runc as the runtime and no default ulimits (podman's default nofile limit can
# exceed what a container host grants, and every start then fails). A drop-in under
# containers.conf.d overrides only these two keys and leaves an operator's containers.conf
# alone; it is rewritten only when its content differs.
PODMAN_DROPIN=/etc/containers/containers.conf.d/50-ja4-deploy.conf
PODMAN_CONF='# ja4-platform (scripts/setup-system.sh): podman settings the deployment suite needs.
[containers]
default_ulimits = []

[engine]
runtime = "runc"'
if command -v podman >/dev/null 2>&1; then
  if [ "$(cat "$PODMAN_DROPIN" 2>/dev/null)" != "$PODMAN_CONF" ]; then
    $SUDO mkdir -p "$(dirname "$PODMAN_DROPIN")"
    printf '%s\n' "$PODMAN_CONF" | $SUDO tee "$PODMAN_DROPIN" >/dev/null
    echo "setup-system: wrote $PODMAN_DROPIN (runtime runc, default_ulimits = [])"
  fi
fi
