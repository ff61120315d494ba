#!/usr/bin/env bash
# Plays a Kinema stream URL in headless Chromium (Debian's `chromium` package) and prints what
# the page saw: duration, currentTime after a seek to the middle, errors. A manual check.
# Usage: tools/browser-check/run.sh '<stream URL with ?grant=...>'   (npm start prints one)
set -euo pipefail
url="${1:?usage: run.sh <stream url>}"
here="$(cd "$(dirname "$0")" && pwd)"
browser="$(command -v chromium || command -v chromium-browser || true)"
if [[ -z "$browser" ]]; then
  echo "chromium not found: apt-get install -y chromium" >&2
  exit 2
fi
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
encoded="$(node -e 'process.stdout.write(encodeURIComponent(process.argv[1]))' "$url")"
"$browser" --headless --no-sandbox --disable-gpu --disable-background-networking \
  --disable-component-update --disable-sync --no-first-run --user-data-dir="$profile" \
  --autoplay-policy=no-user-gesture-required --dump-dom --virtual-time-budget=15000 \
  "file://$here/player.html?src=$encoded" 2>/dev/null |
  sed -n 's:.*<pre id="outcome">\(.*\)</pre>.*:\1:p' | sed 's/&quot;/"/g'
