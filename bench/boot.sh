#!/usr/bin/env bash
#
# bench/boot.sh — start to the first Access-Accept and idle memory of the built appliance, without FreeRADIUS.
#
# A private copy of karaf-assembly/target/assembly (ports moved to free ones, the demo configuration, RADIUS on
# 127.0.0.1) is started once with a fresh data/ (first start) and BENCH_RESTARTS times with its data/ kept (a node
# that comes back). Each time the load generator's probe sends one PAP request at a time until a verified
# Access-Accept, and reports the time since bin/start was called. After the last start the appliance idles
# BENCH_IDLE_SECONDS, then its resident memory is read (ps -o rss, the whole process) with the JVM's own account of it
# (Native Memory Tracking: heap, metaspace and classes, code cache, thread stacks, GC, direct buffers).
#
# Each start runs until Karaf's features service has installed the boot features and BENCH_SETTLE_SECONDS (10) more
# before it is stopped, as a node that ran would have.
#
# The first restart writes the class-data archive (docs/startup.md); the later ones map it, as every restart of a node
# that ran does. One start moves by ±0.3 s on 2 CPUs, more than most levers: their median is the restart figure.
#
# Settings (environment): BENCH_RESTARTS (5), BENCH_IDLE_SECONDS (150: an idle appliance gives the start's heap
# back within about two minutes), BENCH_NMT (1: start with -XX:NativeMemoryTracking=summary, which costs a little
# memory itself), BENCH_JFR (0: 1 records the first start with JFR into bench/target/boot-first.jfr), BENCH_KEEP (0),
# BENCH_ASSEMBLY, BENCH_DEADLINE (570), BENCH_BOOT_FEATURES (unset: the boot features as shipped; a list of names, e.g.
# "framework feature config scr shell log bundle system radmfa radmfa-demo", keeps only those of the assembly's boot
# feature, to measure what the other features' bundles cost a start: an experiment, not a configuration to ship).
# Exits non-zero when a start is not answered with a verified Access-Accept.
#
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
RESTARTS=${BENCH_RESTARTS:-5}
IDLE_SECONDS=${BENCH_IDLE_SECONDS:-150}
SETTLE_SECONDS=${BENCH_SETTLE_SECONDS:-10}
NMT=${BENCH_NMT:-1}
JFR=${BENCH_JFR:-0}
KEEP=${BENCH_KEEP:-0}
DEADLINE=$((SECONDS + ${BENCH_DEADLINE:-570}))
. "$ROOT/bench/lib.sh"

GEN_JAR=$(ls "$ROOT"/bench/target/radmfa-bench-*.jar 2>/dev/null | head -n 1 || true)
ASSEMBLY="${BENCH_ASSEMBLY:-$ROOT/karaf-assembly/target/assembly}"
[[ -n "$GEN_JAR" && -x "$ASSEMBLY/bin/start" ]] || die "build first: mvn -q install -DskipTests"
WORK=$(mktemp -d /tmp/radmfa-boot.XXXXXX)
KARAF_HOME="$WORK/radmfa"
cleanup() {
    stop_radmfa || true
    if [[ "$KEEP" == 1 ]]; then echo "bench: work directory kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

SECRET=testing123
PORT=$(free_port)
appliance_copy "$ASSEMBLY" "$PORT" "$(free_port)" "$SECRET"
if [[ -n "${BENCH_BOOT_FEATURES:-}" ]]; then
    boot_feature=$(sed -n 's/^featuresBoot *= *\([^ ,]*\).*/\1/p' "$KARAF_HOME/etc/org.apache.karaf.features.cfg")
    boot_xml=$(grep -l "<feature name=\"$boot_feature\"" "$KARAF_HOME"/etc/*.xml | head -n 1)
    [[ -n "$boot_xml" ]] || die "no features file in etc/ defines the boot feature '$boot_feature'"
    awk -v keep=" $BENCH_BOOT_FEATURES " '
        /<feature version="[^"]*"[^>]*>[^<]+<\/feature>/ {
            name = $0; sub(/.*">/, "", name); sub(/<\/feature>.*/, "", name)
            if (index(keep, " " name " ") == 0) { dropped = dropped " " name; next }
            kept[name] = 1
        }
        { print }
        END { n = split(keep, wanted, " ")
              for (i = 1; i <= n; i++) if (!(wanted[i] in kept)) missing = missing " " wanted[i]
              if (missing != "") { print "bench: not boot features of the assembly:" missing > "/dev/stderr"; exit 1 }
              print "bench: boot features left out:" dropped > "/dev/stderr" }' "$boot_xml" > "$WORK/boot.xml" \
        || die "BENCH_BOOT_FEATURES names a feature the assembly does not boot (a typo would leave it out)"
    mv "$WORK/boot.xml" "$boot_xml"
fi
# The demo client as shipped (Message-Authenticator not required; the probe sends one anyway).
sed -i "s/^requireMessageAuthenticator *=.*/requireMessageAuthenticator = false/" \
    "$KARAF_HOME/etc/org.radmfa.client-demo.cfg"
"$KARAF_HOME/bin/radmfa-first-boot" >/dev/null
OPTS=""
[[ "$NMT" == 1 ]] && OPTS="-XX:NativeMemoryTracking=summary"

