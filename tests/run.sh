#!/usr/bin/env bash
# The project's test command (README "Tests"; .ci/run calls it): starts the lab servers the
# ignored tests need, then runs every test, ignored ones included, so that a missing server
# fails the run instead of skipping tests. Extra arguments go to cargo test.
set -euo pipefail
cd "$(dirname "$0")/.."

cleanup=()
on_exit() {
    local c
    for c in "${cleanup[@]}"; do eval "$c" || true; done
}
trap on_exit EXIT

# --- NSD on 127.0.0.1:${NSD_PORT:-53530} (+1: a lagging copy) for tests/live_dns.rs ---
export NSD_DIR="${NSD_DIR:-/tmp/ddns-audit-nsd-$$}"
export NSD_PORT="${NSD_PORT:-53530}"
export DDNS_AUDIT_NSD="127.0.0.1:$NSD_PORT"
cleanup+=("tests/lab/nsd.sh down; rm -rf '$NSD_DIR'")
tests/lab/nsd.sh up

cargo test --locked --all-targets "$@" -- --include-ignored
