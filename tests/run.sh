#!/usr/bin/env bash
# The project's test command (README "Tests"; .ci/run calls it). As root on Debian: installs
# what the lab needs, starts it (a Samba AD DC in a network namespace, NSD on loopback; see
# tests/lab/README.md), runs every test including the lab tests (#[ignore]d in a plain
# `cargo test`), and tears the lab down, whatever happens. A lab test that cannot reach its
# server fails; it never skips.
#
#   ./tests/run.sh            everything (root)
#   ./tests/run.sh --no-lab   unit and fixture tests only, no servers (any user)
# Extra arguments go to cargo test.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ "${1:-}" == "--no-lab" ]]; then
    shift
    exec cargo test --locked --all-targets "$@"
fi

[[ $EUID -eq 0 ]] || { echo "tests/run.sh: the lab needs root (network namespaces, apt); use --no-lab otherwise" >&2; exit 2; }

cleanup=()
on_exit() {
    local c
    for c in "${cleanup[@]}"; do eval "$c" || true; done
}
trap on_exit EXIT

# Build dependencies of the kerberos feature (GSSAPI bind).
need=()
for p in libkrb5-dev libclang-dev pkg-config; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || need+=("$p")
done
if ((${#need[@]})); then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# --- Samba AD DC in netns ddnslab at 10.77.0.2 for tests/lab_*.rs ---
cleanup+=("tests/lab/down.sh >/dev/null 2>&1")
tests/lab/up.sh
# shellcheck source=lab/env.sh
. tests/lab/env.sh

# --- NSD on 127.0.0.1:${NSD_PORT:-53530} (+1: a lagging copy) for tests/live_dns.rs ---
export NSD_DIR="${NSD_DIR:-/tmp/ddns-audit-nsd-$$}"
export NSD_PORT="${NSD_PORT:-53530}"
export DDNS_AUDIT_NSD="127.0.0.1:$NSD_PORT"
cleanup+=("tests/lab/nsd.sh down; rm -rf '$NSD_DIR'")
tests/lab/nsd.sh up

cargo test --locked --all-targets --features kerberos "$@" -- --include-ignored

# Portability: the binary runs on Windows management servers too. Type-check it for Windows
# when the target can be installed here (it needs a download); say so when it cannot.
if rustup target add x86_64-pc-windows-gnu >/dev/null 2>&1 &&
    { command -v x86_64-w64-mingw32-gcc >/dev/null ||
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends gcc-mingw-w64-x86-64 >/dev/null 2>&1; }; then
    cargo check --locked --target x86_64-pc-windows-gnu --all-targets
else
    echo "tests/run.sh: NOTE: the Windows target could not be installed; the Windows type-check was not run" >&2
fi
