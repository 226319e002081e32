#!/usr/bin/env bash
# Windows in CI, for real (tests/run.sh runs it last; CONTRIBUTING.md "Tests" gives its cost):
# the Windows build of the tool and of every non-lab test, made with Debian's toolchain
# (dist/windows-cargo.sh, target/windows/), run under Wine; then the example site's report from
# the Windows exe (dist/out's zip when dist/build.sh made it) compared with the Linux build's,
# byte for byte but for the path separator. Installs wine and wine64 when run as root.
#
# Test scaffolding, not shipped: Debian 12's Wine 8.0 lacks bcryptprimitives.dll's ProcessPrng,
# which Rust >= 1.78 imports (the exe exits 53 before main without it); tests/windows/
# processprng.c is a stand-in over RtlGenRandom, built into the Wine prefix's system32. Real
# Windows 10+ has the DLL.
#
#   tests/windows.sh [TEST-BINARY-NAME...]    (default: every tests/*.rs but the lab's, and the unit tests)
set -euo pipefail
cd "$(dirname "$0")/.."
t0=$SECONDS
say() { echo "tests/windows.sh: $*" >&2; }

if ! command -v wine >/dev/null || [[ ! -x /usr/lib/wine/wine64 ]]; then
    [[ $EUID -eq 0 ]] || { say "needs wine and wine64 (apt-get install, as root)"; exit 2; }
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wine wine64 >/dev/null
fi

# --- the Wine prefix: a 64-bit Windows in target/windows/wine-prefix ---
export WINEPREFIX="$PWD/target/windows/wine-prefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" WINEARCH=win64
mkdir -p target/windows
if [[ ! -f "$WINEPREFIX/system.reg" ]]; then
    wine wineboot -i >/dev/null 2>&1 || true
    wineserver -w
    [[ -f "$WINEPREFIX/system.reg" ]] || { say "could not create the Wine prefix $WINEPREFIX"; exit 1; }
fi
x86_64-w64-mingw32-gcc -O2 -shared -o "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" \
    tests/windows/processprng.c tests/windows/processprng.def -ladvapi32
# TEMP on Z: (Wine's view of /): the test binaries carry Unix paths (CARGO_MANIFEST_DIR), which
# resolve against the current drive; a temp folder on C: would mix drives.
wtmp="$PWD/target/windows/tmp"
rm -rf "$wtmp" && mkdir -p "$wtmp"
wine reg add 'HKCU\Environment' /v TEMP /d "Z:${wtmp//\//\\}" /f >/dev/null 2>&1
wine reg add 'HKCU\Environment' /v TMP /d "Z:${wtmp//\//\\}" /f >/dev/null 2>&1
wineserver -w

# --- the build: the exe and the test executables in one cargo command, dist/build.sh's for the
# zip (`dist/windows-cargo.sh exe-and-tests`): one build of std and the crates serves both, and
# the exe tested is the one shipped ---
t_build=$SECONDS
# A test that does not compile for Windows fails here (not a shorter list of executables).
dist/windows-cargo.sh exe-and-tests --message-format=json >"$wtmp/artifacts.json"
mapfile -t exes < <(python3 -c '
import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m.get("executable") and m["profile"]["test"]:
        print(m["target"]["name"] + "\t" + m["executable"])
' <"$wtmp/artifacts.json")
build_s=$((SECONDS - t_build))
((${#exes[@]})) || { say "no test executables built"; exit 1; }

# --- the tests under Wine ---
t_tests=$SECONDS
failed=()
passed=0
for entry in "${exes[@]}"; do
    name=${entry%%$'\t'*} exe=${entry#*$'\t'}
    # The lab's tests need its servers (Linux network namespaces): Linux only.
    [[ $name == lab_* ]] && continue
    if (($#)) && [[ " $* " != *" $name "* ]]; then continue; fi
    log="$wtmp/$name.log"
    if wine "$exe" --test-threads=2 >"$log" 2>&1; then
        passed=$((passed + 1))
        continue
    fi
    # Retried once, for Wine only: a child process that failed to start with OS error 1359
    # (ERROR_INTERNAL_ERROR from Wine's CreateProcess; seen once in nine runs, never on
    # Windows). Any other failure is a failure.
    # The error reads "os error 1359" in a message and "code: 1359" in an unwrapped io::Error.
    if grep -qE "os error 1359|code: 1359," "$log"; then
        say "$name: Wine's process-start hiccup (os error 1359); retrying once"
        if wine "$exe" --test-threads=2 >"$log" 2>&1; then
            passed=$((passed + 1))
            continue
        fi
    fi
    failed+=("$name")
    say "$name FAILED under Wine:"
    grep -E "^test .* FAILED$|panicked at|^  (left|right):|^---- " "$log" | head -n 60 >&2 || tail -n 40 "$log" >&2
done
tests_s=$((SECONDS - t_tests))
total=$(cat "$wtmp"/*.log | sed -n 's/^test result: [A-Za-z]*\. \([0-9]*\) passed; \([0-9]*\) failed.*/\1 \2/p' |
    awk '{p += $1; f += $2} END {print p " passed, " f " failed"}')
say "tests under Wine: $total, in $passed of $((passed + ${#failed[@]})) test executables"

# --- the example site: the Windows exe's report against the Linux build's ---
win_exe=target/windows/x86_64-pc-windows-gnu/release/ddns-audit.exe
zip=$(ls dist/out/ddns-audit-*-x86_64-pc-windows-gnu.zip 2>/dev/null | head -n1 || true)
if [[ -n "$zip" ]]; then
    rm -rf "$wtmp/zip" && mkdir -p "$wtmp/zip" && (cd "$wtmp/zip" && unzip -q "$OLDPWD/$zip")
    win_exe=$(ls "$wtmp"/zip/*/ddns-audit.exe)
fi
[[ -x target/release/ddns-audit ]] || cargo build --locked --release
site=(audit --config examples/offline/audit.toml --output -)
target/release/ddns-audit "${site[@]}" >"$wtmp/linux.csv" 2>"$wtmp/linux.txt" || true
wine "$win_exe" "${site[@]}" >"$wtmp/windows.csv" 2>"$wtmp/windows.txt" || true
# The Linux output with its paths in Windows's separator: every path the example prints is
# under examples/offline/.
python3 - "$wtmp" <<'PY' || { failed+=("example-site"); say "the example site's report differs between Linux and Windows"; }
import re, sys
d = sys.argv[1]
ok = True
for f in ("csv", "txt"):
    linux = open(f"{d}/linux.{f}", "rb").read()
    want = re.sub(rb"examples/offline/[\w./-]+", lambda m: m.group(0).replace(b"/", b"\\"), linux)
    got = open(f"{d}/windows.{f}", "rb").read()
    if got != want:
        ok = False
        gl, wl = got.splitlines(), want.splitlines()
        for i, (g, w) in enumerate(zip(gl, wl)):
            if g != w:
                print(f"{f} line {i + 1}:\n  windows: {g!r}\n  linux:   {w!r}", file=sys.stderr)
                break
        else:
            print(f"{f}: {len(gl)} lines on Windows, {len(wl)} on Linux", file=sys.stderr)
sys.exit(0 if ok else 1)
PY
say "example site: $(wc -l <"$wtmp/windows.csv") report lines from $win_exe, compared with Linux's"

say "cost: build ${build_s} s, tests under Wine ${tests_s} s, all $((SECONDS - t0)) s"
if ((${#failed[@]})); then
    say "FAILED: ${failed[*]}"
    exit 1
fi
