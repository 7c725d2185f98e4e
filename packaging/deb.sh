#!/usr/bin/env bash
# Builds the Debian packages into OUTDIR:
#   syscall-counter-agent  the agent and its unit; library dependencies from dpkg-shlibdeps
#   syscall-counter        the CLI and the control plane (which the CLI embeds) with their unit;
#                          Node.js >= 20 from the system (nodejs), its native addons built here
# Installing does not build: run `make` (or `npm run bootstrap`) first.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-dist/deb}
version=$(node -p "require('./package.json').version")
arch=$(dpkg --print-architecture)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"

control() { # package-root package depends description
  mkdir -p "$1/DEBIAN"
  cat >"$1/DEBIAN/control" <<CONTROL
Package: $2
Version: $version
Architecture: $arch
Maintainer: syscall-counter developers <syscall-counter@localhost>
Section: admin
Priority: optional
Installed-Size: $(du -sk "$1" | cut -f1)
Depends: $3
Description: $4
CONTROL
}

# The agent's shared-library dependencies, as dpkg-shlibdeps computes them for any package.
agent_depends() {
  mkdir -p "$work/shlibs/debian"
  printf 'Source: syscall-counter\n\nPackage: syscall-counter-agent\nArchitecture: any\n' \
    >"$work/shlibs/debian/control"
  (cd "$work/shlibs" && dpkg-shlibdeps -O "$OLDPWD/agent/syscall-counter-agent" 2>/dev/null) |
    sed -n 's/^shlibs:Depends=//p'
}

agent=$work/agent
make --no-print-directory install-agent DESTDIR="$agent" PREFIX=/usr SYSTEMDDIR=/lib/systemd/system >/dev/null
control "$agent" syscall-counter-agent "$(agent_depends)" \
  "fleet-wide system-call counter: the eBPF agent
 Counts every system call in the kernel, exactly, and streams the counts to a control plane."

node=$work/node
make --no-print-directory install-node DESTDIR="$node" PREFIX=/usr SYSTEMDDIR=/lib/systemd/system >/dev/null
control "$node" syscall-counter "nodejs (>= 20)" \
  "fleet-wide system-call counter: CLI and control plane
 The syscall-counter command (top, series, diff, latency, errors, export) and the control plane
 that stores agents' counts."
echo "Recommends: syscall-counter-agent" >>"$node/DEBIAN/control"

for pkg in agent node; do
  dpkg-deb --root-owner-group -Zgzip -z6 --build "$work/$pkg" "$out" >/dev/null
done
ls "$out"/syscall-counter*_"$version"_"$arch".deb
