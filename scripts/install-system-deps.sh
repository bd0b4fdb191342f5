#!/usr/bin/env bash
# Install the Debian packages DBMIS's tests use, only those missing. Needs root (or sudo).
set -euo pipefail
packages=(chromium fonts-noto-core poppler-utils)
# the stocktake pack: WeasyPrint lays out its PDF with Pango
packages+=(libpango-1.0-0 libpangoft2-1.0-0)
# files saved by LibreOffice are read like Excel's: the tests save templates with it
packages+=(libreoffice-calc-nogui)
# `dbmis backup` on PostgreSQL: pg_dump and pg_restore
packages+=(postgresql-client)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [[ ${#missing[@]} -eq 0 ]]; then echo "system packages: all present"; exit 0; fi
echo "system packages: installing ${missing[*]}"
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "system packages: done"
