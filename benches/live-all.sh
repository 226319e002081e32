#!/usr/bin/env bash
# Benchmark (issue #13): the all-live run, LDAP + Kea API + live DNS, timed whole against each
# of its phases run alone; prints the sum and the maximum of the phases and the ratio
# whole / max (target <= 1.15: the phases overlap instead of adding up).
#
#   sudo benches/live-all.sh [N]      # N leases to resolve (default 100000)
#
# Runs on the bench lab of benches/ldap.sh (namespace ddnsbench, DC 10.79.0.2, never the
# default lab at 10.77.0.x): start it with `BENCH_KEEP=1 benches/ldap.sh` (100k computers and
# 100k dnsNodes planted), or this script brings it up and plants N of each itself, and tears
# down only what it brought up. Kea is the lab's (tests/lab/kea.sh: its control agent on
# 10.79.0.2:8000, the lab's handful of real clients); NSD on 127.0.0.1:$PORT serves N names of
# corp.example.test (the DC's domain) and their PTRs, like benches/live-dns.sh. The N leases
# come from a file beside the Kea endpoint, so that the DNS phase has N names to resolve.
#
# Caution: tests/lab/kea.sh names its client namespaces ddnsc1.. whatever the lab, and its
# `down` (called by down.sh and by up.sh with LAB_REBUILD=1) deletes every ddnsc* namespace:
# run the bench labs while the default lab's Kea is down (or not needed).
#
# Phases alone: LDAP = --ldap-url with a one-lease file (enumeration + process start); Kea =
# --kea-url alone; DNS = the N-lease file with --domain and --dns-server (reading, resolving,
# auditing, writing). Whole = all of them in one run. ROUNDS rounds (default 3), the four runs
# alternating within each round on a shared machine; medians.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
ROUNDS=${ROUNDS:-3}
PORT=${PORT:-53542}
[[ $EUID -eq 0 ]] || { echo "run as root (the lab needs a network namespace)" >&2; exit 1; }

# shellcheck source=bench-lab.sh
. benches/bench-lab.sh
work=$(mktemp -d /tmp/ddns-audit-live-all.XXXXXX)
brought_up=0
cleanup() {
    tests/lab/nsd.sh stop "$work/nsd" >/dev/null 2>&1 || true
    if [[ "$brought_up" == 1 && "${BENCH_KEEP:-0}" != 1 ]]; then
        tests/lab/down.sh >"$work/down.log" 2>&1 || cat "$work/down.log" >&2
    fi
    rm -rf "$work"
}
trap cleanup EXIT


cargo build --release --locked --quiet
bin=${CARGO_TARGET_DIR:-target}/release/ddns-audit

# The bench lab is up when its namespace exists and its DC answers (a TCP probe alone can be
# answered by something on the way when the namespace is gone).
if ! { ip netns list 2>/dev/null | grep -qw "^$LAB_NS" && timeout 3 bash -c "</dev/tcp/$LAB_DC_IP/636" 2>/dev/null; }; then
    brought_up=1
    LAB_REBUILD=1 tests/lab/up.sh >"$work/up.log" 2>&1 || { tail -30 "$work/up.log" >&2; exit 1; }
    /usr/bin/python3 benches/ldap_plant.py --lab-dir "$LAB_DIR" --count "$n" 2>"$work/plant.log" \
        || { cat "$work/plant.log" >&2; exit 1; }
fi
kea_url=$(sed -n 's/^export LAB_KEA_URL=//p' "$LAB_DIR/env" 2>/dev/null || true)
[[ -n "$kea_url" ]] || { echo "the bench lab has no Kea (LAB_KEA=0?): rebuild it with Kea" >&2; exit 1; }

