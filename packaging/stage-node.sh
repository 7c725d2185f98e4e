#!/usr/bin/env bash
# Lays out the CLI and the control plane with their production dependencies in DEST
# (e.g. $DESTDIR$PREFIX/lib/syscall-counter): the built dist/ of each workspace package and the
# production packages of node_modules (no network: copied from this checkout).
# The native addons (better-sqlite3, resvg) are the ones built here, for this Node major.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=${1:?usage: stage-node.sh DEST}
packages=(apps/cli apps/control-plane libs/syscall-table proto)

for p in "${packages[@]}"; do
  [ -f "$p/dist/main.js" ] || [ -f "$p/dist/index.js" ] || {
    echo "stage-node: $p is not built: run 'npm run bootstrap' first" >&2
    exit 1
  }
done
# Replace only an earlier staging of ours, never another directory given by mistake.
if [ -e "$dest" ] && ! grep -qs '"name": "syscall-counter"' "$dest/package.json"; then
  echo "stage-node: $dest exists and is not a syscall-counter installation: not replacing it" >&2
  exit 1
fi
rm -rf "$dest"
mkdir -p "$dest"
cp package.json package-lock.json "$dest/"
for p in "${packages[@]}"; do
  mkdir -p "$dest/$p"
  cp "$p/package.json" "$dest/$p/"
  cp -r "$p/dist" "$dest/$p/"
  find "$dest/$p/dist" \( -name '*.map' -o -name '*.d.ts' -o -name '*.spec.js' \) -delete
done
# The packages the apps need at run time (dependencies, not devDependencies), as npm resolves
# them; nested node_modules come along with their parent. Workspace links stay links.
{ npm ls --omit=dev --all --parseable 2>/dev/null || true; } | sed -n "s#^$PWD/##p" |
  grep '^node_modules/' | grep -v '^node_modules/.*/node_modules/' | sort -u |
  while read -r dir; do
    mkdir -p "$dest/$(dirname "$dir")"
    cp -a "$dir" "$dest/$dir"
  done
# The control plane loads the wire contract at run time.
mkdir -p "$dest/proto"
cp -r proto/syscall_counter "$dest/proto/"
# Sources and objects of the native builds are not needed to run them.
rm -rf "$dest/node_modules/better-sqlite3/"{deps,src,build/Release/obj,build/Release/obj.target,build/Release/.deps}
rm -f "$dest/node_modules/better-sqlite3/build/Release/"{sqlite3.a,test_extension.node}
chmod +x "$dest/apps/cli/dist/main.js"
