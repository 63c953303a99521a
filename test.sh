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
# samba, samba-ad-dc, samba-ad-provision, winbind: ActiveDirectoryIT (and P2sScenarioIT's AD user) provisions and runs
# a Samba AD DC in a network namespace and checks MS-CHAPv2 and password changes through winbind with ntlm_auth;
# Samba's python3 also answers eapol_test's control interface (a UNIX datagram socket) there.
# freeradius: the remote RADIUS servers requests are forwarded to (ProxyIT starts private copies on loopback).
# python3-prometheus-client: the Prometheus project's own text-format parsers check /metrics (OperationsIT).
# openssl: EapTlsIT and P2sScenarioIT make their CA and client certificates with it.
# rsyslog, rsyslog-gnutls: the SIEM that SyslogAuditIT sends the audit to, over TLS (its gtls driver) and TCP.
# binutils: ar, with which DebianPackageIT repackages the built .deb as an older version to upgrade from.
DEBIAN_PACKAGES=(freeradius-utils eapoltest openssl postgresql iproute2 chromium chromium-driver
                 samba samba-ad-dc samba-ad-provision winbind freeradius python3-prometheus-client
                 rsyslog rsyslog-gnutls binutils)
COMMANDS=(radtest radclient eapol_test openssl ip chromium chromedriver samba samba-tool ntlm_auth wbinfo freeradius
          rsyslogd ar)

missing=()
for cmd in "${COMMANDS[@]}"; do
    command -v "$cmd" >/dev/null 2>&1 || missing+=("$cmd")
done
# The PostgreSQL tests start their own private server from these binaries; nothing needs to run beforehand.
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=("initdb (PostgreSQL)")
/usr/bin/python3 -c 'import prometheus_client' 2>/dev/null || missing+=("python3-prometheus-client")
compgen -G "/usr/lib/*/rsyslog/lmnsd_gtls.so" >/dev/null || missing+=("rsyslog-gnutls")
if (( ${#missing[@]} > 0 )); then
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
        echo "Installing ${DEBIAN_PACKAGES[*]} (for ${missing[*]}) ..."
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${DEBIAN_PACKAGES[@]}" >/dev/null
        # The winbind package starts the host's own winbindd where systemd runs; the test DC brings its own, which
        # must answer on the same socket (/run/samba/winbindd). This machine was not joined to a domain: stop it.
        if [[ -d /run/systemd/system ]] && systemctl is-active --quiet winbind 2>/dev/null; then
            systemctl disable --now winbind >/dev/null 2>&1 || true
        fi
        # The freeradius package starts a system FreeRADIUS on 1812/1813 where systemd runs: the tests start their own.
        if command -v systemctl >/dev/null 2>&1 && systemctl is-active -q freeradius 2>/dev/null; then
            systemctl stop freeradius || true
        fi
    else
        echo "warning: ${missing[*]} missing; install ${DEBIAN_PACKAGES[*]} (as root ./test.sh does it); the black-box test will fail" >&2
    fi
fi

exec mvn -B install "$@"