# N leases (dnsmasq format) of h000000.. in 10.100.0.0/14, and NSD serving their A and PTR.
mkdir -p "$work/nsd"
python3 - "$work" "$n" <<'PY'
import sys
work, n = sys.argv[1], int(sys.argv[2])
def ip(i): return f"10.{100 + i // 65536}.{(i // 256) % 256}.{i % 256}"
soa = "@ IN SOA ns1.corp.example.test. hostmaster.corp.example.test. 1 3600 600 86400 60\n@ IN NS ns1.corp.example.test.\n"
with open(f"{work}/nsd/corp.example.test.zone", "w") as z:
    z.write("$ORIGIN corp.example.test.\n$TTL 3600\n" + soa + "ns1 IN A 127.0.0.1\n")
    for i in range(n): z.write(f"h{i:06d} IN A {ip(i)}\n")
with open(f"{work}/nsd/10.in-addr.arpa.zone", "w") as z:
    z.write("$ORIGIN 10.in-addr.arpa.\n$TTL 3600\n" + soa)
    for i in range(n):
        a = ip(i).split(".")
        z.write(f"{a[3]}.{a[2]}.{a[1]} IN PTR h{i:06d}.corp.example.test.\n")
with open(f"{work}/leases", "w") as l:
    for i in range(n): l.write(f"4102444800 02:00:00:{i>>16&255:02x}:{i>>8&255:02x}:{i&255:02x} {ip(i)} h{i:06d} *\n")
with open(f"{work}/one-lease", "w") as l:
    l.write("4102444800 02:00:00:00:00:01 10.100.0.1 h000001 *\n")
PY
tests/lab/nsd.sh serve "$work/nsd" "$PORT" corp.example.test 10.in-addr.arpa >/dev/null

ldap=(--ldap-url "ldaps://$LAB_DC_IP" --bind-dn administrator@corp.example.test
    --password-file "$LAB_DIR/admin.pass" --ca-file "$LAB_DIR/ca.pem")
dns=(--dns-server "127.0.0.1:$PORT" --concurrency 300 --qps 10000000)
common=(--as-of 2026-11-20T12:00:00Z --all --output "$work/report.csv")
run() { # NAME ARGS...: prints the wall time; the run must succeed
    local name=$1 t0; shift
    t0=$(now)
    "$bin" audit "$@" "${common[@]}" 2>"$work/$name.err" >/dev/null || { echo "$name failed:" >&2; cat "$work/$name.err" >&2; exit 1; }
    secs "$t0" "$(now)"
}

w_t=() l_t=() k_t=() d_t=()
for r in $(seq "$ROUNDS"); do
    w_t+=("$(run whole "${ldap[@]}" --kea-url "$kea_url" --leases "$work/leases" "${dns[@]}")")
    l_t+=("$(run ldap "${ldap[@]}" --leases "$work/one-lease")")
    k_t+=("$(run kea --kea-url "$kea_url" --domain corp.example.test)")
    d_t+=("$(run dns --leases "$work/leases" --domain corp.example.test "${dns[@]}")")
    echo "round $r: whole ${w_t[-1]} s; alone: LDAP ${l_t[-1]} s, Kea ${k_t[-1]} s, DNS ${d_t[-1]} s"
done
grep -E 'inputs:|live DNS:' "$work/whole.err" | sed 's/^/whole run: /'
w=$(median "${w_t[@]}") l=$(median "${l_t[@]}") k=$(median "${k_t[@]}") d=$(median "${d_t[@]}")
sum=$(awk -v a="$l" -v b="$k" -v c="$d" 'BEGIN{printf "%.2f", a+b+c}')
max=$(printf '%s\n' "$l" "$k" "$d" | sort -g | tail -1)
ratio=$(awk -v a="$w" -v b="$max" 'BEGIN{printf "%.2f", a/b}')
echo
echo "medians of $ROUNDS: whole $w s; LDAP $l s, Kea $k s, DNS $d s alone"
echo "sum of the phases $sum s, max $max s; whole / sum $(awk -v a="$w" -v b="$sum" 'BEGIN{printf "%.2f", a/b}')"
echo "ratio whole / max: $ratio (issue #13 target <= 1.15: $(awk -v r="$ratio" 'BEGIN{print (r <= 1.15) ? "met" : "NOT met"}'))"
