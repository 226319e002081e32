#!/usr/bin/env bash
# Coverage-guided fuzzing of every reader with AFL++ (cargo-afl, stable Rust): builds the
# targets of fuzz/, seeds each from tests/fixtures and examples/offline, runs each for
# SECONDS_PER_TARGET (default 600) with one fuzzing process, then prints per target the execs,
# execs/s, corpus count, edges and bitmap coverage, crashes and hangs. Not part of CI.
#   benches/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
# Needs: cargo install cargo-afl (it builds AFL++: a C compiler and make).
# Findings: fuzz/out/<target>/default/{crashes,hangs}/; replay one with
#   fuzz/target/release/<target> < FILE
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
secs=${1:-600}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(leases computers dns_records dnsp kea_api config)
# Hangs: an input that runs longer than this (ms) is saved under hangs/.
timeout_ms=${FUZZ_TIMEOUT_MS:-2000}

command -v cargo-afl >/dev/null || { echo "fuzz.sh: cargo-afl missing: cargo install cargo-afl" >&2; exit 2; }
# Own target dir: instrumented builds use other RUSTFLAGS and would rebuild the shared one.
export CARGO_TARGET_DIR=$root/fuzz/target
(cd fuzz && cargo afl build --release --locked --quiet)

corpus=$root/fuzz/corpus
rm -rf "$corpus"
# seed TARGET SELECTOR_BYTE_OCTAL FILE...: FILE prefixed with the target's selector byte.
seed() {
    local t=$1 sel=$2; shift 2
    mkdir -p "$corpus/$t"
    for f in "$@"; do
        [ -f "$f" ] || continue
        { printf "\\$sel"; cat "$f"; } >"$corpus/$t/$(basename "$f").$sel"
    done
}
lease_files=(tests/fixtures/leases/* examples/offline/leases/*)
# 005: detect the format; 000-004: each format forced on its own kind of file.
seed leases 005 "${lease_files[@]}"
seed leases 000 tests/fixtures/leases/windows-v*.csv examples/offline/leases/dhcp1-v*.csv
seed leases 001 tests/fixtures/leases/*.xml examples/offline/leases/*.xml
seed leases 002 tests/fixtures/leases/*dhcpd* examples/offline/leases/*dhcpd*
seed leases 003 tests/fixtures/leases/kea-* examples/offline/leases/kea-*
seed leases 004 tests/fixtures/leases/dnsmasq* examples/offline/leases/*dnsmasq*
seed computers 002 tests/fixtures/computers/* examples/offline/computers.ldif
seed dns_records 003 tests/fixtures/dns/* examples/offline/dns/*
seed dns_records 001 tests/fixtures/dns/*.dns
# dnsp: values as Samba writes them (A, AAAA, PTR, tombstone; aging properties).
mkdir -p "$corpus/dnsp"
hdr='\005\360\000\000\007\000\000\000\000\000\016\020\000\000\000\000\010\016\064\000'
printf "\\000\\004\\000\\001\\000$hdr\\012\\000\\020\\012" >"$corpus/dnsp/a"
printf "\\000\\020\\000\\034\\000$hdr\\375\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\001" >"$corpus/dnsp/aaaa"
printf '\000\023\000\014\000'"$hdr"'\021\003\002pc\004corp\007example\000' >"$corpus/dnsp/ptr"
printf '\000\010\000\000\000'"$hdr"'\000\200\076\325\336\261\235\001' >"$corpus/dnsp/tombstone"
printf '\001\004\000\000\000\000\000\000\000\000\000\000\000\001\000\000\000\100\000\000\000\001\000\000\000\000' >"$corpus/dnsp/aging"
printf '\002\004\000\000\000\000\000\000\000\000\000\000\000\001\000\000\000\020\000\000\000\250\000\000\000\000\377\376\004\000\000\000\000\000\000\000\000\000\000\000\001\000\000\000\040\000\000\000\250\000\000\000\000' >"$corpus/dnsp/zone"
printf '\003\021\003\002pc\004corp\007example\000' >"$corpus/dnsp/name"
# kea_api: replies shaped as Kea 2.x's agent and a Kea 3 socket send them, with leases from
# the example site's memfile CSV.
mkdir -p "$corpus/kea_api"
lease4='{"ip-address":"10.0.16.21","hw-address":"00:15:5d:01:02:03","hostname":"pc-21.corp.example.test","valid-lft":86400,"cltt":1795000000,"subnet-id":1,"state":0,"fqdn-fwd":true,"fqdn-rev":true}'
lease6='{"ip-address":"2001:db8::21","type":"IA_NA","duid":"00:01","iaid":1,"hostname":"pc-21","valid-lft":4294967295,"cltt":1795000000,"subnet-id":"2","state":1,"fqdn-fwd":false,"fqdn-rev":1}'
printf '\000[{"result":0,"text":"2 IPv4 lease(s) found.","arguments":{"count":2,"leases":[%s,%s]}}]' "$lease4" "${lease4/21/22}" >"$corpus/kea_api/agent4"
printf '\001{"result":0,"text":"1 IPv6 lease(s) found.","arguments":{"count":1,"leases":[%s]}}' "$lease6" >"$corpus/kea_api/direct6"
printf '\001[{"result":1,"text":"forwarding socket is not configured for the server type dhcp6"}]' >"$corpus/kea_api/nosocket"
printf '\000{"result":3,"text":"0 IPv4 lease(s) found.","arguments":{"count":0,"leases":[]}}' >"$corpus/kea_api/empty"
mkdir -p "$corpus/config"
cp examples/offline/audit.toml "$corpus/config/"
printf 'kea-url = ["http://kea:8000/"]\nkea_user = "audit"\ndns-server = ["10.0.0.10", "[::1]:53"]\nldap-url = "ldaps://dc1"\nkerberos = true\nno-refresh = "7d"\nrefresh = "36h"\nas-of = "2026-11-24T06:00:00Z"\nfail-on = "at-risk"\nconcurrency = 64\nqps = 100\ntimeout = "500ms"\nretries = 3\noutput = "-"\n' >"$corpus/config/live.toml"

export AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 AFL_NO_AFFINITY=1
results=()
mkdir -p "$root/fuzz/out"
for t in "${targets[@]}"; do
    out=$root/fuzz/out/$t
    rm -rf "$out"
    echo "fuzz.sh: $t for ${secs}s" >&2
    cargo afl fuzz -i "$corpus/$t" -o "$out" -V "$secs" -t "$timeout_ms" -- "$CARGO_TARGET_DIR/release/$t" >"$root/fuzz/out/$t.log" 2>&1 \
        || { echo "fuzz.sh: afl-fuzz failed for $t, see fuzz/out/$t.log" >&2; tail -20 "$root/fuzz/out/$t.log" >&2; exit 1; }
    results+=("$t")
done

field() { sed -n "s/^$2 *: *//p" "$1" | head -1; }
printf '%-12s %12s %9s %8s %13s %9s %8s %6s\n' target execs execs/s corpus edges bitmap crashes hangs
for t in "${results[@]}"; do
    s=$root/fuzz/out/$t/default/fuzzer_stats
    printf '%-12s %12s %9s %8s %13s %9s %8s %6s\n' "$t" "$(field "$s" execs_done)" "$(field "$s" execs_per_sec)" \
        "$(field "$s" corpus_count)" "$(field "$s" edges_found)/$(field "$s" total_edges)" "$(field "$s" bitmap_cvg)" \
        "$(field "$s" saved_crashes)" "$(field "$s" saved_hangs)"
done
