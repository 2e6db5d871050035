#!/usr/bin/env bash
# Install the Debian packages egov needs when they are missing, saying why for each.
#   chromium            — the real browser the end-to-end tests drive (Playwright)
#   gettext             — msgfmt, compiles the Vietnamese/English translation catalogues
#   fonts-noto-core     — fonts covering every Vietnamese diacritic for PDFs (WeasyPrint)
#   tesseract-ocr-vie   — Vietnamese OCR model; ghostscript, poppler-utils — PDF/A output, previews
#   softhsm2            — a software PKCS#11 token standing in for a USB signing token in tests
#   wrk, postgresql-client — HTTP load generator and pgbench, for `make bench` only
# Usage: scripts/ensure-system-packages.sh PACKAGE...
set -euo pipefail
missing=()
for package in "$@"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "egov: installing missing system packages: ${missing[*]}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
