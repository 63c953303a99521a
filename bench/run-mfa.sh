#!/usr/bin/env bash
#
# bench/run-mfa.sh — MFA capacity: how many threads and how much heap the appliance needs with 10,000 logins
# waiting for an Entra push at once, and whether every one is answered correctly.
#
# In one run: starts the Entra emulator in a JVM of its own (EntraEmulatorMain from mfa-entra's test-jar: its threads
# and heap are not the appliance's), every push approved after BENCH_MFA_APPROVE_AFTER seconds; unpacks a private
# copy of the built appliance on free loopback ports, heap capped at BENCH_MFA_HEAP (256m), with radmfa-mfa-entra
# installed and configured against the emulator; then org.radmfa.bench.MfaCapacity sends one warm-up login and
# BENCH_MFA_LOGINS PAP logins (one user, each login from its own Calling-Station-Id, no retransmits), samples the
# appliance idle, while all are pending and after, and verifies every answer. Prints the figures and a RESULT line.
#
# The appliance is configured around its MFA guards for the run: the push-fatigue limit is off (mfaMaxPushes = 0;
# every login is the same user), one push per login still holds (each login has its own Calling-Station-Id), the
# MFA deadline is 60 s and the per-client rate limit is off (one gateway sends everything).
#
# Loopback only; every step is bounded in time (BENCH_DEADLINE, 600 s by default).
# Settings (environment):
#   BENCH_MFA_LOGINS (10000)        logins in flight at once       BENCH_MFA_APPROVE_AFTER (20) seconds to approval
#   BENCH_MFA_HEAP (256m)           the appliance's -Xmx            BENCH_MFA_POLL_MS (2000) connector poll interval
#   BENCH_MFA_SEND_RATE (2500)      logins sent per second          BENCH_MFA_SOCKETS (64) UDP sockets
#   BENCH_JFR (0)                   1: JFR recording of the appliance during the burst, summarised
#   BENCH_MFA_SAMPLE_AFTER (8)      seconds after the last login is sent when the pending sample is taken
#   BENCH_DIAG (0)                  1: thread dump and class histogram while pending (bench/target/mfa-diag/)
#   BENCH_KEEP (0)                  1: keep the work directory      BENCH_DEADLINE (600) seconds for the whole run
#   BENCH_M2 (~/.m2/repository)     the Maven repository the build installs into (the connector's bundles are
#                                   provisioned from it)
#   BENCH_CLUSTER (0)        1: the appliance runs as a member of a one-node radmfa-cluster (bench/lib.sh)
#   BENCH_ASSEMBLY                  the appliance to copy (default karaf-assembly/target/assembly)
#
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

LOGINS=${BENCH_MFA_LOGINS:-10000}
APPROVE_AFTER=${BENCH_MFA_APPROVE_AFTER:-20}
HEAP=${BENCH_MFA_HEAP:-256m}
POLL_MS=${BENCH_MFA_POLL_MS:-2000}
SEND_RATE=${BENCH_MFA_SEND_RATE:-2500}
SOCKETS=${BENCH_MFA_SOCKETS:-64}
JFR=${BENCH_JFR:-0}
DIAG=${BENCH_DIAG:-0}
KEEP=${BENCH_KEEP:-0}
M2=${BENCH_M2:-$HOME/.m2/repository}
DEADLINE=$((SECONDS + ${BENCH_DEADLINE:-600}))

SECRET="bench-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
BENCH_USER=mfa-bench
BENCH_PASSWORD="pw-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"

. "$ROOT/bench/lib.sh"

WORK=$(mktemp -d /tmp/radmfa-bench-mfa.XXXXXX)
chmod 755 "$WORK"
KARAF_HOME="$WORK/radmfa"
EMU_PID=""

