#!/usr/bin/env bash
#
# bench/run-mfa.sh — Entra MFA under load, two modes (BENCH_MFA_MODE):
#
# storm (the default), issue 21's "Monday-morning login storm": 10,000 users of one gateway connect within 10 s
#   (1,000 logins/s from 40 UDP sockets of one address, as one gateway's port set), each needing an Entra push;
#   every push is approved 1 s + a uniformly random part of 20 s after it leaves the appliance; like Azure's gateway,
#   the generator sends an unanswered Access-Request again every 5 s (same Identifier and authenticator: the
#   duplicate cache must absorb it, never a second push) and gives a login up 60 s after its first send. Prints
#   answered/lost/rejected, pushes per login, Access-Request to push p50/p99, approval to Access-Accept p50/p99/max
#   (MfaStormReport joins the generator's and the emulator's timestamps, one machine's clock), live Java threads and
#   heap after GC idle/pending/after, the appliance's CPU per login, the generator's and the emulator's CPU.
# capacity: the older figure: 10,000 logins at 2,500/s from 64 sockets, no retransmits, every push approved 20 s
#   after it left (no spread).
#
# In one run: starts the Entra emulator in a JVM of its own (EntraEmulatorMain from mfa-entra's test-jar, on Jetty
# speaking HTTP/2 and HTTP/1.1 by ALPN with BENCH_MFA_H2_STREAMS streams per connection, or the JDK's HTTP/1.1 server
# with BENCH_MFA_H2_STREAMS=0: its threads and heap are not the appliance's); unpacks a private copy of the built
# appliance on free loopback ports, heap capped at BENCH_MFA_HEAP (256m), with radmfa-mfa-entra installed and
# configured against the emulator (waitMode BENCH_MFA_WAIT: sync holds Begin until the user answers, poll polls
# End); then org.radmfa.bench.MfaCapacity sends one warm-up login and BENCH_MFA_LOGINS PAP logins (one user, each
# login from its own Calling-Station-Id), samples the appliance idle, while the logins are pending and after, and
# verifies every answer. Prints the figures and RESULT/STORM lines; exits non-zero when a check fails (a login lost
# or not accepted, a bad authenticator, other than one push per login, an Access-Accept before its approval).
#
# The appliance is configured around its MFA guards for the run: the push-fatigue limit is off (mfaMaxPushes = 0;
# every login is the same user), one push per login still holds (each login has its own Calling-Station-Id), the
# MFA deadline is 60 s and the per-client rate limit is off (one gateway sends everything).
#
# Loopback only; every step is bounded in time (BENCH_DEADLINE, 600 s by default).
# Settings (environment; defaults for storm / capacity):
#   BENCH_MFA_MODE (storm)          storm or capacity
#   BENCH_MFA_LOGINS (10000)        logins                         BENCH_MFA_APPROVE_AFTER (1 / 20) seconds to approval
#   BENCH_MFA_APPROVE_SPREAD (20 / 0) plus up to this many seconds, uniformly, per push
#   BENCH_MFA_HEAP (256m)           the appliance's -Xmx            BENCH_MFA_POLL_MS (2000) connector poll interval
#   BENCH_MFA_SEND_RATE (1000 / 2500) logins sent per second        BENCH_MFA_SOCKETS (40 / 64) UDP sockets
#   BENCH_MFA_RETRANSMIT (5 / 0)    seconds before an unanswered request is sent again (0: never)
#   BENCH_MFA_GIVE_UP (60 / 120)    seconds after its first send when a login counts as lost
#   BENCH_MFA_WAIT (sync)           the connector's waitMode: sync or poll
#   BENCH_MFA_H2_STREAMS (16384)    the emulator's HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS; 0: HTTP/1.1 only (JDK)
#   BENCH_MFA_PRIME (0)             logins of a storm sent first (same rate, sockets and approvals), answered in full
#                                   and not measured: the storm then meets an appliance that has served logins since
#                                   its start (its JIT compiler done with those paths), as on a Monday after a
#                                   week's work; 0: the storm meets a freshly started appliance (one warm-up login)
#   BENCH_MFA_EMULATOR_WARM_UP (5000) logins the emulator serves itself before anything else (a token, held Begins
#                                   approved at once), so that it is compiled as Microsoft's service is warm and a
#                                   cold appliance is not measured beside a cold emulator; 0: none
#   BENCH_MFA_EMULATOR_JAVA_OPTS    (-XX:TieredStopAtLevel=1) options for the emulator's JVM; "" for none. C1 only:
#                                   with C2 the emulator compiled for 4.5-6.5 s in every storm whatever its warm-up,
#                                   CPU the real service never takes from the appliance (docs/performance-history.md)
#   BENCH_JFR (0)                   1: JFR recording of the appliance during the burst, summarised (JFR runs from
#                                   before the warm-up login on: started in the burst, it skewed the burst)
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

