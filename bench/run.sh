#!/usr/bin/env bash
#
# bench/run.sh — PAP throughput and latency of radmfa against FreeRADIUS 3, same machine, same load generator.
#
# In one run: installs FreeRADIUS from the distribution's packages when missing, starts a private copy of its
# configuration (one client, the bench user, PAP) on free loopback ports, and a private copy of the built appliance
# (karaf-assembly/target/assembly) with the same client and user on free ports, each timed from start to its first
# Access-Accept. Then, in BENCH_ROUNDS rounds that alternate which server goes first, measures both with the same
# load: maximum throughput, then latency at the same offered load (BENCH_LOAD_PCT % of that round's FreeRADIUS
# maximum). Prints every round, the ratios per round and their median: on a small machine a server's maximum moves
# by 10-20 % from one measurement to the next, so one pair of figures cannot settle a ratio.
#
# Loopback only; every step is bounded in time (the whole run in about 5 minutes, a minute more per extra round,
# BENCH_DEADLINE at most).
# Settings (environment):
#   BENCH_REQUESTS (400000)  requests per closed-loop measurement     BENCH_WARMUP (400000) before each measurement
#                            (the JVM's JIT compilers need about that many to be done: fewer measure them too)
#   BENCH_WINDOW (64)        outstanding requests                      BENCH_SOCKETS (4) UDP sockets of the generator
#   BENCH_MAX_SECONDS (30)   cap of each measurement                   BENCH_LOAD_PCT (70) equal-load comparison
#   BENCH_OPEN_SECONDS (10)  length of each equal-load run            BENCH_JFR (0) 1: JFR recording of radmfa's
#   BENCH_KEEP (0)           1: keep the work directory                 closed-loop measurement, with a summary
#   BENCH_LOW_RATE (5000)    a second equal load, in req/s, that both servers sustain
#   BENCH_ROUNDS (3)         alternated rounds of maximum and equal-load measurements
#   BENCH_CLUSTER (0)        1: the appliance runs as a member of a one-node radmfa-cluster (bench/lib.sh)
#   BENCH_FR_CONFIG (hardened) hardened: FreeRADIUS's client requires Message-Authenticator and every reply carries
#                            one (what 3.2.5 and later do by default; on older versions through post-auth), the
#                            appliance's client requires it too, and the generator counts an answer without one as
#                            wrong; minimal: neither server requires it and FreeRADIUS's stock replies are accepted
#   BENCH_DEADLINE (570, and 110 more per round after the first)  seconds the whole run may take
#   BENCH_ASSEMBLY           the appliance to copy (default karaf-assembly/target/assembly, built with
#                            mvn -q install -DskipTests if missing)
#
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

REQUESTS=${BENCH_REQUESTS:-400000}
WARMUP=${BENCH_WARMUP:-400000}
WINDOW=${BENCH_WINDOW:-64}
SOCKETS=${BENCH_SOCKETS:-4}
MAX_SECONDS=${BENCH_MAX_SECONDS:-30}
LOAD_PCT=${BENCH_LOAD_PCT:-70}
OPEN_SECONDS=${BENCH_OPEN_SECONDS:-10}
LOW_RATE=${BENCH_LOW_RATE:-5000}
ROUNDS=${BENCH_ROUNDS:-3}
(( ROUNDS >= 1 )) || { echo "bench: BENCH_ROUNDS is at least 1" >&2; exit 2; }
JFR=${BENCH_JFR:-0}
KEEP=${BENCH_KEEP:-0}
FR_CONFIG=${BENCH_FR_CONFIG:-hardened}
[[ "$FR_CONFIG" == hardened || "$FR_CONFIG" == minimal ]] || { echo "bench: BENCH_FR_CONFIG is hardened or minimal" >&2; exit 2; }
HARDENED=$([[ "$FR_CONFIG" == hardened ]] && echo true || echo false)
# Names of measurements whose own checks failed (a wrong answer): the run reports them and exits non-zero.
FAILED=""
DEADLINE=$((SECONDS + ${BENCH_DEADLINE:-$((570 + 110 * (ROUNDS - 1)))}))
LOAD_BEFORE=$(cut -d ' ' -f 1-3 /proc/loadavg)

