# bench/lib.sh — what bench/run.sh, run-eap.sh and run-mfa.sh share: bounded steps, free loopback ports, a private copy of
# the built appliance, and stopping it. Sourced, not run. The caller sets DEADLINE (in $SECONDS) and KARAF_HOME.
#
# BENCH_CLUSTER=1 makes the copy a member of a one-node radmfa-cluster (Hazelcast on a free loopback port), to
# measure what one node of a cluster carries.

die() { echo "bench: $*" >&2; exit 1; }
say() { echo "== $*"; }
left() { local l=$((DEADLINE - SECONDS)); (( l > 0 )) || die "out of time (BENCH_DEADLINE)"; echo "$l"; }
# bounded SECONDS CMD...: run CMD, killed if it outlasts both SECONDS and what is left of the deadline.
bounded() { local s=$1; shift; local l; l=$(left); (( s < l )) || s=$l; timeout --kill-after=5 "$s" "$@"; }

# A free port on 127.0.0.1 for both TCP and UDP, not already handed out in this run.
TAKEN=" "
free_port() {
    local port i
    for ((i = 0; i < 200; i++)); do
        port=$((20000 + RANDOM % 40000))
        [[ "$TAKEN" == *" $port "* ]] && continue
        if [[ -z "$(ss -Htuln "sport = :$port" 2>/dev/null)" ]]; then
            TAKEN="$TAKEN$port "
            echo "$port"
            return 0
        fi
    done
    die "no free port found"
}

# CPU seconds (user + system) a process has used so far.
cpu_seconds() { awk '{ sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / 100 }' "/proc/$1/stat"; }

# thread_ticks PID: "ticks<TAB>name" per thread name of PID (user + system CPU in clock ticks); threads whose names
# differ only in a trailing number (a pool's) are summed. The kernel keeps the first 15 characters of a name.
thread_ticks() {
    local task
    for task in /proc/"$1"/task/*; do
        # The name may hold spaces; the fields after the ")" that closes it are fixed.
        printf '%s\t%s\n' "$(sed 's/^.*) //' "$task/stat" 2>/dev/null | awk '{ print $12 + $13 }')" \
            "$(sed 's/-\?[0-9]\+$/-N/' "$task/comm" 2>/dev/null)"
    done | awk -F '\t' '$1 != "" { t[$2] += $1 } END { for (n in t) printf "%d\t%s\n", t[n], n }'
}

# appliance_copy ASSEMBLY AUTH_PORT ACCT_PORT SECRET: a private copy of the built appliance in $KARAF_HOME (without
# its data/), every port it opens moved to a free one, RADIUS on 127.0.0.1 with the per-client rate limit off (one
# load generator sends everything), and the generator registered as the client "bench" in place of the demo client
# (same address; overwritten, not deleted, because the radmfa-demo feature writes a deleted one again).
appliance_copy() {
    local assembly=$1 auth=$2 acct=$3 secret=$4 etc="$KARAF_HOME/etc"
    mkdir -p "$KARAF_HOME"
    (cd "$assembly" && tar --exclude=./data --exclude=./karaf.pid -cf - .) | (cd "$KARAF_HOME" && tar -xf -)
    sed -i "s/^sshPort *=.*/sshPort = $(free_port)/" "$etc/org.apache.karaf.shell.cfg"
    sed -i "s/^org.osgi.service.http.port *=.*/org.osgi.service.http.port = $(free_port)/" "$etc/org.ops4j.pax.web.cfg"
    sed -i -e "s/^rmiRegistryPort *=.*/rmiRegistryPort = $(free_port)/" \
        -e "s/^rmiServerPort *=.*/rmiServerPort = $(free_port)/" \
        -e "s/^jmxmpPort *=.*/jmxmpPort = $(free_port)/" "$etc/org.apache.karaf.management.cfg"
    cat > "$etc/org.radmfa.transport.cfg" <<EOF
authPort = $auth
acctPort = $acct
listenAddresses = 127.0.0.1
# One load generator sends everything.
rateLimitPerClient = 0
EOF
    # BENCH_DECIDER_THREADS: the transport's deciderThreads (0: each reading thread decides what it reads).
    if [[ -n "${BENCH_DECIDER_THREADS:-}" ]]; then
        echo "deciderThreads = $BENCH_DECIDER_THREADS" >> "$etc/org.radmfa.transport.cfg"
    fi
    cat > "$etc/org.radmfa.client-demo.cfg" <<EOF
name = bench
address = 127.0.0.1
secret = $secret
requireMessageAuthenticator = true
EOF
    if [[ "${BENCH_CLUSTER:-0}" == 1 ]]; then
        local port
        port=$(free_port)
        sed -i -e "s|^featuresBoot *=\(.*\)|featuresBoot =\1, radmfa-cluster|" "$etc/org.apache.karaf.features.cfg"
        head -c 32 /dev/urandom | base64 > "$etc/radmfa-vault.key"
        cat > "$etc/org.radmfa.cluster.cfg" <<EOF
nodeName = bench-1
bindAddress = 127.0.0.1
port = $port
members = 127.0.0.1:$port
EOF
        say "the appliance is a member of a one-node radmfa-cluster (Hazelcast on 127.0.0.1:$port)"
    fi
}

# The appliance's pid once bin/start has written it, or nothing.
appliance_pid() { [[ -f "$KARAF_HOME/karaf.pid" ]] && cat "$KARAF_HOME/karaf.pid"; }

