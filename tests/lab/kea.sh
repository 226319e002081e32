#!/usr/bin/env bash
# The Kea part of the lab, on top of a running Samba lab (tests/lab/up.sh calls `kea.sh up` at
# its end, down.sh calls `kea.sh down` first; both also work standalone):
#
#   sudo tests/lab/kea.sh up     # (re)builds the Kea world: ~15 s after install
#   sudo tests/lab/kea.sh down   # stops clients and Kea, deletes their namespaces and records
#
# Inside the DC's namespace ($LAB_NS): bridge kbr0 10.77.2.1/24, kea-dhcp4 on it (lease_cmds
# hook, memfile), kea-dhcp-ddns (127.0.0.1:53001 -> dhcid_strip.py on 127.0.0.1:53053 -> the DC
# at 10.77.0.2:53, non-secure updates; the relay drops the DHCID records Kea 2.2 always sends
# and Samba refuses with NOTIMP),
# kea-ctrl-agent on http://10.77.0.2:8000/ (reached from the root namespace over ddnslab0), and
# a second one on https://10.77.0.2:8443/ with basic auth (user auditor, $LAB_DIR/kea/kea.pass).
# Clients: ISC dhclient in namespaces ddnsc1..N, each on a veth into kbr0; the table (host, MAC,
# IP, subnet group, Option 81) is KEA_CLIENTS in plant.py, the expected audit rows world.md.
#
# The scenario (world.md, "Kea"): every client leases and kea-dhcp-ddns registers its A and PTR
# records; every client's records are aged to AS_OF-20d (dwTimeStamp rewritten over LDAP, as if
# 20 days had passed); every client renews: subnet 21 (ddns-update-on-renew true) re-registers
# its clients, subnet 22 (Kea's default, false) does not, so those records keep the old
# timestamp; finally kea-gone-01's records are deleted, as scavenging would.
# Subnets 23-25 have no clients (no interface, not on kbr0's network): they are there for
# `config-get` (issue #10), so that the subnets also differ in ddns-send-updates and every level
# of Kea's inheritance (global, shared network "lab-quiet", subnet) sets some key.
#
# Samba must accept unsigned updates ("allow dns updates = nonsecure"; Kea 2.2 has no GSS-TSIG):
# up.sh provisions with it; on a lab provisioned without it this script adds it to smb.conf and
# restarts samba once (same data, ~2 s).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
. "$here/lib.sh"

[[ $EUID -eq 0 ]] || lab_die "run as root"

KEA_DIR="$LAB_DIR/kea"
KEA_BR=kbr0
KEA_BR_IP=10.77.2.1
KEA_CA_PORT=8000
KEA_URL="http://$LAB_DC_IP:$KEA_CA_PORT/"
KEA_NS_PREFIX=ddnsc
KEA_TLS_PORT=8443
KEA_TLS_URL="https://$LAB_DC_IP:$KEA_TLS_PORT/"
KEA_USER=auditor

in_ns() { ip netns exec "$LAB_NS" "$@"; }

stop_pidfile() { # pidfile expected-comm-prefix
    local f=$1 comm=$2 pid i
    [[ -f "$f" ]] || return 0
    pid=$(tr -dc 0-9 <"$f")
    [[ -n "$pid" ]] || return 0
    [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == "$comm"* ]] || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 50); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
}

clients() { "$LAB_PY" "$here/plant.py" --kea-table; }

