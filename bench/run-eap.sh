#!/usr/bin/env bash
#
# bench/run-eap.sh — EAP handshakes per second of radmfa against FreeRADIUS 3, same machine, same certificates,
# same load generator: EAP-MSCHAPv2 (three round trips), EAP-TLS (TLS 1.2, RSA-2048 client and server certificates)
# and PEAP-MSCHAPv2.
#
# In one run: makes a CA, a server certificate and a client certificate (CN=demo) with openssl; starts a private copy
# of FreeRADIUS's configuration (Debian's freeradius) with them on free loopback ports and measures it; then a private
# copy of the built appliance (karaf-assembly/target/assembly) with the same certificates, client and user, and
# measures it alike. Every method is driven by the project's Java generator (EapLoadGenerator: BENCH_PARALLEL threads,
# each a NAS and a supplicant in one running logins back to back, as fast as the server answers; its peers are written
# from the RFCs and MS-PEAP). BENCH_EAP_GENERATOR=eapol_test uses eapol_test instead (wpa_supplicant's, one process per
# login, BENCH_PARALLEL at once), which costs far more CPU per login than either server and so shows the servers' CPU
# per login rather than their maximum. Each runs for BENCH_EAP_SECONDS per method and server, after a warm-up. A login
# counts when it ends in Access-Accept with EAP-Success and the generator finds the MS-MPPE keys equal to the keys it
# derived.
# Before each server is measured, one eapol_test login per method shows that wpa_supplicant's peer logs in too.
#
# Prints, per method and server: handshakes per second, the servers' CPU per handshake (less what each uses idle), the
# generator's own CPU, and the ratios radmfa / FreeRADIUS. Exits non-zero when a login failed. A benchmark: it
# reports, it does not gate CI. Loopback only; every step bounded in time.
# Settings (environment):
#   BENCH_PARALLEL (24)      logins at once                           BENCH_EAP_SECONDS (20) measurement per method
#   BENCH_EAP_WARMUP (8)     warm-up seconds per method              BENCH_KEEP (0) 1: keep the work directory
#   BENCH_EAP_GENERATOR (java) java: EapLoadGenerator; eapol_test: eapol_test for every method
#   BENCH_DEADLINE (570)     seconds the whole run may take          BENCH_ASSEMBLY: the appliance to copy
#
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

PARALLEL=${BENCH_PARALLEL:-24}
DURATION=${BENCH_EAP_SECONDS:-20}
WARMUP=${BENCH_EAP_WARMUP:-8}
KEEP=${BENCH_KEEP:-0}
DEADLINE=$((SECONDS + ${BENCH_DEADLINE:-570}))
METHODS="mschapv2 tls peap"
GENERATOR=${BENCH_EAP_GENERATOR:-java}
[[ "$GENERATOR" == java || "$GENERATOR" == eapol_test ]] || { echo "BENCH_EAP_GENERATOR: java or eapol_test" >&2; exit 2; }

SECRET="bench-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"

. "$ROOT/bench/lib.sh"

WORK=$(mktemp -d /tmp/radmfa-bench-eap.XXXXXX)
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
command -v ss >/dev/null || die "ss (iproute2) is needed"
command -v openssl >/dev/null || die "openssl is needed"
need_packages freeradius:freeradius eapol_test:eapoltest
ASSEMBLY="${BENCH_ASSEMBLY:-$ROOT/karaf-assembly/target/assembly}"
GEN_JAR=$(ls "$ROOT"/bench/target/radmfa-bench-*.jar 2>/dev/null | head -n 1 || true)
if [[ ! -x "$ASSEMBLY/bin/start" || -z "$GEN_JAR" ]]; then
    say "building (mvn -q install -DskipTests)"
    bounded 400 mvn -B -q install -DskipTests
    GEN_JAR=$(ls "$ROOT"/bench/target/radmfa-bench-*.jar | head -n 1)
fi

