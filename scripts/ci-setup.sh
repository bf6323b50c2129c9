#!/usr/bin/env bash
# CI setup beyond `npm ci`: the headless Chromium that test/reports/report-html-browser.test.ts drives
# through playwright-core (Debian's package: playwright cannot download its own browsers offline).
# Idempotent: does nothing when /usr/bin/chromium is already there. Needs root (or sudo) for apt-get.
set -euo pipefail
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

if [ -x /usr/bin/chromium ]; then
  echo "ci-setup: chromium present ($(/usr/bin/chromium --version 2>/dev/null || echo 'version unknown'))"
  exit 0
fi

as_root=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    as_root=(sudo -n)
  else
    echo "ci-setup: /usr/bin/chromium is missing and this is not root (no sudo): install the Debian package 'chromium'" >&2
    exit 1
  fi
fi

echo "ci-setup: installing chromium with apt-get"
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update
"${as_root[@]}" apt-get install -y --no-install-recommends chromium
/usr/bin/chromium --version
