#!/usr/bin/env bash
# Installs the peers the probe-cost benchmark compares against, idempotently:
# libbpf-tools (syscount), bpftrace, bcc's syscount (bpfcc-tools), strace; mounts tracefs
# (tracepoint tools need it); and
# unpacks Debian's linux-headers into one tree bcc can compile against, since the
# running kernel ships no headers. Prints the BCC_KERNEL_SOURCE to use.
set -euo pipefail
log() { printf 'peers-setup: %s\n' "$*" >&2; }

missing=()
for pkg in libbpf-tools bpftrace bpfcc-tools strace; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if ((${#missing[@]})); then
  log "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

mountpoint -q /sys/kernel/tracing || mount -t tracefs nodev /sys/kernel/tracing

if [[ -e /lib/modules/$(uname -r)/build/include/linux/kconfig.h ]]; then
  echo "/lib/modules/$(uname -r)/build"
  exit 0
fi
cache=${XDG_CACHE_HOME:-$HOME/.cache}/syscall-counter/bcc-headers
if [[ ! -e $cache/include/linux/kconfig.h ]]; then
  # The newest amd64 headers Debian has; bcc's syscount only needs generic definitions.
  flavour=$(apt-cache search --names-only '^linux-headers-[0-9]+\.[0-9]+\.[0-9]+-[0-9]+-amd64$' | awk '{print $1}' | sort -V | tail -1)
  version=${flavour#linux-headers-}
  version=${version%-amd64}
  log "unpacking $flavour for bcc into $cache"
  tmp=$(mktemp -d)
  (cd "$tmp" && apt-get download -qq "$flavour" "linux-headers-$version-common" 2>/dev/null && for f in *.deb; do dpkg -x "$f" root; done)
  rm -rf "$cache" && mkdir -p "$cache"
  cp -a "$tmp/root/usr/src/linux-headers-$version-common/." "$cache/"
  cp -a "$tmp/root/usr/src/$flavour/." "$cache/" 2>/dev/null || true
  rm -f "$cache/scripts" && cp -a "$tmp/root/usr/src/linux-headers-$version-common/scripts" "$cache/scripts"
  rm -rf "$tmp"
fi
echo "$cache"
