#!/usr/bin/env bash
#
# The Azure VPN Gateway point-to-site scenario, end to end, in one command: the appliance configured from this
# example's etc/, a network namespace standing for the GatewaySubnet 10.1.255.0/27, the gateway's RADIUS requests
# (radclient, eapol_test) sent from inside it, and the Entra ID emulator approving, denying or ignoring pushes.
# Prints one line per scenario: the answer, how many pushes the MFA endpoint received, PASS or FAIL.
#
#   examples/azure-p2s/demo.sh [--loopback] [extra Maven arguments, e.g. -Dmaven.repo.local=...]
#
# Runs itests' P2sScenarioIT (about 4 minutes, half of them starting a Samba AD DC). As root it uses network
# namespaces and veth pairs, removed afterwards; without the privilege (or with --loopback) it says so, uses
# loopback addresses instead and skips the Active Directory scenario. Needs radclient (freeradius-utils), eapol_test
# (eapoltest), openssl, ip (iproute2) for the namespaces, and Samba (samba, winbind) for the AD DC. Builds the
# project first if needed.
#
set -euo pipefail
cd "$(dirname "$0")/../.."

args=()
for arg in "$@"; do
    if [[ $arg == --loopback ]]; then
        args+=(-Dp2s.network=loopback)
    else
        args+=("$arg")
    fi
done

for cmd in radclient eapol_test; do
    command -v "$cmd" >/dev/null 2>&1 || { echo "$cmd not found: apt-get install freeradius-utils eapoltest" >&2; exit 2; }
done
if [[ ! -x karaf-assembly/target/assembly/bin/start ]] || ! compgen -G "bundles/mfa-entra/target/*-tests.jar" >/dev/null; then
    echo "Building the appliance (mvn install -DskipTests) ..."
    mvn -B -q install -DskipTests "${args[@]}"
fi

report=itests/target/itest/p2s-scenarios.txt
log=itests/target/p2s-demo-maven.log
mkdir -p itests/target
rm -f "$report"
echo "Running the P2S scenarios (itests P2sScenarioIT; Maven output in $log) ..."
status=0
mvn -B install -pl itests -Dit.test=P2sScenarioIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
    "${args[@]}" >"$log" 2>&1 || status=$?
if [[ -f $report ]]; then
    cat "$report"
else
    echo "no scenario report: see $log" >&2
fi
if [[ $status -eq 0 ]]; then
    echo "ALL SCENARIOS PASSED (appliance log: itests/target/itest/P2sScenarioIT-karaf.log)"
else
    grep -E '^\[ERROR\] +(P2sScenarioIT|Tests run)' "$log" >&2 || tail -30 "$log" >&2
    echo "FAILED: see $log and itests/target/failsafe-reports/" >&2
fi
exit $status