kea_down() {
    local n host
    if [[ -d "$KEA_DIR" ]]; then
        for f in "$KEA_DIR"/c*/dhclient.pid; do [[ -e "$f" ]] && stop_pidfile "$f" dhclient; done
        stop_pidfile "$KEA_DIR/ctrl-agent.pid" kea-ctrl-agent
        stop_pidfile "$KEA_DIR/ctrl-agent-tls.pid" kea-ctrl-agent
        stop_pidfile "$KEA_DIR/dhcp4.pid" kea-dhcp4
        stop_pidfile "$KEA_DIR/d2.pid" kea-dhcp-ddns
        stop_pidfile "$KEA_DIR/dhcid-strip.pid" python3
    fi
    for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^${KEA_NS_PREFIX}[0-9]+$" || true); do
        for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
        ip netns delete "$ns" 2>/dev/null || true
    done
    if ip netns list 2>/dev/null | grep -qw "^$LAB_NS"; then
        for l in $(in_ns ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1 | grep -E '^kc[0-9]+$' || true); do
            in_ns ip link delete "$l" 2>/dev/null || true
        done
        in_ns ip link delete "$KEA_BR" 2>/dev/null || true
        # The Kea clients' records, so a later `up` starts from nothing (only if the DC answers).
        if [[ -f "$LAB_DIR/admin.pass" ]] && timeout 3 bash -c "</dev/tcp/$LAB_DC_IP/389" 2>/dev/null; then
            "$LAB_PY" "$here/kea_dns.py" --server "$LAB_DC_IP" --password-file "$LAB_DIR/admin.pass" purge \
                || lab_log "could not delete the Kea clients' DNS records"
        fi
    fi
    if [[ -f "$LAB_DIR/env" ]]; then sed -i '/^export LAB_KEA_/d' "$LAB_DIR/env"; fi
    case "$KEA_DIR" in */kea) rm -rf "$KEA_DIR" ;; esac
    return 0
}

ensure_nonsecure_updates() {
    local conf="$LAB_DIR/dc/etc/smb.conf"
    if grep -qE '^[[:space:]]*allow dns updates[[:space:]]*=[[:space:]]*nonsecure[[:space:]]*$' "$conf"; then
        return 0
    fi
    lab_log "smb.conf: allow dns updates = nonsecure (Kea 2.2 sends unsigned updates); restarting samba"
    sed -i '/^[[:space:]]*allow dns updates/d; s/^\[global\]$/[global]\n\tallow dns updates = nonsecure/' "$conf"
    lab_samba_stop
    lab_samba_start
}

