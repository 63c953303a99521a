#!/usr/bin/env bash
#
# bench/flow.sh — one gateway flow against the built appliance only: where its time goes, thread by thread.
#
# A private copy of the appliance (as bench/run.sh makes it: hardened client, RADIUS on 127.0.0.1) is started once;
# then BENCH_ROUNDS times the load generator sends 400,000 PAP requests of warm-up and 400,000 measured ones from one
# socket (one source address and port, as an Azure gateway instance), 64 outstanding. For the measured requests it
# prints the throughput and, per appliance thread, the CPU it used and the time it waited for a CPU
# (/proc/<pid>/task/*/schedstat), user and kernel apart: what bounds one flow on a small machine. No FreeRADIUS:
# compare builds with it (BENCH_ASSEMBLY), and ratios with bench/run.sh.
#
# Settings (environment): BENCH_ROUNDS (3), BENCH_ASSEMBLY, BENCH_DEADLINE (900).
# Exits non-zero when an answer is wrong or missing.
#
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
ROUNDS=${BENCH_ROUNDS:-3}
DEADLINE=$((SECONDS + ${BENCH_DEADLINE:-900}))
. "$ROOT/bench/lib.sh"

GEN_JAR=$(ls "$ROOT"/bench/target/radmfa-bench-*.jar 2>/dev/null | head -n 1 || true)
ASSEMBLY="${BENCH_ASSEMBLY:-$ROOT/karaf-assembly/target/assembly}"
[[ -n "$GEN_JAR" && -x "$ASSEMBLY/bin/start" ]] || die "build first: mvn -q install -DskipTests"
WORK=$(mktemp -d /tmp/radmfa-flow.XXXXXX)
KARAF_HOME="$WORK/radmfa"
trap 'stop_radmfa || true; rm -rf "$WORK"' EXIT

SECRET=testing123
PORT=$(free_port)
appliance_copy "$ASSEMBLY" "$PORT" "$(free_port)" "$SECRET"
"$KARAF_HOME/bin/radmfa-first-boot" >/dev/null
gen() {
    bounded 300 java -XX:+UseSerialGC -Xms64m -Xmx256m -jar "$GEN_JAR" --host 127.0.0.1 --port "$PORT" \
        --secret "$SECRET" --user demo --password demo-password --timeout-ms 1000 \
        --expect-message-authenticator true "$@"
}
# thread_times PID: per thread name (numbered pool threads summed), CPU ns, run-queue wait ns, user and kernel ticks.
thread_times() {
    local task
    for task in /proc/"$1"/task/*; do
        printf '%s\t%s\t%s\n' "$(sed 's/-\?[0-9]\+$/-N/' "$task/comm" 2>/dev/null | tr ' ' _)" \
            "$(cut -d ' ' -f 1,2 "$task/schedstat" 2>/dev/null)" \
            "$(sed 's/^.*) //' "$task/stat" 2>/dev/null | awk '{ print $12, $13 }')"
    done
}

"$KARAF_HOME/bin/start"
gen --name boot --wait-accept-seconds 120 >/dev/null || die "no verified Access-Accept after the start"
PID=$(appliance_pid)
sleep 20 # as bench/run.sh: Karaf's shell, SSH, JMX and web console start after the RADIUS path
say "one flow (1 socket, 64 outstanding) against $ASSEMBLY"
for ((round = 1; round <= ROUNDS; round++)); do
    gen --name "warm-up-$round" --server-pid "$PID" --warmup 400000 --requests 10 --window 64 --sockets 1 \
        >/dev/null || die "warm-up $round: wrong or missing answers"
    thread_times "$PID" > "$WORK/before.txt"
    gen --name "flow-$round" --server-pid "$PID" --warmup 0 --requests 400000 --window 64 --sockets 1 \
        --max-seconds 60 > "$WORK/flow.txt" || { cat "$WORK/flow.txt"; die "round $round: wrong or missing answers"; }
    thread_times "$PID" > "$WORK/after.txt"
    grep -E "throughput|generator CPU" "$WORK/flow.txt"
    awk -F '\t' 'NR == FNR { split($2, a, " "); split($3, b, " "); c[$1] += a[1]; w[$1] += a[2]; u[$1] += b[1];
                             s[$1] += b[2]; next }
         { split($2, a, " "); split($3, b, " "); c2[$1] += a[1]; w2[$1] += a[2]; u2[$1] += b[1]; s2[$1] += b[2] }
         END { for (n in c2) { dc = (c2[n] - c[n]) / 1e9; if (dc > 0.05)
                 printf "    %-18s CPU %5.2f s (user %5.2f, kernel %5.2f), waiting for a CPU %5.2f s\n", n, dc,
                        (u2[n] - u[n]) / 100, (s2[n] - s[n]) / 100, (w2[n] - w[n]) / 1e9 } }' \
        "$WORK/before.txt" "$WORK/after.txt" | sort -k3 -rn
    sed -n 's/^RESULT /RESULT round='"$round"' /p' "$WORK/flow.txt"
done
