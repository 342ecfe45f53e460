#!/usr/bin/env bash
# Makes sure Debian's Chromium is there for the browser tests (Playwright cannot download a browser here).
# As root it installs the apt package when missing; otherwise it prints the exact command and fails.
set -uo pipefail
CHROMIUM_PATH=${CHROMIUM_PATH:-/usr/bin/chromium}
if [ -x "$CHROMIUM_PATH" ]; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "Chromium is missing at $CHROMIUM_PATH. Install it with: sudo apt-get install -y chromium" >&2
  exit 1
fi
echo "Installing Debian's chromium for the browser tests..."
export DEBIAN_FRONTEND=noninteractive
# apt-get update fails at once while another apt holds the lists lock: retry it.
for attempt in 1 2 3 4 5 6; do
  apt-get update -qq && break
  echo "apt-get update failed (attempt $attempt), retrying in 10 s" >&2
  sleep 10
done
apt-get -o DPkg::Lock::Timeout=600 install -y -qq chromium >/dev/null || { echo "apt-get install chromium failed" >&2; exit 1; }
[ -x "$CHROMIUM_PATH" ] || { echo "chromium installed but $CHROMIUM_PATH is missing" >&2; exit 1; }
"$CHROMIUM_PATH" --version 2>/dev/null | head -n 1