cleanup() {
    if [[ -n "$EMU_PID" ]] && kill -0 "$EMU_PID" 2>/dev/null; then
        kill "$EMU_PID" 2>/dev/null || true
    fi
    stop_radmfa || true
    if [[ "$KEEP" == 1 ]]; then echo "bench: work directory kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

# ---------------------------------------------------------------------------------------------- prerequisites
command -v java >/dev/null || die "java (17+) is needed"
command -v jcmd >/dev/null || die "jcmd (the JDK's) is needed"
command -v ss >/dev/null || die "ss (iproute2) is needed"
ASSEMBLY="${BENCH_ASSEMBLY:-$ROOT/karaf-assembly/target/assembly}"
find_jars() {
    GEN_JAR=$(ls "$ROOT"/bench/target/radmfa-bench-*.jar 2>/dev/null | head -n 1 || true)
    EMU_JAR=$(ls "$ROOT"/bundles/mfa-entra/target/radmfa-mfa-entra-*-tests.jar 2>/dev/null | head -n 1 || true)
}
find_jars
VERSION=$(sed -n 's|^  <version>\(.*\)</version>|\1|p' "$ROOT/pom.xml" | head -n 1)
if [[ -z "$GEN_JAR" || -z "$EMU_JAR" || ! -x "$ASSEMBLY/bin/start" \
        || ! -f "$M2/org/radmfa/radmfa-mfa-entra/$VERSION/radmfa-mfa-entra-$VERSION.jar" ]]; then
    say "building (mvn -q install -DskipTests, repository $M2)"
    bounded 400 mvn -B -q -Dmaven.repo.local="$M2" install -DskipTests
    find_jars
fi
[[ -n "$GEN_JAR" && -n "$EMU_JAR" ]] || die "build did not produce the bench jar and the mfa-entra test-jar"

# ---------------------------------------------------------------------------------------------- Entra emulator
EMU_PORT=$(free_port)
# Its own JVM with room to spare: what is measured is the appliance.
java -Xmx1g -XX:+UseParallelGC -cp "$EMU_JAR" org.radmfa.mfa.entra.internal.EntraEmulatorMain --port "$EMU_PORT" \
    --approve-after "$APPROVE_AFTER" --user "$BENCH_USER" --truststore "$WORK/entra-trust.p12" \
    --config "$WORK/entra.cfg" --threads 8 --report-seconds 5 --max-seconds "${BENCH_DEADLINE:-600}" \
    > "$WORK/emulator.out" 2>&1 &
EMU_PID=$!
for ((i = 0; i < 300; i++)); do
    [[ -f "$WORK/entra.cfg" ]] && break
    kill -0 "$EMU_PID" 2>/dev/null || { cat "$WORK/emulator.out"; die "the emulator did not start"; }
    sleep 0.1
done
[[ -f "$WORK/entra.cfg" ]] || die "the emulator did not write its configuration in 30 s"
say "Entra emulator (own JVM, pid $EMU_PID) on https://127.0.0.1:$EMU_PORT: push approved after $APPROVE_AFTER s"

# ---------------------------------------------------------------------------------------------- radmfa
RM_PORT=$(free_port)
RM_ACCT=$(free_port)
appliance_copy "$ASSEMBLY" "$RM_PORT" "$RM_ACCT" "$SECRET"
ETC="$KARAF_HOME/etc"
# The connector is not a boot feature of the distribution: add it, provisioned from the local Maven repository
# only (no network).
sed -i -e "s|^featuresRepositories *=\(.*\)|featuresRepositories =\1, mvn:org.radmfa/radmfa-features/$VERSION/xml/features|" \
    -e "s|^featuresBoot *=\(.*\)|featuresBoot =\1, radmfa-mfa-entra|" "$ETC/org.apache.karaf.features.cfg"
cat >> "$ETC/org.ops4j.pax.url.mvn.cfg" <<EOF
org.ops4j.pax.url.mvn.localRepository = $M2
org.ops4j.pax.url.mvn.repositories =
org.ops4j.pax.url.mvn.offline = true
EOF
# In group mfa-users: the demo policy "Demo MFA users" grants after a second factor.
cat > "$ETC/org.radmfa.user-mfa-bench.cfg" <<EOF
name = $BENCH_USER
password = $BENCH_PASSWORD
groups = mfa-users
enabled = true
EOF
cat > "$ETC/org.radmfa.pipeline.cfg" <<EOF
mfaConnector.target = (connector=entra)
mfaTimeoutSeconds = 60
# Every login is the same user (from its own Calling-Station-Id): no push-fatigue limit.
mfaMaxPushes = 0
EOF
{
    cat "$WORK/entra.cfg"
    echo "userLookup = upn"
    echo "pollIntervalMillis = $POLL_MS"
} > "$ETC/org.radmfa.mfa.entra.cfg"

"$KARAF_HOME/bin/radmfa-first-boot" >/dev/null
say "radmfa on 127.0.0.1:$RM_PORT, -Xmx$HEAP ($KARAF_HOME)"
JAVA_MAX_MEM=$HEAP "$KARAF_HOME/bin/start"
GEN=(java -XX:+UseSerialGC -Xmx256m -cp "$GEN_JAR")
# Ready when the connector accepts a login: the MfaCapacity warm-up login does exactly that, but first wait for the
# transport to answer at all (an Access-Reject for a wrong password is an answer).
for ((i = 0; i < 120; i++)); do
    [[ -f "$KARAF_HOME/karaf.pid" ]] && kill -0 "$(cat "$KARAF_HOME/karaf.pid")" 2>/dev/null && \
        grep -q "Entra MFA connector from" "$KARAF_HOME/data/log/karaf.log" 2>/dev/null && break
    sleep 0.5
done
grep -q "Entra MFA connector from" "$KARAF_HOME/data/log/karaf.log" 2>/dev/null \
    || { tail -30 "$KARAF_HOME/data/log/karaf.log" 2>/dev/null; die "the Entra connector did not start in 60 s"; }
RM_PID=$(cat "$KARAF_HOME/karaf.pid")
echo "appliance JVM (pid $RM_PID): $(tr '\0' '\n' < "/proc/$RM_PID/cmdline" | grep -E '^-Xmx|^-XX:\+Use.*GC' | tr '\n' ' ')"
sleep 2 # the listener and the rest of the boot features settle; the warm-up login is the real readiness check

if [[ "$JFR" == 1 ]]; then
    jcmd "$RM_PID" JFR.start name=mfa settings=profile >/dev/null
fi
RM_CPU0=$(cpu_seconds "$RM_PID")
EMU_CPU0=$(cpu_seconds "$EMU_PID")
DIAG_ARGS=()
if [[ "$DIAG" == 1 ]]; then
    mkdir -p "$ROOT/bench/target/mfa-diag"
    DIAG_ARGS=(--diagnostics "$ROOT/bench/target/mfa-diag")
fi
say "MfaCapacity: $LOGINS logins, push approved after $APPROVE_AFTER s, connector polls every $POLL_MS ms"
bounded $((APPROVE_AFTER * 3 + 240)) "${GEN[@]}" org.radmfa.bench.MfaCapacity --host 127.0.0.1 --port "$RM_PORT" \
    --secret "$SECRET" --user "$BENCH_USER" --password "$BENCH_PASSWORD" --logins "$LOGINS" --sockets "$SOCKETS" \
    --send-rate "$SEND_RATE" --timeout-seconds $((APPROVE_AFTER + 100)) --sample-after-seconds "${BENCH_MFA_SAMPLE_AFTER:-8}" \
    --server-pid "$RM_PID" "${DIAG_ARGS[@]}" | tee "$WORK/mfa.txt" && CAPACITY_STATUS=0 || CAPACITY_STATUS=$?
RM_CPU=$(awk -v a="$(cpu_seconds "$RM_PID")" -v b="$RM_CPU0" 'BEGIN { printf "%.1f", a - b }')
EMU_CPU=$(awk -v a="$(cpu_seconds "$EMU_PID")" -v b="$EMU_CPU0" 'BEGIN { printf "%.1f", a - b }')
echo "CPU used during the run: appliance $RM_CPU s, emulator $EMU_CPU s ($(nproc) CPUs; load average now" \
    "$(cut -d' ' -f1-3 /proc/loadavg))"
if [[ "$JFR" == 1 ]]; then
    jcmd "$RM_PID" JFR.dump name=mfa filename="$WORK/radmfa-mfa.jfr" || true
    jcmd "$RM_PID" JFR.stop name=mfa >/dev/null || true
fi
echo
say "emulator counters (every 5 s)"
grep '^EMULATOR' "$WORK/emulator.out" | tail -n 40
echo "ERROR lines in karaf.log: $(grep -c "| ERROR |" "$KARAF_HOME/data/log/karaf.log" || true)"
if [[ "$JFR" == 1 && -f "$WORK/radmfa-mfa.jfr" ]]; then
    cp "$WORK/radmfa-mfa.jfr" "$ROOT/bench/target/radmfa-mfa.jfr" 2>/dev/null \
        && echo "(recording: bench/target/radmfa-mfa.jfr)"
    echo
    say "JFR: top frames of the appliance's execution samples"
    { jfr print --events jdk.ExecutionSample "$WORK/radmfa-mfa.jfr" \
        | awk '/stackTrace = \[/ { getline; sub(/^[ \t]+/, ""); sub(/line:.*/, ""); top[$0]++; n++ }
               END { for (f in top) printf "%6.2f %%  %s\n", 100 * top[f] / n, f }' | sort -rn | head -25; } || true
fi
grep -q '^RESULT' "$WORK/mfa.txt" || die "MfaCapacity did not finish; see the lines above"
# The benchmark's own correctness checks: every login accepted with verified authenticators (MfaCapacity's exit
# status), and one push per login (the emulator's count: the logins and the warm-up login).
[[ "$CAPACITY_STATUS" == 0 ]] || die "MfaCapacity's checks failed (exit $CAPACITY_STATUS): not every login was accepted"
sleep 6   # the emulator prints its counters every 5 s
STARTED=$(grep '^EMULATOR' "$WORK/emulator.out" | tail -n 1 | sed -n 's/.*started=\([0-9]*\).*/\1/p')
[[ "$STARTED" == "$((LOGINS + 1))" ]] \
    || die "the emulator started ${STARTED:-?} pushes for $LOGINS logins and the warm-up: one push per login is broken"
say "checks passed: $LOGINS logins accepted, $STARTED pushes for $((LOGINS + 1)) logins"
