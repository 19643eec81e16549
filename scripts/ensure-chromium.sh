#!/bin/sh
# The browser tests drive Debian's Chromium through playwright-core (test tools cannot download
# their own browser here). Installs it when it is missing and this user may install packages.
set -e
CHROMIUM="${WORKSHOP_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Chromium for the browser tests (apt-get install chromium)…"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "The browser tests need Chromium at $CHROMIUM. Install it (Debian/Ubuntu: sudo apt-get install chromium)," >&2
echo "or point WORKSHOP_CHROMIUM at a Chromium binary." >&2
exit 1
