#!/usr/bin/env bash
# Starts the built server with the built dashboard and opens it in a browser when
# this machine has a display. Extra arguments go to pulse-server (see server/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

listen="${PULSE_LISTEN:-127.0.0.1:8080}"
url="http://$listen/"
say "starting pulse-server; the dashboard will be at $url (Ctrl-C stops it)"
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && command -v xdg-open >/dev/null; then
  (sleep 1 && xdg-open "$url" >/dev/null 2>&1 || true) &
fi
exec target/release/pulse-server --listen "$listen" --dist dist "$@"