MODE=${BENCH_MFA_MODE:-storm}
case "$MODE" in
    storm) D_APPROVE=1; D_SPREAD=20; D_RATE=1000; D_SOCKETS=40; D_RETRANSMIT=5; D_GIVE_UP=60 ;;
    capacity) D_APPROVE=20; D_SPREAD=0; D_RATE=2500; D_SOCKETS=64; D_RETRANSMIT=0; D_GIVE_UP=120 ;;
    *) echo "bench: BENCH_MFA_MODE must be storm or capacity" >&2; exit 2 ;;
esac
LOGINS=${BENCH_MFA_LOGINS:-10000}
PRIME=${BENCH_MFA_PRIME:-0}
EMU_WARM_UP=${BENCH_MFA_EMULATOR_WARM_UP:-5000}
APPROVE_AFTER=${BENCH_MFA_APPROVE_AFTER:-$D_APPROVE}
APPROVE_SPREAD=${BENCH_MFA_APPROVE_SPREAD:-$D_SPREAD}
HEAP=${BENCH_MFA_HEAP:-256m}
POLL_MS=${BENCH_MFA_POLL_MS:-2000}
SEND_RATE=${BENCH_MFA_SEND_RATE:-$D_RATE}
SOCKETS=${BENCH_MFA_SOCKETS:-$D_SOCKETS}
RETRANSMIT=${BENCH_MFA_RETRANSMIT:-$D_RETRANSMIT}
GIVE_UP=${BENCH_MFA_GIVE_UP:-$D_GIVE_UP}
WAIT_MODE=${BENCH_MFA_WAIT:-sync}
H2_STREAMS=${BENCH_MFA_H2_STREAMS:-16384}
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
# The emulator's HTTP/2 front is Jetty (mfa-entra's test scope): its jars from the Maven repository.
# The main jar too: the emulator's warm-up writes its Begins with the connector's own encoder.
EMU_CP="$EMU_JAR:$M2/org/radmfa/radmfa-mfa-entra/$VERSION/radmfa-mfa-entra-$VERSION.jar"
JETTY=12.1.13
for jar in org/eclipse/jetty/http2/jetty-http2-server/$JETTY/jetty-http2-server-$JETTY.jar \
        org/eclipse/jetty/http2/jetty-http2-common/$JETTY/jetty-http2-common-$JETTY.jar \
        org/eclipse/jetty/http2/jetty-http2-hpack/$JETTY/jetty-http2-hpack-$JETTY.jar \
        org/eclipse/jetty/jetty-alpn-java-server/$JETTY/jetty-alpn-java-server-$JETTY.jar \
        org/eclipse/jetty/jetty-alpn-server/$JETTY/jetty-alpn-server-$JETTY.jar \
        org/eclipse/jetty/jetty-server/$JETTY/jetty-server-$JETTY.jar \
        org/eclipse/jetty/jetty-http/$JETTY/jetty-http-$JETTY.jar \
        org/eclipse/jetty/jetty-io/$JETTY/jetty-io-$JETTY.jar \
        org/eclipse/jetty/jetty-util/$JETTY/jetty-util-$JETTY.jar \
        org/slf4j/slf4j-api/1.7.36/slf4j-api-1.7.36.jar; do
    [[ -f "$M2/$jar" ]] || die "$M2/$jar is missing (mvn -Dmaven.repo.local=$M2 install -pl bundles/mfa-entra)"
    EMU_CP="$EMU_CP:$M2/$jar"
done
# Its own JVM with room to spare: what is measured is the appliance.
EMU_JAVA_OPTS=${BENCH_MFA_EMULATOR_JAVA_OPTS--XX:TieredStopAtLevel=1}
# shellcheck disable=SC2086 # options, split on purpose
java -Xmx1g -XX:+UseParallelGC $EMU_JAVA_OPTS -cp "$EMU_CP" org.radmfa.mfa.entra.internal.EntraEmulatorMain --port "$EMU_PORT" \
    --approve-after "$APPROVE_AFTER" --approve-spread "$APPROVE_SPREAD" --http2-streams "$H2_STREAMS" \
    --logins "$WORK/emulator-logins.txt" --user "$BENCH_USER" --truststore "$WORK/entra-trust.p12" \
    --config "$WORK/entra.cfg" --threads 8 --report-seconds 5 --max-seconds "${BENCH_DEADLINE:-600}" \
    --warm-up "$EMU_WARM_UP" \
    > "$WORK/emulator.out" 2>&1 &