SECRET="bench-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
BENCH_USER=benchuser
BENCH_PASSWORD="pw-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"

. "$ROOT/bench/lib.sh"

WORK=$(mktemp -d /tmp/radmfa-bench.XXXXXX)
chmod 755 "$WORK"
FR_PID=""
KARAF_HOME="$WORK/radmfa"

cleanup() {
    stop_freeradius || true
    stop_radmfa || true
    if [[ "$KEEP" == 1 ]]; then echo "bench: work directory kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

# ---------------------------------------------------------------------------------------------- prerequisites
command -v java >/dev/null || die "java (17+) is needed"
command -v ss >/dev/null || die "ss (iproute2) is needed"
need_packages freeradius:freeradius
GEN_JAR=$(ls "$ROOT"/bench/target/radmfa-bench-*.jar 2>/dev/null | head -n 1 || true)
ASSEMBLY="${BENCH_ASSEMBLY:-$ROOT/karaf-assembly/target/assembly}"
if [[ -z "$GEN_JAR" || ! -x "$ASSEMBLY/bin/start" ]]; then
    say "building (mvn -q install -DskipTests)"
    bounded 400 mvn -B -q install -DskipTests
    GEN_JAR=$(ls "$ROOT"/bench/target/radmfa-bench-*.jar | head -n 1)
fi

# The generator: a small heap and the serial collector, so that it stays out of the servers' way. With the hardened
# configuration an answer without a valid Message-Authenticator is a wrong answer (exit status 3).
gen() {
    local limit=$1; shift
    bounded "$limit" java -XX:+UseSerialGC -Xms64m -Xmx256m -jar "$GEN_JAR" --host 127.0.0.1 --secret "$SECRET" \
        --user "$BENCH_USER" --password "$BENCH_PASSWORD" --timeout-ms 1000 \
        --expect-message-authenticator "$HARDENED" "$@"
}
# value KEY FILE: a field of the RESULT line in FILE.
value() { sed -n "s/^RESULT .*\b$1=\([^ ]*\).*/\1/p" "$2" | tail -n 1; }

measure() { # NAME PORT PID: closed loop (maximum), output in $WORK/NAME-max.txt, CPU per thread in NAME-threads.txt
    local name=$1 port=$2 pid=$3
    thread_ticks "$pid" > "$WORK/$name-ticks-before.txt"
    gen $((MAX_SECONDS * 2 + 60)) --name "$name" --port "$port" --server-pid "$pid" --warmup "$WARMUP" \
        --requests "$REQUESTS" --window "$WINDOW" --sockets "$SOCKETS" --max-seconds "$MAX_SECONDS" \
        | tee "$WORK/$name-max.txt" || FAILED="$FAILED $name-max"
    thread_ticks "$pid" > "$WORK/$name-ticks-after.txt"
    awk -F '\t' 'NR == FNR { before[$2] = $1; next } { d = $1 - before[$2]; if (d > 0) { all += d; used[$2] = d } }
         END { for (n in used) printf "%5.1f %%  %s\n", 100 * used[n] / all, n }' \
        "$WORK/$name-ticks-before.txt" "$WORK/$name-ticks-after.txt" | sort -rn | head -8 > "$WORK/$name-threads.txt"
}
measure_at() { # NAME PORT PID RATE [TAG]: open loop at RATE req/s, output in $WORK/NAME-TAG.txt
    local name=$1 port=$2 pid=$3 rate=$4 tag=${5:-open}
    gen $((OPEN_SECONDS * 2 + 60)) --name "$name-at-$rate" --port "$port" --server-pid "$pid" --warmup 0 \
        --rate "$rate" --requests $((rate * OPEN_SECONDS)) --window "$WINDOW" --sockets "$SOCKETS" \
        --max-seconds $((OPEN_SECONDS + 5)) | tee "$WORK/$name-$tag.txt" || FAILED="$FAILED $name-$tag"
}

# ---------------------------------------------------------------------------------------------- FreeRADIUS
FR_DIR="$WORK/freeradius"
FR_PORT=$(free_port)
FR_ACCT=$(free_port)
# One client, as for radmfa; hardened: Message-Authenticator required (BlastRADIUS). The bench user, with the reply
# radmfa's bench policy sends.
freeradius_config "$FR_DIR" "$FR_PORT" "$FR_ACCT" "$SECRET" "$([[ "$FR_CONFIG" == hardened ]] && echo yes || echo no)" <<EOF
$BENCH_USER Cleartext-Password := "$BENCH_PASSWORD"
	Session-Timeout := 28800,
	Reply-Message := "Welcome to the demo VPN"
EOF
if [[ "$FR_CONFIG" == hardened ]]; then
    # FreeRADIUS 3.2.5 and later put a Message-Authenticator in every answer to an Access-Request (BlastRADIUS); older
    # versions only in EAP answers. The same here through unlang: an attribute Message-Authenticator in the reply
    # list is computed by the encoder (rad_sign) over the answer, as for EAP. Accepts and rejects both.
    awk '{ print }
         /^post-auth[ \t]*\{/ { print "\tupdate reply {\n\t\tMessage-Authenticator := 0x00\n\t}" }
         /^[ \t]*Post-Auth-Type REJECT[ \t]*\{/ { print "\t\tupdate reply {\n\t\t\tMessage-Authenticator := 0x00\n\t\t}" }' \
        "$FR_DIR/sites-enabled/default" > "$FR_DIR/default.new"
    mv "$FR_DIR/default.new" "$FR_DIR/sites-enabled/default"
    grep -c 'Message-Authenticator := 0x00' "$FR_DIR/sites-enabled/default" | grep -qx 2 \
        || die "could not add Message-Authenticator to FreeRADIUS's replies (post-auth not found)"
fi
freeradius_check "$FR_DIR"
say "FreeRADIUS $FR_VERSION on 127.0.0.1:$FR_PORT ($FR_DIR), $FR_CONFIG configuration"
FR_T0=$(date +%s%3N)
start_freeradius "$FR_DIR" "$WORK/freeradius.out"
gen 40 --name freeradius-boot --port "$FR_PORT" --since-epoch-ms "$FR_T0" --wait-accept-seconds 30 \
    | tee "$WORK/freeradius-boot.txt" || die "FreeRADIUS did not answer; see $FR_DIR/log/radius.log"

# ---------------------------------------------------------------------------------------------- radmfa
RM_PORT=$(free_port)
RM_ACCT=$(free_port)
appliance_copy "$ASSEMBLY" "$RM_PORT" "$RM_ACCT" "$SECRET"
ETC="$KARAF_HOME/etc"
cat > "$ETC/org.radmfa.user-bench.cfg" <<EOF
name = $BENCH_USER
password = $BENCH_PASSWORD
groups = bench-users
enabled = true
EOF
sed -i "s/^requireMessageAuthenticator *=.*/requireMessageAuthenticator = $HARDENED/" "$ETC/org.radmfa.client-demo.cfg"
cat > "$ETC/org.radmfa.policy-bench.cfg" <<EOF
name = Bench users
order = 5
access = grant
condition.userGroups = bench-users
reply.Session-Timeout = 28800
reply.Reply-Message = Welcome to the demo VPN
EOF

"$KARAF_HOME/bin/radmfa-first-boot" >/dev/null
say "radmfa on 127.0.0.1:$RM_PORT ($KARAF_HOME)"
RM_T0=$(date +%s%3N)
# Every collection's pause, to tell garbage collection apart from the appliance's own work in the latencies.
EXTRA_JAVA_OPTS="${EXTRA_JAVA_OPTS:-} -Xlog:gc:file=$WORK/radmfa-gc.log:uptime" "$KARAF_HOME/bin/start"
gen 70 --name radmfa-boot --port "$RM_PORT" --since-epoch-ms "$RM_T0" --wait-accept-seconds 60 \
    | tee "$WORK/radmfa-boot.txt" || die "radmfa did not accept; see $KARAF_HOME/data/log/karaf.log"
RM_PID=$(cat "$KARAF_HOME/karaf.pid")
# The RADIUS path answers before the rest of the appliance (Karaf's shell, SSH, JMX, web console; start levels 30
# and 80) has started: measure the started appliance, not its start (BENCH_SETTLE_SECONDS, 20).
sleep "${BENCH_SETTLE_SECONDS:-20}"
# Rounds alternate the servers (FreeRADIUS first in odd rounds, the appliance first in even ones), both running and
# the idle one waiting, so that a drift of the machine during the run falls on both; the ratios are per round and
# the summary gives their median. Each round: both maxima, then both at LOAD_PCT % of that round's FreeRADIUS maximum.
RATES=() # per round: the equal load, LOAD_PCT % of that round's FreeRADIUS maximum
for ((round = 1; round <= ROUNDS; round++)); do
    say "round $round of $ROUNDS"
    if (( round % 2 == 1 )); then order="freeradius radmfa"; else order="radmfa freeradius"; fi
    for server in $order; do
        if [[ "$server" == freeradius ]]; then
            measure "freeradius-r$round" "$FR_PORT" "$FR_PID"
        else
            if [[ "$JFR" == 1 && $round == 1 ]]; then
                jcmd "$RM_PID" JFR.start name=bench settings=profile filename="$WORK/radmfa.jfr" >/dev/null
            fi
            measure "radmfa-r$round" "$RM_PORT" "$RM_PID"
            if [[ "$JFR" == 1 && $round == 1 ]]; then jcmd "$RM_PID" JFR.stop name=bench >/dev/null; fi
        fi
    done
    RATE=$(awk -v r="$(value rps "$WORK/freeradius-r$round-max.txt")" -v p="$LOAD_PCT" \
        'BEGIN { printf "%d", r * p / 100 }')
    (( RATE > 0 )) || die "FreeRADIUS measured 0 req/s"
    RATES[round]=$RATE
    for server in $order; do
        if [[ "$server" == freeradius ]]; then
            measure_at "freeradius-r$round" "$FR_PORT" "$FR_PID" "$RATE"
        else
            measure_at "radmfa-r$round" "$RM_PORT" "$RM_PID" "$RATE"
        fi
    done
done
measure_at freeradius "$FR_PORT" "$FR_PID" "$LOW_RATE" low
measure_at radmfa "$RM_PORT" "$RM_PID" "$LOW_RATE" low
stop_freeradius
RM_RSS_LOADED=$(ps -o rss= -p "$RM_PID" | tr -d ' ')
stop_radmfa
# The second start of a node that comes back (data/ kept: bundles installed, configuration sealed), then its
# resident memory once idle (BENCH_IDLE_SECONDS after the first accept: an idle appliance gives heap back within 30 s).
RM_T0=$(date +%s%3N)
"$KARAF_HOME/bin/start"
gen 70 --name radmfa-restart --port "$RM_PORT" --since-epoch-ms "$RM_T0" --wait-accept-seconds 60 \
    | tee "$WORK/radmfa-restart.txt" || FAILED="$FAILED radmfa-restart"
sleep "${BENCH_IDLE_SECONDS:-45}"
RM_PID=$(appliance_pid || true)
RM_RSS_IDLE=$([[ -n "$RM_PID" ]] && ps -o rss= -p "$RM_PID" | tr -d ' ' || echo NaN)
stop_radmfa

# ---------------------------------------------------------------------------------------------- summary
row() { # LABEL NAME-FILE: one table row
    printf "| %-28s | %9s | %7s | %7s | %7s | %5s | %5s | %10s | %10s |\n" "$1" "$(value rps "$2")" \
        "$(value p50_ms "$2")" "$(value p99_ms "$2")" "$(value p999_ms "$2")" "$(value lost "$2")" \
        "$(value wrong "$2")" "$(value gen_cpu_pct "$2")" "$(value server_cpu_us_per_req "$2")"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.3f", a / b; else printf "NaN" }'; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2];
    else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# Per round: throughput ratio, CPU-per-accept ratio, and whether the appliance's p99.9 at the equal load was at most
# FreeRADIUS's (target 4).
RPS_RATIOS=() CPU_RATIOS=() FR_ALL=() RM_ALL=() FR_CPU_ALL=() RM_CPU_ALL=() P999_MET=0
for ((round = 1; round <= ROUNDS; round++)); do
    fr="$WORK/freeradius-r$round" rm="$WORK/radmfa-r$round"
    FR_ALL+=("$(value rps "$fr-max.txt")") RM_ALL+=("$(value rps "$rm-max.txt")")
    FR_CPU_ALL+=("$(value server_cpu_us_per_req "$fr-max.txt")")
    RM_CPU_ALL+=("$(value server_cpu_us_per_req "$rm-max.txt")")
    RPS_RATIOS+=("$(ratio "${RM_ALL[-1]}" "${FR_ALL[-1]}")")
    CPU_RATIOS+=("$(ratio "${RM_CPU_ALL[-1]}" "${FR_CPU_ALL[-1]}")")
    if awk -v a="$(value p999_ms "$rm-open.txt")" -v b="$(value p999_ms "$fr-open.txt")" \
        'BEGIN { exit !(a != "" && a <= b) }'; then
        P999_MET=$((P999_MET + 1))
    fi
done
FR_RPS=$(median "${FR_ALL[@]}") RM_RPS=$(median "${RM_ALL[@]}")
echo
say "summary: PAP with Message-Authenticator, $FR_CONFIG FreeRADIUS configuration, window $WINDOW over $SOCKETS sockets, $(nproc) CPUs (load average before: $LOAD_BEFORE)"
printf "| %-28s | %9s | %7s | %7s | %7s | %5s | %5s | %10s | %10s |\n" "run" "accepts/s" "p50 ms" "p99 ms" \
    "p99.9 ms" "lost" "wrong" "gen CPU %" "server us"
printf "|%s|%s|%s|%s|%s|%s|%s|%s|%s|\n" "------------------------------" "-----------" "---------" "---------" \
    "---------" "-------" "-------" "------------" "------------"
for ((round = 1; round <= ROUNDS; round++)); do
    row "$round: FreeRADIUS $FR_VERSION max" "$WORK/freeradius-r$round-max.txt"
    row "$round: radmfa max" "$WORK/radmfa-r$round-max.txt"
    row "$round: FreeRADIUS at ${RATES[round]}/s" "$WORK/freeradius-r$round-open.txt"
    row "$round: radmfa at ${RATES[round]}/s" "$WORK/radmfa-r$round-open.txt"
done
row "FreeRADIUS at $LOW_RATE/s" "$WORK/freeradius-low.txt"
row "radmfa at $LOW_RATE/s" "$WORK/radmfa-low.txt"
echo
echo "throughput ratio radmfa / FreeRADIUS per round: ${RPS_RATIOS[*]}; median $(median "${RPS_RATIOS[@]}")" \
    "(medians: FreeRADIUS $FR_RPS, radmfa $RM_RPS accepts/s)"
echo "CPU per accept at the maximum, per round: FreeRADIUS ${FR_CPU_ALL[*]} us, radmfa ${RM_CPU_ALL[*]} us;" \
    "ratio per round ${CPU_RATIOS[*]}, median $(median "${CPU_RATIOS[@]}")"
echo "p99.9 at $LOAD_PCT % of FreeRADIUS's maximum at most FreeRADIUS's: in $P999_MET of $ROUNDS rounds"
echo "p99 at $LOW_RATE req/s: FreeRADIUS $(value p99_ms "$WORK/freeradius-low.txt") ms," \
    "radmfa $(value p99_ms "$WORK/radmfa-low.txt") ms"
echo "start to first Access-Accept: FreeRADIUS $(value first_accept_s "$WORK/freeradius-boot.txt") s," \
    "radmfa $(value first_accept_s "$WORK/radmfa-boot.txt") s (first start, fresh data/)," \
    "$(value first_accept_s "$WORK/radmfa-restart.txt") s (restart, data/ kept: the run that writes the class-data" \
    "archive; bench/boot.sh measures the restarts that map it)"
echo "radmfa resident memory: ${RM_RSS_LOADED:-NaN} KiB after the load, ${RM_RSS_IDLE:-NaN} KiB ${BENCH_IDLE_SECONDS:-45} s" \
    "after the restart (the archiving run; bench/boot.sh measures the idle memory of one that maps the archive)"
if [[ -s "$WORK/radmfa-r$ROUNDS-threads.txt" ]]; then
    echo "radmfa CPU by thread during its maximum run of round $ROUNDS (warm-up included; threads named alike summed):"
    sed 's/^/    /' "$WORK/radmfa-r$ROUNDS-threads.txt"
fi
if [[ -f "$WORK/radmfa-gc.log" ]]; then
    # Lines like "[12.345s] GC(7) Pause Young (Normal) (G1 Evacuation Pause) 60M->20M(512M) 4.321ms".
    awk '/Pause/ && /ms$/ { v = $NF; sub(/ms/, "", v); v += 0; n++; t += v; if (v > m) m = v }
         END { printf "radmfa garbage collection, whole run: %d pauses, %.0f ms in total, longest %.1f ms\n", n, t, m }' \
        "$WORK/radmfa-gc.log"
fi
echo "(gen CPU %: the generator's whole JVM, in % of one of the $(nproc) CPUs; server us: server CPU per accept)"
echo "RESULT name=ratio rps_ratio=$(median "${RPS_RATIOS[@]}") rounds=$ROUNDS" \
    "rps_ratios=$(IFS=,; echo "${RPS_RATIOS[*]}") cpu_ratios=$(IFS=,; echo "${CPU_RATIOS[*]}")" \
    "fr_rps=$FR_RPS radmfa_rps=$RM_RPS" \
    "fr_cpu_us=$(median "${FR_CPU_ALL[@]}") radmfa_cpu_us=$(median "${RM_CPU_ALL[@]}")" \
    "p999_met_rounds=$P999_MET" \
    "fr_boot_s=$(value first_accept_s "$WORK/freeradius-boot.txt")" \
    "radmfa_boot_s=$(value first_accept_s "$WORK/radmfa-boot.txt")" \
    "radmfa_restart_s=$(value first_accept_s "$WORK/radmfa-restart.txt")" \
    "radmfa_idle_rss_kib=${RM_RSS_IDLE:-NaN} fr_config=$FR_CONFIG sockets=$SOCKETS" \
    "low_rps=$LOW_RATE fr_low_p99_ms=$(value p99_ms "$WORK/freeradius-low.txt")" \
    "radmfa_low_p99_ms=$(value p99_ms "$WORK/radmfa-low.txt")"
if [[ "$JFR" == 1 && -f "$WORK/radmfa.jfr" ]]; then
    echo
    say "JFR: top frames of radmfa's execution samples during the closed-loop measurement"
    cp "$WORK/radmfa.jfr" "$ROOT/bench/target/radmfa.jfr" 2>/dev/null && echo "(recording: bench/target/radmfa.jfr)"
    # head closes the pipe early: that is not a failure of the run.
    jfr print --events jdk.ExecutionSample "$WORK/radmfa.jfr" \
        | awk '/stackTrace = \[/ { getline; sub(/^[ \t]+/, ""); sub(/line:.*/, ""); top[$0]++; n++ }
               END { for (f in top) printf "%6.2f %%  %s\n", 100 * top[f] / n, f }' | sort -rn | head -25 || true
fi
if [[ -n "$FAILED" ]]; then
    echo "bench: CHECK FAILED (wrong answers) in:$FAILED" >&2
    exit 3
fi
