#!/usr/bin/env bash
# NSD, an authoritative DNS server, on loopback for the live-DNS tests (tests/live_dns.rs):
#
#   tests/lab/nsd.sh up      # installs nsd if needed (apt), writes the zones, starts it, waits
#   tests/lab/nsd.sh down    # stops it by its PID
#   tests/lab/nsd.sh status
#
# Env: NSD_DIR (default /tmp/ddns-audit-nsd), NSD_PORT (default 53530). The tests find it in
# DDNS_AUDIT_NSD (default 127.0.0.1:53530). Runs from a private directory as the caller (no
# /etc/nsd, no privileged port), response rate limiting off (LAB.md: Debian's NSD drops NODATA
# answers under its default RRL). Listens on 127.0.0.1 only.
#
# The zones (what tests/live_dns.rs expects):
#   live.example.test        pc1 A; v6only AAAA only (A is NODATA); alias -> www -> pc4 (CNAME chain);
#                            multi with two A; moved (A elsewhere); wrongptr; both A+AAAA; h000..h199
#   16.0.10.in-addr.arpa     PTRs of 10.0.16.x;   20.0.10.in-addr.arpa  PTRs of h000..h199
#   Not served (REFUSED):    anything else, e.g. notserved.test and 17.0.10.in-addr.arpa
# A second instance on NSD_PORT+1 plays a lagging DC for --compare-servers: the same zones,
# except that pc1 is absent there and moved still has its old address 10.0.16.26.
set -euo pipefail
NSD_DIR="${NSD_DIR:-/tmp/ddns-audit-nsd}"
NSD_PORT="${NSD_PORT:-53530}"

log() { echo "nsd.sh: $*" >&2; }

nsd_bin() {
    if ! command -v nsd >/dev/null 2>&1 && [[ ! -x /usr/sbin/nsd ]]; then
        log "installing nsd"
        if [[ $EUID -eq 0 ]]; then
            DEBIAN_FRONTEND=noninteractive apt-get install -y nsd >/dev/null 2>&1 ||
                { apt-get update >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y nsd >/dev/null; }
        else
            log "nsd is not installed and this is not root: apt-get install nsd"; exit 1
        fi
        # Debian starts a system nsd on port 53 after install; it is not ours and not needed.
        systemctl disable --now nsd >/dev/null 2>&1 || true
    fi
    command -v nsd 2>/dev/null || echo /usr/sbin/nsd
}

# write_conf DIR PORT ZONE... : an nsd.conf serving DIR/ZONE.zone for every ZONE.
write_conf() {
    local dir="$1" port="$2"; shift 2
    cat >"$dir/nsd.conf" <<CONF
server:
    ip-address: 127.0.0.1@$port
    port: $port
    username: ""
    database: ""
    chroot: ""
    zonesdir: "$dir"
    pidfile: "$dir/nsd.pid"
    xfrdfile: "$dir/xfrd.state"
    xfrdir: "$dir"
    zonelistfile: "$dir/zone.list"
    logfile: "$dir/nsd.log"
    server-count: 1
    verbosity: 1
    hide-version: yes
    rrl-ratelimit: 0
    rrl-whitelist-ratelimit: 0
remote-control:
    control-enable: no
CONF
    local z
    for z in "$@"; do printf 'zone:\n    name: %s\n    zonefile: "%s/%s.zone"\n' "$z" "$dir" "$z" >>"$dir/nsd.conf"; done
}

# start DIR PORT: runs nsd in the foreground mode (-d) in the background; PID in DIR/nsd.run.pid.
start() {
    local dir="$1" port="$2" bin
    bin="$(nsd_bin)"
    "$bin" -d -c "$dir/nsd.conf" >>"$dir/nsd.out" 2>&1 &
    echo $! >"$dir/nsd.run.pid"
    local i
    for i in $(seq 1 100); do
        if probe "$port"; then return 0; fi
        if ! kill -0 "$(cat "$dir/nsd.run.pid")" 2>/dev/null; then
            log "nsd exited:"; cat "$dir/nsd.out" "$dir/nsd.log" >&2 2>/dev/null || true; return 1
        fi
        sleep 0.1
    done
    log "nsd did not answer on 127.0.0.1:$port"; return 1
}

# probe PORT: whether something answers a DNS query there (bash /dev/udp, no dig needed).
probe() {
    local port="$1"
    command -v python3 >/dev/null 2>&1 || { sleep 0.5; return 0; }
    python3 - "$port" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(0.2)
q = b"\x12\x34\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00" + b"\x03pc1\x04live\x07example\x04test\x00" + b"\x00\x01\x00\x01"
try:
    s.sendto(q, ("127.0.0.1", int(sys.argv[1]))); d = s.recv(512)
    sys.exit(0 if d[:2] == b"\x12\x34" else 1)
except OSError:
    sys.exit(1)
PY
}

