#!/usr/bin/env bash
# Benchmark: what --xlsx (and --xlsx with --html) adds to the offline audit of N leases (default 1,000,000; the data of
# benches/offline.sh). Runs the audit without and with --xlsx, alternating, RUNS times each
# (default 3), and prints each run's wall time, peak memory (max RSS) and CPU time (user+sys), then
# the extra of the medians. Targets: within 1.5x the time and under 200 MB extra. On a shared, busy machine the spread
# between runs is large: compare the medians, and say so with the figures.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
runs=${RUNS:-3}
dir=${BENCH_DIR:-/tmp/ddns-audit-bench-$n}
cargo build --release --locked --quiet
[ -f "$dir/leases.csv" ] || python3 benches/gen_offline.py "$n" "$dir" >/dev/null
bin=${CARGO_TARGET_DIR:-target}/release/ddns-audit
# The outputs in a directory of this run's own: the input directory may be shared.
out=$(mktemp -d /tmp/ddns-audit-xlsx-bench.XXXXXX)
run() { # $1: label; the rest: extra options
    local label=$1
    shift
    /usr/bin/time -f '%e %M %U %S' -o "$out/time" "$bin" audit \
        --leases "$dir/leases.csv" --dns-records "$dir/corp.example.test.dns" --dns-records "$dir/10.in-addr.arpa.dns" \
        --computers "$dir/computers.csv" --as-of 2026-11-24T12:00:00Z --output "$out/report.csv" "$@" 2>"$out/summary" || true
    read -r secs kb user sys <"$out/time"
    printf '%s %s %s %s\n' "$label" "$secs" "$((kb / 1024))" "$(echo "$user + $sys" | bc -l)" | tee -a "$out/xlsx-bench"
}
: >"$out/xlsx-bench"
for _ in $(seq "$runs"); do
    run csv
    run xlsx --xlsx "$out/report.xlsx"
    run both --xlsx "$out/report.xlsx" --html "$out/report.html"
done
grep -E 'report:|Spreadsheet' "$out/summary"
printf '  report.xlsx %.1f MB\n' "$(($(stat -c %s "$out/report.xlsx") / 100000))e-1"
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
csv_s=$(awk '$1=="csv"{print $2}' "$out/xlsx-bench" | median)
xlsx_s=$(awk '$1=="xlsx"{print $2}' "$out/xlsx-bench" | median)
csv_mb=$(awk '$1=="csv"{print $3}' "$out/xlsx-bench" | median)
xlsx_mb=$(awk '$1=="xlsx"{print $3}' "$out/xlsx-bench" | median)
both_s=$(awk '$1=="both"{print $2}' "$out/xlsx-bench" | median)
both_mb=$(awk '$1=="both"{print $3}' "$out/xlsx-bench" | median)
cpu() { awk -v l="$1" '$1==l{print $4}' "$out/xlsx-bench" | median; }
printf 'offline audit of %d leases, medians of %d: without --xlsx %.2f s, %.0f MB; with --xlsx %.2f s, %.0f MB; %.2fx the time, extra %.0f MB (targets: < 1.5x, < 200 MB)\n' \
    "$n" "$runs" "$csv_s" "$csv_mb" "$xlsx_s" "$xlsx_mb" "$(echo "$xlsx_s / $csv_s" | bc -l)" "$(echo "$xlsx_mb - $csv_mb" | bc -l)"
printf 'with --xlsx and --html: %.2f s, %.0f MB; %.2fx the time, extra %.0f MB (targets: < 1.5x, < 200 MB)\n' \
    "$both_s" "$both_mb" "$(echo "$both_s / $csv_s" | bc -l)" "$(echo "$both_mb - $csv_mb" | bc -l)"
# On a busy machine the wall times say more about the neighbours than about the program.
printf 'CPU time (user+sys), medians: without --xlsx %.2f s, with --xlsx %.2f s, with both %.2f s; load: %s\n' "$(cpu csv)" "$(cpu xlsx)" "$(cpu both)" "$(uptime | sed 's/.*load average: //')"
rm -rf "$out"
