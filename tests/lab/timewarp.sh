#!/usr/bin/env bash
# Samba's own clock-driven tasks, run against the planted world with the DC's clock far ahead.
#
#   sudo tests/lab/timewarp.sh [OFFSET]     # default +400d (libfaketime's offset syntax)
#
# The world is dated relative to a fixed AS_OF (plant.py); Samba's KCC compares those dates with
# its own clock: it scavenges aged records when scavenging is on, and deletes tombstoned dnsNodes
# entombed longer ago than dnsserver:dns_tombstone_interval (default 14 days; this is what made
# tomb-01 vanish from 2026-12-03 on). The lab's smb.conf keeps both off the world (lib.sh,
# lab_smb_conf_settings). This script checks that on the running lab: it restarts the DC under
# libfaketime with its clock OFFSET ahead, waits for the KCC's first periodic pass (15 s after
# start) to finish, restarts the DC on the real clock, and fails if any planted dnsNode changed
# (tests/lab/dns_snapshot.py, before and after). tests/run.sh runs it before the lab tests, so
# they then also run against a world that Samba's tasks have already seen OFFSET later.
# The lab's DHCP clients are paused meanwhile (a renewal would make Kea register at the warped
# time). About 20 s.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
. "$here/lib.sh"

[[ $EUID -eq 0 ]] || lab_die "run as root"
offset="${1:-${LAB_WARP:-+400d}}"
[[ "$offset" =~ ^\+[0-9]+[dy]$ ]] || lab_die "offset $offset: +<N>d or +<N>y"
[[ -f "$LAB_DIR/samba.pid" && -f "$LAB_DIR/dc/etc/smb.conf" ]] || lab_die "no Samba lab in $LAB_DIR: run tests/lab/up.sh"
if ! command -v faketime >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends faketime >/dev/null \
        || lab_die "apt-get install faketime failed"
fi
conf="$LAB_DIR/dc/etc/smb.conf"
warp_log="$LAB_DIR/samba-timewarp.log"
before=$(mktemp)
after=$(mktemp)

paused=()
resume() {
    local p
    for p in "${paused[@]}"; do kill -CONT "$p" 2>/dev/null || true; done
    rm -f "$before" "$after"
}
trap resume EXIT
for f in "$LAB_DIR"/kea/c*/dhclient.pid; do
    [[ -f "$f" ]] || continue
    p=$(cat "$f")
    [[ "$(cat "/proc/$p/comm" 2>/dev/null)" == dhclient ]] || continue
    kill -STOP "$p" && paused+=("$p")
done

$LAB_PY "$here/dns_snapshot.py" "$LAB_DIR" >"$before"
lab_log "timewarp: restarting the DC with its clock $offset ahead ($(wc -l <"$before") planted dnsNodes watched)"
lab_samba_stop
# Only the wall clock is moved: tevent's timers run on the monotonic clock. -d 4 logs the KCC's
# pass (kccsrv_periodic_run) and its rescheduling, which follows the pass's DNS tasks.
FAKETIME_DONT_FAKE_MONOTONIC=1 ip netns exec "$LAB_NS" setsid faketime -f "$offset" \
    samba -s "$conf" -F --debug-stdout -d 4 </dev/null >"$warp_log" 2>&1 &
echo $! >"$LAB_DIR/samba.pid"
deadline=$((SECONDS + 120))
until awk '/kccsrv_periodic_run\(\)/ { run = 1 } run && /kccsrv_periodic_schedule\(/ { found = 1 } END { exit !found }' "$warp_log"; do
    kill -0 "$(cat "$LAB_DIR/samba.pid")" 2>/dev/null || { tail -20 "$warp_log" >&2; lab_die "timewarp: samba exited"; }
    ((SECONDS < deadline)) || { tail -20 "$warp_log" >&2; lab_die "timewarp: no KCC pass within 120 s (see $warp_log)"; }
    sleep 1
done
seen=$(grep -m1 -o 'scheduled for: .*' "$warp_log" | sed 's/scheduled for: //')
lab_log "timewarp: the KCC's pass ran on the DC's clock ($seen); back to the real clock"
lab_samba_stop
lab_samba_start

# Nothing of the warped DC may serve the tests: its clock would expire passwords and tickets.
for p in $(lab_samba_pids); do
    # (a worker may exit meanwhile: its /proc entry is gone, which is fine)
    if { tr '\0' '\n' <"/proc/$p/environ"; } 2>/dev/null | grep -q '^FAKETIME='; then
        lab_die "timewarp: process $p ($(cat "/proc/$p/comm")) still runs on the warped clock"
    fi
done
$LAB_PY "$here/dns_snapshot.py" "$LAB_DIR" >"$after"
if ! diff -u "$before" "$after" >&2; then
    lab_die "timewarp: Samba's own tasks with the clock $offset ahead changed the planted world (diff above, - before, + after); see tests/lab/README.md, \"Samba's own timers\""
fi
lab_log "timewarp: planted world unchanged after Samba's tasks ran $offset ahead"
