#!/bin/sh
# The conformance tests drive the local cloud with a real non-JavaScript client: Debian's AWS CLI
# (2.9.x, whose bundled botocore still speaks SQS's query protocol). Installs it when it is
# missing and this user may install packages.
set -e
AWS_CLI="${WORKSHOP_AWS_CLI:-/usr/bin/aws}"
if [ -x "$AWS_CLI" ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing the AWS CLI for the conformance tests (apt-get install awscli)…"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq awscli >/dev/null
  exit 0
fi
echo "The conformance tests need the AWS CLI at $AWS_CLI. Install it (Debian/Ubuntu: sudo apt-get install awscli)," >&2
echo "or point WORKSHOP_AWS_CLI at an aws executable." >&2
exit 1
