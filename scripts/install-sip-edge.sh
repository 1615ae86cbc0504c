#!/usr/bin/env bash
# Install what the local SIP edge and its tests run: Kamailio with its SQLite and TLS modules,
# sipp (Debian's sip-tester) and stunnel; and redis-server, which the LiveKit tests' real
# livekit-server needs for its SIP API and the shared rate budget's tests
# (exotel:rateLimitStore=redis://...) start on loopback. Idempotent: a no-op when all are
# installed.
#
# Debian starts a packaged daemon on install; a system Kamailio would listen on 5060 on every
# interface, a system Redis on 6379. A policy-rc.d that exits 101 forbids that during the
# install (and is removed afterwards if this script created it); the services are then
# disabled, because the tests run their own Kamailio and Redis on loopback.
set -euo pipefail

packages=(kamailio kamailio-sqlite-modules kamailio-tls-modules sip-tester stunnel4 redis-server)

missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done
if [ ${#missing[@]} -eq 0 ]; then
    echo "install-sip-edge: already installed: ${packages[*]}"
    exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
    sudo=(sudo)
fi

guard=/usr/sbin/policy-rc.d
if [ ! -e "$guard" ]; then
    printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$guard" >/dev/null
    "${sudo[@]}" chmod 755 "$guard"
    trap '"${sudo[@]}" rm -f "$guard"' EXIT
fi

echo "install-sip-edge: installing ${missing[*]}"
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "${missing[@]}"

for service in kamailio redis-server; do
    if [ -d /run/systemd/system ] && systemctl list-unit-files "$service.service" >/dev/null 2>&1; then
        "${sudo[@]}" systemctl disable --now "$service.service" >/dev/null 2>&1 || true
    fi
done
echo "install-sip-edge: done ($(kamailio -v 2>/dev/null | head -n 1 || echo 'kamailio ?'))"
