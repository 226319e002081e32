#!/usr/bin/env bash
# Benchmark: `ddns-audit forecast` over the offline site of benches/gen_offline.py (N leases,
# default 1,000,000; 1.9M A and PTR records plus AAAA records on the first AAAA hosts, default
# 100,000, so 2,000,000 records, nearly all due within the 28-day horizon, so nearly every
# record is a row; 450k computers). `benches/forecast.sh 1000000 0` is the audit's site. Prints wall time and peak memory (max RSS).
# Target: under 6 s and under 1 GB on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
aaaa=${2:-100000}
dir=${BENCH_DIR:-/tmp/ddns-audit-bench-$n-aaaa$aaaa}
bin=${CARGO_TARGET_DIR:-target}/release/ddns-audit
cargo build --release --quiet
[ -f "$dir/leases.csv" ] || python3 benches/gen_offline.py "$n" "$dir" "$aaaa" >/dev/null
for f in leases.csv corp.example.test.dns 10.in-addr.arpa.dns computers.csv; do
    printf '  input %-26s %6.1f MB\n' "$f" "$(($(stat -c %s "$dir/$f") / 100000))e-1"
done
/usr/bin/time -f '%e %M' -o "$dir/time-forecast" "$bin" forecast \
  --leases "$dir/leases.csv" --dns-records "$dir/corp.example.test.dns" --dns-records "$dir/10.in-addr.arpa.dns" \
  --computers "$dir/computers.csv" --as-of 2026-11-24T12:00:00Z --output "$dir/forecast.csv" 2>"$dir/summary-forecast" || true
head -c 3000 "$dir/summary-forecast"
read -r secs kb <"$dir/time-forecast"
printf 'forecast over %d leases (+%d AAAA): %.2f s wall, %.0f MB peak RSS (targets: < 6 s, < 1024 MB)\n' "$n" "$aaaa" "$secs" "$((kb / 1024))"