# ---------------------------------------------------------------------------------------------- certificates
PKI="$WORK/pki"
mkdir -p "$PKI"
(
    cd "$PKI"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 7 -subj "/CN=bench CA" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
    printf 'extendedKeyUsage = serverAuth\n' > server.ext
    printf 'extendedKeyUsage = clientAuth\n' > client.ext
    openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj "/CN=radius.bench"
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 7 -extfile server.ext \
        -out server.pem
    openssl req -newkey rsa:2048 -nodes -keyout demo.key -out demo.csr -subj "/CN=demo"
    openssl x509 -req -in demo.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 7 -extfile client.ext -out demo.pem
) > "$WORK/openssl.log" 2>&1 || die "openssl could not make the certificates (see $WORK/openssl.log)"
chmod 644 "$PKI"/*

# The supplicant's side, the same for both servers: the demo user and its certificate; TLS 1.2 (FreeRADIUS 3.2.1's
# default maximum, and PEAP's version).
cat > "$WORK/mschapv2.conf" <<EOF
network={
    key_mgmt=IEEE8021X
    eap=MSCHAPV2
    identity="demo"
    password="demo-password"
}
EOF
cat > "$WORK/tls.conf" <<EOF
network={
    key_mgmt=IEEE8021X
    eap=TLS
    identity="demo"
    ca_cert="$PKI/ca.pem"
    client_cert="$PKI/demo.pem"
    private_key="$PKI/demo.key"
    phase1="tls_disable_tlsv1_3=1"
}
EOF
cat > "$WORK/peap.conf" <<EOF
network={
    key_mgmt=IEEE8021X
    eap=PEAP
    identity="demo"
    password="demo-password"
    ca_cert="$PKI/ca.pem"
    phase1="peapver=0"
    phase2="auth=MSCHAPV2"
}
EOF

# ---------------------------------------------------------------------------------------------- the generator
# load NAME PORT METHOD SECONDS: PARALLEL loops of eapol_test for SECONDS; writes "ok" or "fail" per login into
# $WORK/NAME/worker-*.txt and the RESULT line into $WORK/NAME/result.txt. The generator's CPU is what the loops'
# children used (bash's times), the server's what its process used (/proc).
load() {
    local name=$1 port=$2 method=$3 seconds=$4 pid=$5 out="$WORK/$1"
    mkdir -p "$out"
    local cpu_before t0 t1 end
    cpu_before=$(cpu_seconds "$pid")
    t0=$(date +%s%N)
    end=$((SECONDS + seconds))
    (
        for ((w = 0; w < PARALLEL; w++)); do
            (
                n=0
                while ((SECONDS < end)); do
                    if timeout 30 eapol_test -c "$WORK/$method.conf" -a 127.0.0.1 -p "$port" -s "$SECRET" -r0 -t 15 \
                            > "$out/last-$w.txt" 2>&1 && grep -q "MPPE keys OK: 1  mismatch: 0" "$out/last-$w.txt"; then
                        echo ok
                    else
                        echo fail
                        cp "$out/last-$w.txt" "$out/failed-$w-$n.txt"
                    fi
                    n=$((n + 1))
                done
            ) > "$out/worker-$w.txt" &
        done
        wait
        # bash's times: the shell's CPU, then its children's (every eapol_test); not in a pipe, whose subshell
        # would have none
        times > "$out/times.txt"
    )
    t1=$(date +%s%N)
    local ok fail gen server
    ok=$(cat "$out"/worker-*.txt | grep -c '^ok$' || true)
    fail=$(cat "$out"/worker-*.txt | grep -c '^fail$' || true)
    # "1m2.345s 0m6.789s": the children's user and system time
    gen=$(awk 'NR == 2 { t = 0; for (i = 1; i <= 2; i++) { split($i, p, "m"); sub(/s/, "", p[2]);
                 t += p[1] * 60 + p[2] } printf "%.2f", t }' "$out/times.txt")
    # The server's CPU less what it uses when idle (timers, health checks, the JIT), measured before the load.
    server=$(awk -v a="$cpu_before" -v b="$(cpu_seconds "$pid")" -v idle="${IDLE_CPU_PER_S:-0}" -v ns=$(($(date +%s%N) - t0)) \
        'BEGIN { d = b - a - idle * ns / 1e9; printf "%.2f", (d > 0 ? d : 0) }')
    awk -v name="$name" -v ok="$ok" -v fail="$fail" -v ns=$((t1 - t0)) -v gen="$gen" -v server="$server" \
        -v cpus="$(nproc)" 'BEGIN { s = ns / 1e9;
            printf "RESULT name=%s ok=%d failed=%d seconds=%.1f hps=%.1f server_cpu_ms=%.1f gen_cpu_ms=%.1f" \
                " gen_cpu_pct=%.0f\n", name, ok, fail, s, ok / s, ok ? 1000 * server / ok : 0,
                ok ? 1000 * gen / ok : 0, 100 * gen / s }' | tee "$out/result.txt"
}
# load_java NAME PORT METHOD SECONDS PID: EapLoadGenerator, warm-up included; its RESULT line as load() writes it
# (the warm-up's failures into NAME-warmup/result.txt).
load_java() {
    local name=$1 out="$WORK/$1"
    mkdir -p "$out" "$out-warmup"
    bounded $(($4 + WARMUP + 60)) java -XX:+UseParallelGC -cp "$GEN_JAR" org.radmfa.bench.eap.EapLoadGenerator \
        --name "$name" --host 127.0.0.1 --port "$2" --secret "$SECRET" --method "$3" --user demo \
        --password demo-password --ca "$PKI/ca.pem" --certificate "$PKI/demo.pem" --key "$PKI/demo.key" \
        --conversations "$PARALLEL" --warmup-seconds "$WARMUP" --seconds "$4" --server-pid "$5" \
        --server-idle-cpu "${IDLE_CPU_PER_S:-0}" 2> "$out/errors.txt" | grep '^RESULT' > "$out/result.txt" || true
    cat "$out/errors.txt" >&2
    [[ -s "$out/result.txt" ]] || echo "RESULT name=$name ok=0 failed=1 seconds=0 hps=0 server_cpu_ms=0 gen_cpu_ms=0 gen_cpu_pct=0" \
        > "$out/result.txt"
    echo "RESULT name=$name-warmup failed=$(value warmup_failed "$out/result.txt")" > "$out-warmup/result.txt"
    cat "$out/result.txt"
}
uses_java() { [[ "$GENERATOR" == java ]]; }

value() { sed -n "s/^RESULT .*\b$1=\([^ ]*\).*/\1/p" "$2" | tail -n 1; }

