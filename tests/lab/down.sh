#!/usr/bin/env bash
# Tear the lab down: stop the Samba DC (by its saved PID, then any process left in the lab's
# namespace), delete the namespace and veth pair, remove the marked /etc/hosts line and $LAB_DIR.
# Safe to run any number of times, and on a half-built lab.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
. "$here/lib.sh"

[[ $EUID -eq 0 ]] || lab_die "run as root"

stop_pid() { # pid: TERM its process group (samba leads one) and itself, wait, then KILL
    local pid=$1 i
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM -- "-$pid" 2>/dev/null || true
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 50); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -KILL -- "-$pid" 2>/dev/null || true
    kill -KILL "$pid" 2>/dev/null || true
}

# The Kea part first (its client namespaces live outside $LAB_NS).
"$here/kea.sh" down || lab_log "kea.sh down failed; going on"

if [[ -f "$LAB_DIR/samba.pid" ]]; then
    pid=$(cat "$LAB_DIR/samba.pid")
    # Only if that PID is still a samba process (not a recycled PID).
    if [[ "$pid" =~ ^[0-9]+$ ]] && [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == samba* ]]; then
        lab_log "stopping samba (pid $pid)"
        stop_pid "$pid"
    fi
fi

if ip netns list 2>/dev/null | grep -qw "^$LAB_NS"; then
    # Whatever still runs inside the lab's namespace was started by the lab.
    for pid in $(ip netns pids "$LAB_NS" 2>/dev/null); do
        lab_log "stopping leftover pid $pid in $LAB_NS"
        stop_pid "$pid"
    done
    ip netns delete "$LAB_NS" 2>/dev/null || lab_log "could not delete netns $LAB_NS"
fi
# The host end disappears with the namespace; remove it if it was left behind on its own.
ip link show "$LAB_VETH_HOST" >/dev/null 2>&1 && ip link delete "$LAB_VETH_HOST" 2>/dev/null

lab_hosts_remove

case "$LAB_DIR" in
    ""|/|/tmp|/root|/home|/etc|/usr|/var) lab_die "refusing to remove LAB_DIR=$LAB_DIR" ;;
esac
rm -rf "$LAB_DIR"
lab_log "lab down"
exit 0