EMU_PID=$!
for ((i = 0; i < 1200; i++)); do
    [[ -f "$WORK/entra.cfg" ]] && break
    kill -0 "$EMU_PID" 2>/dev/null || { cat "$WORK/emulator.out"; die "the emulator did not start"; }
    sleep 0.1
done
[[ -f "$WORK/entra.cfg" ]] || die "the emulator did not write its configuration in 120 s"
grep '^warm-up' "$WORK/emulator.out" || true
say "Entra emulator (own JVM, pid $EMU_PID) on https://127.0.0.1:$EMU_PORT: push approved after $APPROVE_AFTER s + up to $APPROVE_SPREAD s, HTTP/2 streams per connection: $H2_STREAMS (0: HTTP/1.1 only)"

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
    echo "waitMode = $WAIT_MODE"
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
    # Recording from before the warm-up login and the priming: started just before a storm after 3,000 logins, JFR
    # made its request-to-push p99 2.4 s instead of 0.2 s, with 3 s more JIT CPU (on Java 17 a first recording
    # instruments the JDK's socket and file I/O for its events, and the code around them is compiled again).
    jcmd "$RM_PID" JFR.start name=before-burst settings=profile >/dev/null
fi
WARM_UP=true
if ((PRIME > 0)); then
    say "priming: $PRIME logins at $SEND_RATE/s, answered in full and not measured"
    # Calling-Station-Ids from 10.128.0.0 on: never the storm's.
    bounded $((APPROVE_AFTER + APPROVE_SPREAD + GIVE_UP + 240)) "${GEN[@]}" org.radmfa.bench.MfaCapacity \
        --host 127.0.0.1 --port "$RM_PORT" --secret "$SECRET" --user "$BENCH_USER" --password "$BENCH_PASSWORD" \
        --logins "$PRIME" --sockets "$SOCKETS" --send-rate "$SEND_RATE" --timeout-seconds "$GIVE_UP" \
        --retransmit-seconds "$RETRANSMIT" --first-station $((1 << 23)) > "$WORK/prime.txt" \
        || { tail -20 "$WORK/prime.txt"; die "the priming logins failed their checks"; }
    grep '^RESULT' "$WORK/prime.txt" | sed 's/^RESULT/PRIMED/'
    WARM_UP=false
    sleep 5 # what the JIT compiler still has queued
fi
if [[ "$JFR" == 1 ]]; then
    # A second recording with the same settings enables no new event: nothing is instrumented again in the burst.
    jcmd "$RM_PID" JFR.start name=mfa settings=profile >/dev/null
    jcmd "$RM_PID" JFR.stop name=before-burst >/dev/null
fi
# The appliance's CPU by thread: the JIT compiler's and the collector's apart from the rest.
thread_ticks "$RM_PID" > "$WORK/threads-before.txt"
thread_ticks "$EMU_PID" > "$WORK/emulator-threads-before.txt"
RM_CPU0=$(cpu_seconds "$RM_PID")
EMU_CPU0=$(cpu_seconds "$EMU_PID")
DIAG_ARGS=()
if [[ "$DIAG" == 1 ]]; then
    mkdir -p "$ROOT/bench/target/mfa-diag"
    DIAG_ARGS=(--diagnostics "$ROOT/bench/target/mfa-diag")
fi
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
say "MfaCapacity ($MODE): $LOGINS logins at $SEND_RATE/s from $SOCKETS sockets, retransmit every $RETRANSMIT s (0: never), lost after $GIVE_UP s; push approved after $APPROVE_AFTER s + up to $APPROVE_SPREAD s; connector waitMode $WAIT_MODE (polls every $POLL_MS ms when polling); load average $LOAD_BEFORE"
bounded $((APPROVE_AFTER + APPROVE_SPREAD + GIVE_UP + 240)) "${GEN[@]}" org.radmfa.bench.MfaCapacity --host 127.0.0.1 --port "$RM_PORT" \
    --secret "$SECRET" --user "$BENCH_USER" --password "$BENCH_PASSWORD" --logins "$LOGINS" --sockets "$SOCKETS" \
    --send-rate "$SEND_RATE" --timeout-seconds "$GIVE_UP" --retransmit-seconds "$RETRANSMIT" \
    --sample-after-seconds "${BENCH_MFA_SAMPLE_AFTER:-8}" --logins-out "$WORK/generator-logins.txt" \
    --server-pid "$RM_PID" --warm-up "$WARM_UP" "${DIAG_ARGS[@]}" | tee "$WORK/mfa.txt" && CAPACITY_STATUS=0 || CAPACITY_STATUS=$?
