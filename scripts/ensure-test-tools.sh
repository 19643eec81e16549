#!/bin/sh
# The tests drive two real programs that test tools cannot download here: Debian's Chromium (the
# browser tests, through playwright-core) and Debian's AWS CLI 2.9 (the conformance tests: a
# non-JavaScript client whose botocore still speaks SQS's query protocol). Installs what is
# missing when this user may install packages; otherwise says what to install.
set -e
missing=""
why=""
need() { # need <path> <debian package> <variable that points elsewhere> <what it is for>
  if [ ! -x "$1" ]; then
    missing="$missing $2"
    why="$why  the $4 need $1, or $3 pointing at another copy
"
  fi
}
need "${WORKSHOP_CHROMIUM:-/usr/bin/chromium}" chromium WORKSHOP_CHROMIUM "browser tests"
need "${WORKSHOP_AWS_CLI:-/usr/bin/aws}" awscli WORKSHOP_AWS_CLI "conformance tests"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing$missing for the tests (apt-get)…" >&2
  apt-get update -qq >/dev/null
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
  exit 0
fi
printf 'Missing for the tests:\n%sInstall them (Debian/Ubuntu: sudo apt-get install%s) and run the tests again.\n' "$why" "$missing" >&2
exit 1
