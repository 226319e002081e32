#!/usr/bin/env bash
# Cargo for the Windows target (x86_64-pc-windows-gnu) with Debian 12's own Rust packages, since
# `rustup target add` needs a download this machine cannot make (docs/install.md "Building for
# Windows"; /work notes). Debian's rustc 1.96 builds std from its source (-Z build-std, hence
# RUSTC_BOOTSTRAP); rustup's toolchain does not match that source, so the compiler must be
# Debian's. Its own target folder: target/windows. Installs the packages when run as root.
#
#   dist/windows-cargo.sh build --release      (any cargo subcommand that takes --target)
#   dist/windows-cargo.sh exe-and-tests        (the release exe and the test executables: below)
set -euo pipefail
cd "$(dirname "$0")/.."

pkgs=(rustc-web cargo-web rust-web-src gcc-mingw-w64-x86-64)
need=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || need+=("$p")
done
if ((${#need[@]})); then
    [[ $EUID -eq 0 ]] || { echo "dist/windows-cargo.sh: needs ${need[*]} (apt-get install, as root)" >&2; exit 2; }
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    # One command: the three Rust packages' versions must match.
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
fi

export RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc RUSTC_BOOTSTRAP=1
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR_WINDOWS:-target/windows}"
sub="$1"
shift
# exe-and-tests: the release exe and every test executable in one command, the one both
# dist/build.sh (the zip) and tests/windows.sh run. A `build --release` beside it would build
# every crate a second time (measured: cfg-if, memchr, bytes... each twice, under new hashes):
# -Z build-std adds libtest to the std it builds only when a test is built, and every crate
# depends on all of that std, so each one's hash changes; the dev-dependencies' features would
# too. The exe the integration tests run (CARGO_BIN_EXE) is the one this command leaves in
# release/: the zip ships the exe that was tested.
# With the kerberos feature: on Windows `--kerberos` binds through SSPI as the logged-on account
# (the scheduled-task kit's gMSA), which needs no library beyond Windows' own.
if [[ $sub == exe-and-tests ]]; then
    set -- --release --lib --bins --tests --no-run --features kerberos "$@"
    sub=test
fi
exec /usr/bin/cargo "$sub" --locked -Z build-std --target x86_64-pc-windows-gnu "$@"