RM_CPU=$(awk -v a="$(cpu_seconds "$RM_PID")" -v b="$RM_CPU0" 'BEGIN { printf "%.1f", a - b }')
EMU_CPU=$(awk -v a="$(cpu_seconds "$EMU_PID")" -v b="$EMU_CPU0" 'BEGIN { printf "%.1f", a - b }')
echo "CPU used during the run: appliance $RM_CPU s ($(awk -v c="$RM_CPU" -v n="$LOGINS" 'BEGIN { printf "%.2f", c * 1000 / n }') ms per login), emulator $EMU_CPU s ($(nproc) CPUs; load average before $LOAD_BEFORE, now" \
    "$(cut -d' ' -f1-3 /proc/loadavg))"
thread_ticks "$RM_PID" > "$WORK/threads-after.txt"
thread_ticks "$EMU_PID" > "$WORK/emulator-threads-after.txt"
# cpu_split WHO PREFIX BEFORE AFTER: the CPU between two thread_ticks, the JIT compiler's and the collector's apart.
cpu_split() {
    awk -F '\t' -v tick="$(getconf CLK_TCK)" -v n="$LOGINS" -v who="$1" -v prefix="$2" '
        NR == FNR { before[$2] = $1; next }
        { d = ($1 - before[$2]) / tick
          if ($2 ~ /^C[12] CompilerThre/) jit += d; else if ($2 ~ /^(GC Thread|G1 |VM Thread)/) gc += d; else app += d }
        END { printf "%s CPU by thread: JIT compiler %.1f s (%.2f ms per login), GC and VM %.1f s (%.2f ms), the" \
                  " rest %.1f s (%.2f ms per login)\n", who, jit, jit * 1000 / n, gc, gc * 1000 / n, app, app * 1000 / n
              printf "%s jit_s=%.2f gc_s=%.2f rest_s=%.2f\n", prefix, jit, gc, app }' "$3" "$4"
}
cpu_split appliance CPU_SPLIT "$WORK/threads-before.txt" "$WORK/threads-after.txt"
# The emulator stands for a service that is never cold: its JIT in the storm is CPU the appliance did not get.
cpu_split emulator EMULATOR_CPU_SPLIT "$WORK/emulator-threads-before.txt" "$WORK/emulator-threads-after.txt"
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
# The emulator writes its Begins (arrival, approval) when it stops.
kill "$EMU_PID" 2>/dev/null || true
for ((i = 0; i < 300; i++)); do
    kill -0 "$EMU_PID" 2>/dev/null || break
    sleep 0.1
done
[[ -f "$WORK/emulator-logins.txt" ]] || die "the emulator did not write its Begins"
echo
say "storm report (generator and emulator timestamps joined by Calling-Station-Id)"
"${GEN[@]}" org.radmfa.bench.MfaStormReport "$WORK/generator-logins.txt" "$WORK/emulator-logins.txt" \
    $((1 + PRIME)) && REPORT_STATUS=0 || REPORT_STATUS=$?
# The benchmark's own correctness checks: every login accepted with verified authenticators (MfaCapacity's exit
# status), and one push per login (the emulator's count: the logins, the priming ones and the warm-up login).
[[ "$CAPACITY_STATUS" == 0 ]] || die "MfaCapacity's checks failed (exit $CAPACITY_STATUS): not every login was accepted"
[[ "$REPORT_STATUS" == 0 ]] || die "the storm report's checks failed (pushes per login, approval before accept)"
STARTED=$(grep -vc '^#' "$WORK/emulator-logins.txt" || true)
[[ "$STARTED" == "$((LOGINS + 1 + PRIME))" ]] \
    || die "the emulator started ${STARTED:-?} pushes for $LOGINS logins, $PRIME priming ones and the warm-up: one push per login is broken"
say "checks passed: $LOGINS logins accepted, $STARTED pushes for $((LOGINS + 1 + PRIME)) logins"