write_configs() {
    local n host mac ip group o81 gone res21="" res22="" r
    while read -r n host mac ip group o81 gone restamp; do
        r="{\"hw-address\": \"$mac\", \"ip-address\": \"$ip\"}"
        if [[ $group == renew ]]; then res21+="${res21:+, }$r"; else res22+="${res22:+, }$r"; fi
    done < <(clients)
    cat >"$KEA_DIR/kea-dhcp4.conf" <<EOF
{ "Dhcp4": {
  "interfaces-config": { "interfaces": [ "$KEA_BR" ], "dhcp-socket-type": "raw" },
  "control-socket": { "socket-type": "unix", "socket-name": "$KEA_DIR/dhcp4.sock" },
  "lease-database": { "type": "memfile", "persist": true, "name": "$KEA_DIR/leases4.csv", "lfc-interval": 0 },
  "hooks-libraries": [ { "library": "$KEA_HOOKS/libdhcp_lease_cmds.so" } ],
  "valid-lifetime": $KEA_LEASE_S,
  "dhcp-ddns": { "enable-updates": true, "server-ip": "127.0.0.1", "server-port": 53001 },
  "ddns-send-updates": true,
  "ddns-qualifying-suffix": "$LAB_DNS_DOMAIN",
  "ddns-replace-client-name": "never",
  "ddns-override-client-update": true,
  "ddns-use-conflict-resolution": false,
  "client-classes": [
    { "name": "renew-updates",    "test": "substring(pkt4.mac,3,1) == 0xa0" },
    { "name": "no-renew-updates", "test": "substring(pkt4.mac,3,1) == 0xf0" }
  ],
  "shared-networks": [ { "name": "lab-clients", "interface": "$KEA_BR", "subnet4": [
    { "id": 21, "subnet": "10.77.2.0/25", "client-class": "renew-updates",
      "pools": [ { "pool": "10.77.2.50 - 10.77.2.99" } ],
      "ddns-update-on-renew": true,
      "reservations": [ $res21 ] },
    { "id": 22, "subnet": "10.77.2.128/25", "client-class": "no-renew-updates",
      "pools": [ { "pool": "10.77.2.200 - 10.77.2.249" } ],
      "ddns-update-on-renew": false,
      "reservations": [ $res22 ] }
  ] },
  { "name": "lab-quiet", "ddns-send-updates": false, "ddns-update-on-renew": true, "subnet4": [
    { "id": 23, "subnet": "10.77.6.0/24" },
    { "id": 24, "subnet": "10.77.7.0/24", "ddns-send-updates": true, "ddns-override-no-update": true }
  ] } ],
  "subnet4": [ { "id": 25, "subnet": "10.77.8.0/24", "ddns-override-client-update": false } ],
  "loggers": [ { "name": "kea-dhcp4", "severity": "INFO",
                 "output_options": [ { "output": "$KEA_DIR/dhcp4.log" } ] } ]
} }
EOF
    cat >"$KEA_DIR/kea-dhcp-ddns.conf" <<EOF
{ "DhcpDdns": {
  "ip-address": "127.0.0.1", "port": 53001, "dns-server-timeout": 2000,
  "tsig-keys": [],
  "forward-ddns": { "ddns-domains": [ { "name": "$LAB_DNS_DOMAIN.", "dns-servers": [ { "ip-address": "127.0.0.1", "port": 53053 } ] } ] },
  "reverse-ddns": { "ddns-domains": [ { "name": "2.77.10.in-addr.arpa.", "dns-servers": [ { "ip-address": "127.0.0.1", "port": 53053 } ] } ] },
  "loggers": [ { "name": "kea-dhcp-ddns", "severity": "INFO",
                 "output_options": [ { "output": "$KEA_DIR/d2.log" } ] } ]
} }
EOF
    cat >"$KEA_DIR/kea-ctrl-agent.conf" <<EOF
{ "Control-agent": {
  "http-host": "$LAB_DC_IP", "http-port": $KEA_CA_PORT,
  "control-sockets": { "dhcp4": { "socket-type": "unix", "socket-name": "$KEA_DIR/dhcp4.sock" } },
  "loggers": [ { "name": "kea-ctrl-agent", "severity": "INFO",
                 "output_options": [ { "output": "$KEA_DIR/ctrl-agent.log" } ] } ]
} }
EOF
    # A second agent as a hardened site runs it: HTTPS (the DC's lab certificate, SAN
    # IP:10.77.0.2) and basic authentication.
    (umask 077 && openssl rand -hex 12 | tr -d '\n' >"$KEA_DIR/kea.pass")
    (umask 077 && cat >"$KEA_DIR/kea-ctrl-agent-tls.conf" <<EOF
{ "Control-agent": {
  "http-host": "$LAB_DC_IP", "http-port": $KEA_TLS_PORT,
  "trust-anchor": "$LAB_DIR/ca.pem", "cert-file": "$LAB_DIR/dc/private/tls/cert.pem",
  "key-file": "$LAB_DIR/dc/private/tls/key.pem", "cert-required": false,
  "authentication": { "type": "basic", "realm": "ddns-audit-lab",
                      "clients": [ { "user": "$KEA_USER", "password": "$(cat "$KEA_DIR/kea.pass")" } ] },
  "control-sockets": { "dhcp4": { "socket-type": "unix", "socket-name": "$KEA_DIR/dhcp4.sock" } },
  "loggers": [ { "name": "kea-ctrl-agent", "severity": "INFO",
                 "output_options": [ { "output": "$KEA_DIR/ctrl-agent-tls.log" } ] } ]
} }
EOF
    )
    # The clients' script: set the leased address on the interface, nothing else (Debian's
    # dhclient-script would rewrite the host's /etc/resolv.conf).
    cat >"$KEA_DIR/client-script" <<'EOF'
#!/bin/sh
case "$reason" in
    BOUND|RENEW|REBIND|REBOOT)
        ip addr flush dev "$interface" scope global
        ip addr add "$new_ip_address/$new_subnet_mask" dev "$interface" ;;
esac
exit 0
EOF
    chmod 755 "$KEA_DIR/client-script"
}

