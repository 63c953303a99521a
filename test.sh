#!/usr/bin/env bash
#
# The whole test suite: unit tests, Pax Exam integration tests (stock Karaf + feature:install) and the black-box
# test of the assembly with the Debian RADIUS clients (radtest, radclient, eapol_test).
#
#   ./test.sh [extra Maven arguments]
#
# Run as root, it first installs the Debian packages the black-box tests use.
#
set -euo pipefail
cd "$(dirname "$0")"

# chromium + chromium-driver: the web console page is tested in a real headless browser (WebConsoleIT).
# openssl: EapTlsIT makes its CA and client certificates with it.
DEBIAN_PACKAGES=(freeradius-utils eapoltest openssl postgresql iproute2 chromium chromium-driver)
COMMANDS=(radtest radclient eapol_test openssl ip chromium chromedriver)

missing=()
for cmd in "${COMMANDS[@]}"; do
    command -v "$cmd" >/dev/null 2>&1 || missing+=("$cmd")
done
# The PostgreSQL tests start their own private server from these binaries; nothing needs to run beforehand.
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=("initdb (PostgreSQL)")
if (( ${#missing[@]} > 0 )); then
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
        echo "Installing ${DEBIAN_PACKAGES[*]} (for ${missing[*]}) ..."
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${DEBIAN_PACKAGES[@]}" >/dev/null
    else
        echo "warning: ${missing[*]} missing; install ${DEBIAN_PACKAGES[*]} (as root ./test.sh does it); the black-box test will fail" >&2
    fi
fi

exec mvn -B install "$@"
