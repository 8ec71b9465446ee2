#!/usr/bin/env bash
# Build the desk's browser libraries: Chart.js, pinned in desk/frontend/package-lock.json, is
# installed with npm (no package scripts run) and its UMD build copied to
# desk/web/static/vendor/chart.umd.js, which the desk serves itself: no CDN, so the charts
# work offline and under a strict Content-Security-Policy. Both node_modules and the copy
# are build output, not sources.
#
# Does nothing when the copy is newer than package-lock.json (so npm is only needed after
# the lock changes); fails with instructions when npm is missing.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
frontend="$root/desk/frontend"
lock="$frontend/package-lock.json"
target="$root/desk/web/static/vendor/chart.umd.js"

if [ -f "$target" ] && [ "$target" -nt "$lock" ]; then
  exit 0
fi

if ! command -v npm >/dev/null 2>&1; then
  cat >&2 <<'MSG'
npm is missing: the desk's charts need Chart.js, which is installed with npm (Node.js 18 or newer).
Install it, e.g.:  sudo apt-get install nodejs npm   (or see https://nodejs.org/en/download)
then run scripts/build_desk_assets.sh again.
MSG
  exit 1
fi

(cd "$frontend" && npm ci --ignore-scripts --no-audit --no-fund)

dist="$frontend/node_modules/chart.js/dist"
source=""
for name in chart.umd.js chart.umd.min.js; do  # 4.x ships the UMD build under one of these
  if [ -f "$dist/$name" ]; then
    source="$dist/$name"
    break
  fi
done
if [ -z "$source" ]; then
  echo "No UMD build of Chart.js in $dist (did the package change its layout?)" >&2
  exit 1
fi

mkdir -p "$(dirname "$target")"
# Copied under another name first, so a server never reads half a file.
cp "$source" "$target.partial"
mv -f "$target.partial" "$target"
version="$(node -p "require('$dist/../package.json').version" 2>/dev/null || echo '?')"
echo "Chart.js $version copied to ${target#"$root"/}"
