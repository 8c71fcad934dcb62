#!/usr/bin/env bash
# Install the browser the JupyterLab browser test drives (tests/test_browser.py):
# Debian's `chromium` package at /usr/bin/chromium. Playwright's own browser
# download is not used. Idempotent, quiet and non-interactive, so it runs from
# CI as root with no standard input. Prints the browser's path on success;
# exits non-zero with a clear message if Chromium cannot be installed.
#   scripts/install_browser.sh
set -euo pipefail
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then
    echo "$CHROMIUM"
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "install_browser.sh: $CHROMIUM is missing and apt-get is not available;" \
         "install Chromium yourself (or set CHROMIUM=/path/to/chromium)" >&2
    exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        SUDO="sudo -n"
    else
        echo "install_browser.sh: $CHROMIUM is missing and installing it needs root" \
             "(run: sudo apt-get install -y chromium)" >&2
        exit 1
    fi
fi
export DEBIAN_FRONTEND=noninteractive
apt_install() {
    $SUDO apt-get install -y -qq --no-install-recommends chromium </dev/null >/tmp/install_browser.$$.log 2>&1
}
# Try without `apt-get update` first (fast when the package lists are fresh);
# refresh the lists only if that fails.
if ! apt_install; then
    $SUDO apt-get update -qq </dev/null >>/tmp/install_browser.$$.log 2>&1 || true
    if ! apt_install; then
        echo "install_browser.sh: 'apt-get install chromium' failed; last lines of the log:" >&2
        tail -n 20 /tmp/install_browser.$$.log >&2
        rm -f /tmp/install_browser.$$.log
        exit 1
    fi
fi
rm -f /tmp/install_browser.$$.log
if [ ! -x "$CHROMIUM" ]; then
    echo "install_browser.sh: chromium was installed but $CHROMIUM does not exist" >&2
    exit 1
fi
echo "$CHROMIUM"