# wait_accept PORT METHOD SECONDS: until one login of METHOD is accepted.
wait_accept() {
    local until=$((SECONDS + $3))
    while ((SECONDS < until)); do
        if timeout 30 eapol_test -c "$WORK/$2.conf" -a 127.0.0.1 -p "$1" -s "$SECRET" -r0 -t 5 2>&1 \
                | grep -q "MPPE keys OK: 1  mismatch: 0"; then
            return 0
        fi
        sleep 1
    done
    return 1
}

# idle_cpu PID: the CPU seconds per second the server uses without load, over 5 s.
idle_cpu() {
    local before
    before=$(cpu_seconds "$1")
    sleep 5
    awk -v a="$before" -v b="$(cpu_seconds "$1")" 'BEGIN { printf "%.4f", (b - a) / 5 }'
}

measure_all() { # SERVER PORT PID
    local method
    IDLE_CPU_PER_S=$(idle_cpu "$3")
    say "$1: idle, it uses $IDLE_CPU_PER_S CPU-seconds per second (subtracted from its CPU per login)"
    for method in $METHODS; do
        if uses_java; then
            say "$1: $method, warm-up ${WARMUP} s, then ${DURATION} s with $PARALLEL EapLoadGenerator logins at once"
            load_java "$1-$method" "$2" "$method" "$DURATION" "$3"
        else
            say "$1: $method, warm-up ${WARMUP} s, then ${DURATION} s with $PARALLEL eapol_test at once"
            load "$1-$method-warmup" "$2" "$method" "$WARMUP" "$3" > /dev/null
            load "$1-$method" "$2" "$method" "$DURATION" "$3"
        fi
    done
}

# ---------------------------------------------------------------------------------------------- FreeRADIUS
FR_DIR="$WORK/freeradius"
FR_PORT=$(free_port)
FR_ACCT=$(free_port)
freeradius_config "$FR_DIR" "$FR_PORT" "$FR_ACCT" "$SECRET" yes <<EOF
demo Cleartext-Password := "demo-password"
EOF
# The eap module with our certificates; EAP-MSCHAPv2 offered first, as radmfa does by default.
sed -i -e "0,/^\s*default_eap_type = md5/s//\tdefault_eap_type = mschapv2/" \
    -e "s|^\(\s*\)private_key_password = .*|\1#private_key_password =|" \
    -e "s|^\(\s*\)private_key_file = .*|\1private_key_file = $PKI/server.key|" \
    -e "s|^\(\s*\)certificate_file = .*|\1certificate_file = $PKI/server.pem|" \
    -e "s|^\(\s*\)ca_file = .*|\1ca_file = $PKI/ca.pem|" \
    -e "s|^\(\s*\)ca_path = .*|\1#ca_path =|" "$FR_DIR/mods-available/eap"