stop_radmfa() {
    [[ -x "$KARAF_HOME/bin/stop" ]] || return 0
    local pid i
    pid=$(appliance_pid || true)
    [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
    timeout 20 "$KARAF_HOME/bin/stop" >/dev/null 2>&1 || true
    for ((i = 0; i < 300; i++)); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
    kill "$pid" 2>/dev/null || true
    sleep 2
    kill -9 "$pid" 2>/dev/null || true
}

# need_packages COMMAND:PACKAGE...: installs (as root) the Debian packages whose commands are missing. The freeradius
# package may start the system service on 1812/1813; it is not what is measured, so it is stopped.
need_packages() {
    local pair missing=""
    for pair in "$@"; do
        command -v "${pair%%:*}" >/dev/null || missing="$missing ${pair#*:}"
    done
    [[ -n "$missing" ]] || return 0
    [[ $(id -u) == 0 ]] || die "missing:$missing; run as root to install them (apt-get install$missing)"
    say "installing$missing"
    export DEBIAN_FRONTEND=noninteractive
    # shellcheck disable=SC2086
    bounded 300 apt-get install -y -q $missing >/dev/null || { bounded 120 apt-get update -q >/dev/null;
        bounded 300 apt-get install -y -q $missing >/dev/null; }
    if command -v systemctl >/dev/null && systemctl is-active -q freeradius 2>/dev/null; then
        systemctl stop freeradius || true
    fi
}

# rewrite_listeners FILE AUTHPORT ACCTPORT: a FreeRADIUS virtual server's IPv4 listen sections on 127.0.0.1 with these
# ports, its IPv6 ones removed ("none": every listen section removed).
rewrite_listeners() {
    awk -v auth="$2" -v acct="$3" '
        /^listen[ \t]*\{/ { inblock = 1; block = ""; }
        inblock { block = block $0 "\n";
            if ($0 ~ /^\}/) { inblock = 0;
                if (block ~ /\n[ \t]*ipv6addr[ \t]*=/ || auth == "none") next;
                port = (block ~ /type = acct/) ? acct : auth;
                gsub(/ipaddr = \*/, "ipaddr = 127.0.0.1", block);
                gsub(/port = 0/, "port = " port, block);
                printf "%s", block; }
            next }
        { print }' "$1" > "$1.new"
    mv "$1.new" "$1"
}

# freeradius_config DIR AUTH_PORT ACCT_PORT SECRET REQUIRE_MA: a private copy of Debian's FreeRADIUS 3 configuration
# in DIR: logs and run files inside it, one client "bench" (127.0.0.1, SECRET, require_message_authenticator =
# REQUIRE_MA, yes or no), the users file lines read from stdin ahead of the distribution's DEFAULT entries, and the
# stock "default" virtual server listening on 127.0.0.1 on these ports, the inner tunnel (EAP) without a listener.
# The caller may edit DIR further, then calls freeradius_check and start_freeradius.
freeradius_config() {
    local dir=$1 auth=$2 acct=$3 secret=$4 require=$5
    cp -a /etc/freeradius/3.0 "$dir"
    mkdir -p "$dir/log" "$dir/run" "$dir/radacct"
    sed -i -e "s|^\s*logdir = .*|logdir = $dir/log|" -e "s|^\s*run_dir = .*|run_dir = $dir/run|" \
        -e "s|^\s*radacctdir = .*|radacctdir = $dir/radacct|" "$dir/radiusd.conf"
    cat > "$dir/clients.conf" <<CLIENTS
# One client, as for radmfa: the generator on loopback.
client bench {
	ipaddr = 127.0.0.1
	secret = $secret
	require_message_authenticator = $require
}
CLIENTS
    {
        cat
        echo
        cat /etc/freeradius/3.0/mods-config/files/authorize
    } > "$dir/mods-config/files/authorize"
    rm -f "$dir/sites-enabled/default" "$dir/sites-enabled/inner-tunnel"
    cp "$dir/sites-available/default" "$dir/sites-enabled/default"
    cp "$dir/sites-available/inner-tunnel" "$dir/sites-enabled/inner-tunnel"
    rewrite_listeners "$dir/sites-enabled/default" "$auth" "$acct"
    rewrite_listeners "$dir/sites-enabled/inner-tunnel" none none
}

# freeradius_check DIR: hands DIR to the freerad user and checks the configuration (freeradius -C); sets FR_VERSION.
freeradius_check() {
    chown -R freerad:freerad "$1"
    bounded 30 freeradius -C -d "$1" >/dev/null || { freeradius -XC -d "$1" | tail -20; die "FreeRADIUS config"; }
    FR_VERSION=$(freeradius -v | sed -n '1s/.*Version \([^,]*\),.*/\1/p')
}

# start_freeradius DIR OUT: FreeRADIUS in the foreground of a background job, output in OUT; sets FR_PID.
start_freeradius() {
    freeradius -f -d "$1" > "$2" 2>&1 &
    FR_PID=$!
}

# stop_freeradius: stops the FreeRADIUS of start_freeradius (TERM, then KILL after 10 s) and clears FR_PID.
stop_freeradius() {
    local i
    if [[ -n "${FR_PID:-}" ]] && kill -0 "$FR_PID" 2>/dev/null; then
        kill "$FR_PID" 2>/dev/null || true
        for ((i = 0; i < 100; i++)); do kill -0 "$FR_PID" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$FR_PID" 2>/dev/null || true
    fi
    FR_PID=""
}