start_daemon() { # name binary conf
    local name=$1 bin=$2 conf=$3
    in_ns "$bin" -t "$conf" >"$KEA_DIR/$name.check" 2>&1 || { cat "$KEA_DIR/$name.check" >&2; lab_die "$name: config rejected"; }
    ip netns exec "$LAB_NS" env KEA_PIDFILE_DIR="$KEA_DIR" KEA_LOCKFILE_DIR="$KEA_DIR" \
        setsid "$bin" -c "$conf" </dev/null >>"$KEA_DIR/$name.out" 2>&1 &
    echo $! >"$KEA_DIR/$name.pid"
}

agent() { # command [service]: POST to the control agent, print the reply
    curl -sS --max-time 5 -H 'Content-Type: application/json' \
        -d "{\"command\": \"$1\"${2:+, \"service\": [\"$2\"]}}" "$KEA_URL"
}

client_run() { # n host mac option81: one DHCP exchange (DORA, or a renewal with a lease file)
    local n=$1 host=$2 o81=$3 d="$KEA_DIR/c$1"
    stop_pidfile "$d/dhclient.pid" dhclient
    ip netns exec "$KEA_NS_PREFIX$n" dhclient -4 -1 -v -cf "$d/dhclient.conf" -lf "$d/dhclient.leases" \
        -pf "$d/dhclient.pid" -sf "$KEA_DIR/client-script" eth0 >>"$d/dhclient.log" 2>&1 \
        || { tail -20 "$d/dhclient.log" >&2; lab_die "dhclient for $host got no lease"; }
}

records_json() { "$LAB_PY" "$here/kea_dns.py" --server "$LAB_DC_IP" --password-file "$LAB_DIR/admin.pass" show; }

# Waits until every listed host has an A and a PTR record with a timestamp other than $2.
wait_registered() { # "host host ..." not-this-timestamp
    local hosts=$1 old=$2 deadline=$((SECONDS + 30))
    until records_json | "$LAB_PY" -c '
import json, sys
d = json.load(sys.stdin); old = int(sys.argv[2])
ok = all(d[h][k]["records"] and all(r["timestamp"] not in (0, old) for r in d[h][k]["records"])
         for h in sys.argv[1].split() for k in ("A", "PTR"))
sys.exit(0 if ok else 1)' "$hosts" "$old"; do
        ((SECONDS < deadline)) || { tail -20 "$KEA_DIR/d2.log" >&2; lab_die "kea-dhcp-ddns did not register: $hosts"; }
        sleep 0.5
    done
}

