#!/usr/bin/env bash
# The project's test command (README "Tests"; .ci/run calls it): unit tests, the binary run on
# the fixtures and the example site.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --locked --all-targets "$@"