start_and_probe() { # NAME [JAVA OPTIONS]: bin/start, then the first verified Access-Accept
    local name=$1
    # The probe runs bin/start itself once its own JVM is up (as a gateway is already running when a node starts):
    # until session 17 it was started beside the appliance, and its JVM's start took CPU from the appliance's.
    EXTRA_JAVA_OPTS="${EXTRA_JAVA_OPTS:-} $OPTS ${2:-}" bounded 200 java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
        -jar "$GEN_JAR" --name "$name" --host 127.0.0.1 --port "$PORT" --secret "$SECRET" --user demo \
        --password demo-password --start-command "$KARAF_HOME/bin/start" --wait-accept-seconds 180 \
        | tee "$WORK/$name.txt" || die "$name: no verified Access-Accept"
    # The appliance's CPU time until then: less sensitive than the wall clock to what else runs on the machine.
    local pid
    pid=$(appliance_pid)
    echo "$name: appliance CPU until the first accept $(cpu_seconds "$pid") s (load average $(cut -d ' ' -f 1 /proc/loadavg))" \
        | tee -a "$WORK/$name.txt"
    sed -i "s/^RESULT .*/& cpu_s=$(cpu_seconds "$pid")/" "$WORK/$name.txt"
}
value() { sed -n "s/^RESULT .*\b$1=\([^ ]*\).*/\1/p" "$2" | tail -n 1; }
# Before a start is stopped: Karaf's features service has installed the boot features (its state says bootDone) and
# SETTLE_SECONDS have passed. The RADIUS path answers before the rest of Karaf has started (on a first start before
# the features service has installed it); stopped at its first answer, the next start would finish that first start's
# work, and the restart that writes the class-data archive would archive only what had loaded by then.
settle() {
    local state deadline=$((SECONDS + 120))
    until state=$(cat "$KARAF_HOME"/data/cache/bundle*/data/state.json 2>/dev/null) \
            && [[ "$state" =~ \"bootDone\"[[:space:]]*:[[:space:]]*true ]]; do
        (( SECONDS < deadline )) || die "the boot features were not installed within 120 s"
        sleep 0.5
    done
    sleep "$SETTLE_SECONDS"
}

JFR_OPT=""
[[ "$JFR" == 1 ]] && JFR_OPT="-XX:StartFlightRecording=filename=$WORK/boot-first.jfr,settings=profile"
start_and_probe first "$JFR_OPT"
settle
stop_radmfa
for ((i = 1; i <= RESTARTS; i++)); do
    start_and_probe "restart-$i"
    (( i == RESTARTS )) || { settle; stop_radmfa; }
done
# Resident memory every 15 s while idle: G1's idle collections give the start's garbage back over the first two
# minutes or so (docs/memory.md), so the last sample is the idle figure and the trajectory shows how it got there.
PID=$(appliance_pid)
SAMPLES=()
for ((t = 15; t <= IDLE_SECONDS; t += 15)); do
    sleep 15
    SAMPLES+=("${t}s $(( $(ps -o rss= -p "$PID") / 1024 ))")
done
sleep $((IDLE_SECONDS % 15))
RSS=$(ps -o rss= -p "$PID" | tr -d ' ')
THREADS=$(awk '/^Threads:/ { print $2 }' "/proc/$PID/status")
BUNDLES=$(find "$KARAF_HOME/data/cache" -maxdepth 1 -name 'bundle[1-9]*' | wc -l) # bundle0 is the framework's own
echo
say "start to first Access-Accept: first start $(value first_accept_s "$WORK/first.txt") s" \
    "($(value cpu_s "$WORK/first.txt") s CPU); with data/ kept: $(for ((i = 1; i <= RESTARTS; i++)); do
        printf '%s s (%s s CPU) ' "$(value first_accept_s "$WORK/restart-$i.txt")" "$(value cpu_s "$WORK/restart-$i.txt")"; done)"
say "idle after ${IDLE_SECONDS} s: resident $((RSS / 1024)) MiB ($RSS KiB), $THREADS threads, $BUNDLES bundles"
say "resident while idle (MiB): ${SAMPLES[*]:-none}"
ARCHIVE=$(ls "$KARAF_HOME"/data/cds/*.jsa 2>/dev/null | head -n 1 || true)
[[ -n "$ARCHIVE" ]] && say "class-data archive (data/cds): $(( $(stat -c %s "$ARCHIVE") / 1048576 )) MiB ($(basename "$ARCHIVE"))"
if [[ "$NMT" == 1 ]]; then
    jcmd "$PID" VM.native_memory summary scale=MB \
        | awk '/^Total:/ || /^-  *(Java Heap|Class|Thread|Code|GC|Compiler|Internal|Other|Symbol|Native Memory Tracking|Arena Chunk|Metaspace)/' \
        | sed 's/^/    /'
fi
jcmd "$PID" GC.heap_info | sed -n '1,4p' | sed 's/^/    /'
# The median of the restarts that mapped the archive (all but the first), or the one restart there is.
MEDIAN=$(for ((i = (RESTARTS > 1 ? 2 : 1); i <= RESTARTS; i++)); do value first_accept_s "$WORK/restart-$i.txt"; done \
    | sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
say "restarts with the class-data archive: median $MEDIAN s"
echo "RESULT name=boot first_s=$(value first_accept_s "$WORK/first.txt")" \
    "restart_s=$(value first_accept_s "$WORK/restart-$RESTARTS.txt") restart_median_s=$MEDIAN idle_rss_kib=$RSS threads=$THREADS bundles=$BUNDLES"
if [[ "$JFR" == 1 && -f "$WORK/boot-first.jfr" ]]; then
    mkdir -p "$ROOT/bench/target"
    cp "$WORK/boot-first.jfr" "$ROOT/bench/target/boot-first.jfr" && echo "(recording: bench/target/boot-first.jfr)"
fi