kea_up() {
    local t0=$SECONDS n host mac ip group o81 gone restamp all="" renew="" norenew="" gone_hosts="" restamped=""
    [[ -f "$LAB_DIR/samba.pid" && -f "$LAB_DIR/admin.pass" ]] || lab_die "no Samba lab in $LAB_DIR: run tests/lab/up.sh"
    ip netns list | grep -qw "^$LAB_NS" || lab_die "namespace $LAB_NS missing: run tests/lab/up.sh"

    PKGS=(kea-dhcp4-server kea-ctrl-agent kea-dhcp-ddns-server isc-dhcp-client curl python3-dnspython)
    local missing=() p
    for p in "${PKGS[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    if ((${#missing[@]})); then
        lab_log "install: ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -q --no-install-recommends "${missing[@]}" >/tmp/ddns-audit-lab-kea-apt.log 2>&1 \
            || { tail -30 /tmp/ddns-audit-lab-kea-apt.log; lab_die "apt-get install failed"; }
    fi
    KEA_HOOKS=$(dirname "$(dpkg -L kea-dhcp4-server kea-common 2>/dev/null | grep -m1 'libdhcp_lease_cmds.so$')")
    [[ -f "$KEA_HOOKS/libdhcp_lease_cmds.so" ]] || lab_die "libdhcp_lease_cmds.so not found"
    KEA_LEASE_S=$("$LAB_PY" -c "import sys; sys.path.insert(0, '$here'); import plant; print(plant.KEA_LEASE_S)")

    kea_down
    ensure_nonsecure_updates
    mkdir -p "$KEA_DIR"
    chmod 700 "$KEA_DIR"

    # Network: bridge in the DC's namespace, one namespace + veth per client.
    in_ns ip link add "$KEA_BR" type bridge
    in_ns ip addr add "$KEA_BR_IP/24" dev "$KEA_BR"
    in_ns ip link set "$KEA_BR" up
    while read -r n host mac ip group o81 gone restamp; do
        ip netns add "$KEA_NS_PREFIX$n"
        ip link add "kc$n" netns "$LAB_NS" type veth peer name eth0 netns "$KEA_NS_PREFIX$n"
        in_ns ip link set "kc$n" master "$KEA_BR" up
        ip -n "$KEA_NS_PREFIX$n" link set eth0 address "$mac" up
        ip -n "$KEA_NS_PREFIX$n" link set lo up
        mkdir -p "$KEA_DIR/c$n"
        {
            echo "send host-name \"$host\";"
            if [[ $o81 == 1 ]]; then
                echo "send fqdn.fqdn \"$host.$LAB_DNS_DOMAIN.\";"
                echo "send fqdn.encoded on;"
                echo "send fqdn.server-update on;"
            fi
            echo "request subnet-mask;"
        } >"$KEA_DIR/c$n/dhclient.conf"
        all+=" $host"
        if [[ $group == renew ]]; then renew+=" $host"; else norenew+=" $host"; fi
        [[ $gone == 1 ]] && gone_hosts+=" $host"
        [[ $restamp != 0 ]] && restamped+=" $host:$restamp"
    done < <(clients)

    write_configs
    ip netns exec "$LAB_NS" setsid "$LAB_PY" "$here/dhcid_strip.py" --listen 127.0.0.1:53053 --server "$LAB_DC_IP:53" \
        --log "$KEA_DIR/dhcid-strip.log" </dev/null >>"$KEA_DIR/dhcid-strip.out" 2>&1 &
    echo $! >"$KEA_DIR/dhcid-strip.pid"
    start_daemon d2 /usr/sbin/kea-dhcp-ddns "$KEA_DIR/kea-dhcp-ddns.conf"
    start_daemon dhcp4 /usr/sbin/kea-dhcp4 "$KEA_DIR/kea-dhcp4.conf"
    start_daemon ctrl-agent /usr/sbin/kea-ctrl-agent "$KEA_DIR/kea-ctrl-agent.conf"
    start_daemon ctrl-agent-tls /usr/sbin/kea-ctrl-agent "$KEA_DIR/kea-ctrl-agent-tls.conf"
    local deadline=$((SECONDS + 20))
    until agent list-commands dhcp4 2>/dev/null | grep -q lease4-get-page; do
        ((SECONDS < deadline)) || { tail -20 "$KEA_DIR"/*.out "$KEA_DIR"/dhcp4.log >&2 || true; lab_die "Kea control agent not answering on $KEA_URL"; }
        sleep 0.3
    done
    lab_log "kea up: agent $KEA_URL, lease_cmds loaded"

    # 1. Every client leases; kea-dhcp-ddns registers A + PTR.
    while read -r n host mac ip group o81 gone restamp; do client_run "$n" "$host" "$o81"; done < <(clients)
    wait_registered "$all" -1
    lab_log "registered:$all"
    # The DHCP server's account owns what it registered (on Windows: its computer account or
    # DNS credentials; here planted over LDAP, kea-dhcp-ddns's unsigned updates make SYSTEM the
    # owner). Later updates keep the owner: the check at the end reads it back.
    # shellcheck disable=SC2086
    "$LAB_PY" "$here/kea_dns.py" --server "$LAB_DC_IP" --password-file "$LAB_DIR/admin.pass" own $all >/dev/null

    # 2. Twenty days pass (records aged over LDAP), 3. every client renews.
    local aged
    aged=$("$LAB_PY" -c "import sys; sys.path.insert(0, '$here'); import plant; print(plant.AS_OF_HOURS - plant.KEA_AGE_H)")
    # shellcheck disable=SC2086
    "$LAB_PY" "$here/kea_dns.py" --server "$LAB_DC_IP" --password-file "$LAB_DIR/admin.pass" age $all >/dev/null
    while read -r n host mac ip group o81 gone restamp; do client_run "$n" "$host" "$o81"; done < <(clients)
    wait_registered "$renew" "$aged"
    sleep 2 # give a (wrong) update for the no-renew group time to show up before checking it did not
    # A no-renew client refreshed recently (issue #20): its records re-stamped to the real now
    # minus restamp_h hours, a refresh its DHCP server will not repeat.
    local hr
    for hr in $restamped; do
        "$LAB_PY" "$here/kea_dns.py" --server "$LAB_DC_IP" --password-file "$LAB_DIR/admin.pass" stamp "${hr#*:}" "${hr%%:*}" >/dev/null
    done
    # 4. Scavenging takes the first frozen records (deleted by an unsigned update, as kea-dhcp-ddns would).
    for host in $gone_hosts; do
        ip=$(clients | awk -v h="$host" '$2 == h {print $4}')
        IFS=. read -r o1 o2 o3 o4 <<<"$ip"
        printf 'server %s\nzone %s\nupdate delete %s.%s. A\nsend\nzone 2.77.10.in-addr.arpa\nupdate delete %s.%s.%s.%s.in-addr.arpa. PTR\nsend\n' \
            "$LAB_DC_IP" "$LAB_DNS_DOMAIN" "$host" "$LAB_DNS_DOMAIN" "$o4" "$o3" "$o2" "$o1" | nsupdate \
            || lab_die "could not delete $host's records"
    done

    # Check the world is as world.md says.
    records_json >"$KEA_DIR/records.json"
    "$LAB_PY" - "$KEA_DIR/records.json" "$aged" "$renew" "$norenew" "$gone_hosts" "$restamped" "$here" <<'PY' || lab_die "the Kea world is not as expected (see $KEA_DIR/records.json)"
import json, sys
sys.path.insert(0, sys.argv[7])
d = json.load(open(sys.argv[1])); aged = int(sys.argv[2])
renew, norenew, gone, restamped = (sys.argv[i].split() for i in (3, 4, 5, 6))
restamped = [r.split(":")[0] for r in restamped]
from plant import KEA_OWNER
bad = []
for h in d:
    for k in ("A", "PTR"):
        if d[h][k]["exists"] and h not in gone and d[h][k]["owner"] != KEA_OWNER:
            bad.append(f"{h} {k}: owner {d[h][k]['owner']} (want {KEA_OWNER})")
for h in renew:
    for k in ("A", "PTR"):
        ts = [r["timestamp"] for r in d[h][k]["records"]]
        if not ts or any(t <= aged for t in ts):
            bad.append(f"{h} {k}: {ts} (want refreshed by the renewal)")
for h in norenew:
    for k in ("A", "PTR"):
        ts = [r["timestamp"] for r in d[h][k]["records"]]
        if h in gone:
            if ts:
                bad.append(f"{h} {k}: {ts} (want deleted)")
        elif h in restamped:
            if not ts or any(t <= aged for t in ts):
                bad.append(f"{h} {k}: {ts} (want re-stamped to a recent refresh)")
        elif ts != [aged]:
            bad.append(f"{h} {k}: {ts} (want [{aged}]: not refreshed by the renewal)")
print("\n".join(bad) or "kea world ok", file=sys.stderr)
sys.exit(1 if bad else 0)
PY
    agent lease4-get-all dhcp4 >"$KEA_DIR/leases.json"

    if [[ -f "$LAB_DIR/env" ]]; then
        sed -i '/^export LAB_KEA_/d' "$LAB_DIR/env"
        {
            echo "export LAB_KEA_URL=$KEA_URL"
            echo "export LAB_KEA_TLS_URL=$KEA_TLS_URL"
            echo "export LAB_KEA_USER=$KEA_USER"
            echo "export LAB_KEA_PASSWORD_FILE=$KEA_DIR/kea.pass"
            echo "export LAB_KEA_DIR=$KEA_DIR"
        } >>"$LAB_DIR/env"
    fi
    echo "kea $((SECONDS - t0))s" >>"$LAB_DIR/timings.txt"
    lab_log "kea world ready in $((SECONDS - t0)) s: renew group$renew refreshed; no-renew group$norenew kept AS_OF-20d (but${restamped:- none} re-stamped); deleted:$gone_hosts"
}

case "${1:-}" in
    up) kea_up ;;
    down) kea_down; lab_log "kea down" ;;
    *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
