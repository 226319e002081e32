#!/usr/bin/env bash
# The project's test command (README "Tests"; .ci/run calls it). As root on Debian: installs
# what the lab needs, starts it (Samba AD DC in a network namespace; see tests/lab/README.md),
# runs every test including the lab tests (#[ignore]d in a plain `cargo test`), and tears
# the lab down, whatever happens. A lab test that cannot reach its server fails.
#
#   ./tests/run.sh            everything (root)
#   ./tests/run.sh --no-lab   unit and fixture tests only, no servers (any user)
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ "${1:-}" == "--no-lab" ]]; then
    shift
    exec cargo test --locked --all-targets "$@"
fi

[[ $EUID -eq 0 ]] || { echo "tests/run.sh: the lab needs root (network namespaces, apt); use --no-lab otherwise" >&2; exit 2; }

# Build dependencies of the kerberos feature (GSSAPI bind).
need=()
for p in libkrb5-dev libclang-dev pkg-config; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || need+=("$p")
done
if ((${#need[@]})); then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

cleanup() { tests/lab/down.sh >/dev/null 2>&1 || true; }
trap cleanup EXIT
tests/lab/up.sh
# shellcheck source=lab/env.sh
. tests/lab/env.sh

cargo test --locked --all-targets --features kerberos -- --include-ignored "$@"
