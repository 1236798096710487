#!/bin/sh
# Installs what Svar needs from Debian (when root), or prints the one
# apt-get line to run. Then the browser-test packages from npm.
set -eu
cd "$(dirname "$0")/.."

PKGS="kore check pkg-config libsubunit-dev libpq-dev libssl-dev
postgresql-15 postgresql-contrib libcurl4-openssl-dev libargon2-dev libqrencode-dev
zlib1g-dev oathtool python3 python3-aiosmtpd libhpdf-dev fonts-dejavu-core poppler-utils
zbar-tools openssl
curl wrk valgrind clang chromium nodejs npm ca-certificates nginx-light haproxy strace
libreadstat-dev libxlsxwriter-dev pspp r-cran-haven r-cran-jsonlite python3-openpyxl"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
# A Node.js that did not come from Debian counts too.
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
	missing=$(echo "$missing" | sed 's/ nodejs//; s/ npm//')
fi

if [ -n "$(echo "$missing" | tr -d ' ')" ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "Svar needs these Debian packages; run as root:"
		echo "  apt-get update && apt-get install -y$missing"
		exit 1
	fi
	echo "==> installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq $missing >/dev/null
fi

# playwright-core and axe-core for the browser test, pinned by the lock file.
if [ ! -d tests/browser/node_modules/playwright-core ] ||
   [ ! -d tests/browser/node_modules/axe-core ]; then
	echo "==> npm install (tests/browser)"
	(cd tests/browser && npm ci --no-audit --no-fund --loglevel=error 2>/dev/null ||
	    npm install --no-audit --no-fund --loglevel=error)
fi
