#!/usr/bin/env bash
# Benchmark: the offline audit of N leases (default 1,000,000) with matching zone exports.
# Prints wall time and peak memory (max RSS). Targets (issue #13): under 3 s and under 500 MB on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
dir=${BENCH_DIR:-/tmp/ddns-audit-bench-$n}
bin=${CARGO_TARGET_DIR:-target}/release/ddns-audit
cargo build --release --quiet
[ -f "$dir/leases.csv" ] || python3 benches/gen_offline.py "$n" "$dir" >/dev/null
for f in leases.csv corp.example.test.dns 10.in-addr.arpa.dns computers.csv; do
    printf '  input %-26s %6.1f MB\n' "$f" "$(($(stat -c %s "$dir/$f") / 100000))e-1"
done
/usr/bin/time -f '%e %M' -o "$dir/time" "$bin" audit \
  --leases "$dir/leases.csv" --dns-records "$dir/corp.example.test.dns" --dns-records "$dir/10.in-addr.arpa.dns" \
  --computers "$dir/computers.csv" --as-of 2026-11-24T12:00:00Z --output "$dir/report.csv" 2>"$dir/summary" || true
cat "$dir/summary"
read -r secs kb <"$dir/time"
printf 'offline audit of %d leases: %.2f s wall, %.0f MB peak RSS (targets: < 3 s, < 500 MB)\n' "$n" "$secs" "$((kb / 1024))"