stop() {
    local dir="$1" pid
    [[ -f "$dir/nsd.run.pid" ]] || return 0
    pid="$(cat "$dir/nsd.run.pid")"
    if kill -0 "$pid" 2>/dev/null; then
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$dir/nsd.run.pid"
}

lab_zones() {
    local d="$1"
    {
        echo '$ORIGIN live.example.test.'
        echo '$TTL 300'
        echo '@ IN SOA ns1 hostmaster 1 3600 600 86400 60'
        echo '@ IN NS ns1'
        echo 'ns1 IN A 127.0.0.1'
        echo 'pc1 IN A 10.0.16.21'
        echo 'v6only IN AAAA fd00:16::22'
        echo 'alias IN CNAME www'
        echo 'www IN CNAME pc4'
        echo 'pc4 IN A 10.0.16.24'
        echo 'multi IN A 10.0.16.25'
        echo 'multi IN A 10.0.16.99'
        echo 'moved IN A 10.0.16.50'
        echo 'wrongptr IN A 10.0.16.27'
        echo 'both IN A 10.0.16.28'
        echo 'both IN AAAA fd00:16::28'
        echo 'outside IN CNAME host.notserved.test.'
        for i in $(seq 0 199); do printf 'h%03d IN A 10.0.20.%d\n' "$i" "$i"; done
    } >"$d/live.example.test.zone"
    {
        echo '$ORIGIN 16.0.10.in-addr.arpa.'
        echo '$TTL 300'
        echo '@ IN SOA ns1.live.example.test. hostmaster.live.example.test. 1 3600 600 86400 60'
        echo '@ IN NS ns1.live.example.test.'
        echo '21 IN PTR pc1.live.example.test.'
        echo '22 IN PTR v6only.live.example.test.'
        echo '24 IN PTR alias.live.example.test.'
        echo '25 IN PTR multi.live.example.test.'
        echo '26 IN PTR moved.live.example.test.'
        echo '27 IN PTR other.live.example.test.'
        echo '28 IN PTR BOTH.Live.Example.Test.'
    } >"$d/16.0.10.in-addr.arpa.zone"
    {
        echo '$ORIGIN 20.0.10.in-addr.arpa.'
        echo '$TTL 300'
        echo '@ IN SOA ns1.live.example.test. hostmaster.live.example.test. 1 3600 600 86400 60'
        echo '@ IN NS ns1.live.example.test.'
        for i in $(seq 0 199); do printf '%d IN PTR h%03d.live.example.test.\n' "$i" "$i"; done
    } >"$d/20.0.10.in-addr.arpa.zone"
}

case "${1:-}" in
    up)
        if [[ -f "$NSD_DIR/nsd.run.pid" ]] && kill -0 "$(cat "$NSD_DIR/nsd.run.pid")" 2>/dev/null && probe "$NSD_PORT"; then
            stop "$NSD_DIR"   # restart so that the zones are the current ones
        fi
        stop "$NSD_DIR/stale"
        mkdir -p "$NSD_DIR/stale"
        lab_zones "$NSD_DIR"
        lab_zones "$NSD_DIR/stale"
        sed -i -e '/^pc1 /d' -e 's/^moved IN A 10.0.16.50/moved IN A 10.0.16.26/' "$NSD_DIR/stale/live.example.test.zone"
        write_conf "$NSD_DIR" "$NSD_PORT" live.example.test 16.0.10.in-addr.arpa 20.0.10.in-addr.arpa
        write_conf "$NSD_DIR/stale" "$((NSD_PORT + 1))" live.example.test 16.0.10.in-addr.arpa 20.0.10.in-addr.arpa
        start "$NSD_DIR" "$NSD_PORT"
        start "$NSD_DIR/stale" "$((NSD_PORT + 1))"
        log "up on 127.0.0.1:$NSD_PORT and (lagging copy) 127.0.0.1:$((NSD_PORT + 1)), dir $NSD_DIR"
        ;;
    down) stop "$NSD_DIR/stale"; stop "$NSD_DIR"; log "down" ;;
    status) probe "$NSD_PORT" && log "answering on 127.0.0.1:$NSD_PORT" ;;
    # Used by benches/live-dns.sh: nsd.sh serve DIR PORT ZONE... (zone files DIR/ZONE.zone already written)
    serve) shift; d="$1" p="$2"; shift 2; write_conf "$d" "$p" "$@"; start "$d" "$p" ;;
    stop) stop "$2" ;;
    *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
