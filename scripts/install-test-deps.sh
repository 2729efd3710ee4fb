#!/usr/bin/env bash
# What the test suite needs beyond Python packages: Debian's headless Chromium for the browser
# test of the page (tests/test_serve_browser.py) and a CJK font so that the page shows Chinese.
# Idempotent: installs only what is missing; needs root (as on CI) when something is.
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
dpkg-query -W -f='${Status}' fonts-noto-cjk 2>/dev/null | grep -q "install ok installed" || missing+=(fonts-noto-cjk)
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
echo "installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=600 update -q
apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${missing[@]}"