freeradius_check "$FR_DIR"
say "FreeRADIUS $FR_VERSION on 127.0.0.1:$FR_PORT ($FR_DIR)"
start_freeradius "$FR_DIR" "$WORK/freeradius.out"
wait_accept "$FR_PORT" tls 30 || die "FreeRADIUS did not accept EAP-TLS; see $FR_DIR/log/radius.log"
for method in mschapv2 peap; do
    wait_accept "$FR_PORT" "$method" 30 || die "FreeRADIUS did not accept $method from eapol_test"
done
measure_all freeradius "$FR_PORT" "$FR_PID"
stop_freeradius

# ---------------------------------------------------------------------------------------------- radmfa
RM_PORT=$(free_port)
RM_ACCT=$(free_port)
appliance_copy "$ASSEMBLY" "$RM_PORT" "$RM_ACCT" "$SECRET"
# The demo user (password demo-password, group vpn-users) and its policy come with the assembly's demo feature.
cat > "$KARAF_HOME/etc/org.radmfa.eap.tls.cfg" <<EOF
certificateFile = $PKI/server.pem
privateKeyFile = $PKI/server.key
trustedCaFile = $PKI/ca.pem
peap = true
maxSessions = 4096
EOF
"$KARAF_HOME/bin/radmfa-first-boot" >/dev/null
say "radmfa on 127.0.0.1:$RM_PORT ($KARAF_HOME)"
"$KARAF_HOME/bin/start"
wait_accept "$RM_PORT" tls 120 || die "radmfa did not accept EAP-TLS; see $KARAF_HOME/data/log/karaf.log"
for method in mschapv2 peap; do
    wait_accept "$RM_PORT" "$method" 30 || die "radmfa did not accept $method from eapol_test"
done
RM_PID=$(appliance_pid)
measure_all radmfa "$RM_PORT" "$RM_PID"
stop_radmfa

# ---------------------------------------------------------------------------------------------- summary
echo
say "summary: logins per second, $PARALLEL logins at once, $(nproc) CPUs, TLS 1.2, RSA-2048"
printf "| %-14s | %-18s | %-12s | %8s | %6s | %13s | %13s | %9s |\n" "method" "server" "generator" "logins/s" \
    "failed" "server CPU ms" "gen CPU ms" "gen CPU %"
printf "|%s|%s|%s|%s|%s|%s|%s|%s|\n" "----------------" "--------------------" "--------------" "----------" \
    "--------" "---------------" "---------------" "-----------"
GENERATOR_LABEL=$(uses_java && echo EapLoadGen || echo eapol_test)
FAILED=0
RATIOS=""
for method in $METHODS; do
    for server in freeradius radmfa; do
        f="$WORK/$server-$method/result.txt"
        label=$([[ $server == freeradius ]] && echo "FreeRADIUS $FR_VERSION" || echo radmfa)
        printf "| %-14s | %-18s | %-12s | %8s | %6s | %13s | %13s | %9s |\n" "$method" "$label" "$GENERATOR_LABEL" \
            "$(value hps "$f")" "$(value failed "$f")" "$(value server_cpu_ms "$f")" "$(value gen_cpu_ms "$f")" \
            "$(value gen_cpu_pct "$f")"
        FAILED=$((FAILED + $(value failed "$f") + $(value failed "$WORK/$server-$method-warmup/result.txt")))
    done
    ratio=$(awk -v a="$(value hps "$WORK/radmfa-$method/result.txt")" \
        -v b="$(value hps "$WORK/freeradius-$method/result.txt")" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
    cpu_ratio=$(awk -v a="$(value server_cpu_ms "$WORK/radmfa-$method/result.txt")" \
        -v b="$(value server_cpu_ms "$WORK/freeradius-$method/result.txt")" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
    RATIOS="$RATIOS ${method}_cpu_ratio=$cpu_ratio"
    RATIOS="$RATIOS ${method}_ratio=$ratio"
done
echo
echo "ratios radmfa / FreeRADIUS (logins per second; server CPU per login):$RATIOS"
echo "(server CPU ms: the server's CPU per accepted login, less its idle CPU; gen CPU: the generator's, per login and"
echo " in % of one CPU. The generator shares the machine with the server: with eapol_test, which costs far more per"
echo " login than either server, compare the servers' CPU per login rather than their logins per second)"
echo "RESULT name=eap-ratio$RATIOS failed=$FAILED"
if ((FAILED > 0)); then
    echo "bench: $FAILED logins did not end in Access-Accept with matching MPPE keys; why is in" \
        "$WORK/<server>-<method>/ (errors.txt of EapLoadGenerator, failed-*.txt of eapol_test; BENCH_KEEP=1 keeps it)" >&2
    exit 1
fi
