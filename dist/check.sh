#!/usr/bin/env bash
# Checks dist/build.sh's artifacts in dist/out/ (tests/run.sh runs it as root after the build):
# the sums; the tarball's binary runs the example site; the .deb installs with dpkg -i, leaves
# its timer disabled, its units pass `systemd-analyze verify` without a word, its man page and
# completions are in place, the installed binary gives the example site's reviewed report,
# then dpkg -r removes it (the conffile stays) and dpkg -P purges it. The zip is checked under
# Wine by tests/windows.sh. Refuses to run where ddns-audit is installed already.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ $EUID -eq 0 ]] || { echo "dist/check.sh: dpkg -i needs root" >&2; exit 2; }
out=dist/out
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n1)
expected=tests/fixtures/expected/example-offline.csv
fail() { echo "dist/check.sh: FAIL: $*" >&2; exit 1; }

(cd "$out" && sha256sum --quiet -c SHA256SUMS) || fail "SHA256SUMS"

tmp=$(mktemp -d)
installed=0
cleanup() {
    ((installed)) && dpkg -P ddns-audit >/dev/null 2>&1
    rm -rf "$tmp"
}
trap cleanup EXIT

# --- the tarball ---
linux="ddns-audit-$version-x86_64-unknown-linux-gnu"
tar -xzf "$out/$linux.tar.gz" -C "$tmp"
for f in ddns-audit README.md LICENSE-MIT LICENSE-APACHE docs/install.md queries/windows/export-leases-v4.ps1 \
    examples/scheduled/linux/ddns-audit.service examples/scheduled/windows/ddns-audit-task.xml; do
    [[ -e "$tmp/$linux/$f" ]] || fail "$linux.tar.gz lacks $f"
done
file "$tmp/$linux/ddns-audit" | grep -q "stripped" && ! file "$tmp/$linux/ddns-audit" | grep -q "not stripped" ||
    fail "the tarball's binary is not stripped"
"$tmp/$linux/ddns-audit" audit --config examples/offline/audit.toml --output - 2>/dev/null | cmp -s - "$expected" ||
    fail "the tarball's binary does not give $expected"

# --- the .deb ---
deb="$out/ddns-audit_${version}-1_amd64.deb"
if dpkg-query -W -f='${Status}' ddns-audit 2>/dev/null | grep -q "installed"; then
    fail "ddns-audit is installed on this machine already; not touching it"
fi
installed=1
dpkg -i "$deb" >/dev/null || fail "dpkg -i $deb"
[[ "$(command -v ddns-audit)" == /usr/bin/ddns-audit ]] || fail "ddns-audit is not /usr/bin/ddns-audit on PATH"
/usr/bin/ddns-audit --version | grep -qx "ddns-audit $version.*" || fail "--version: $(/usr/bin/ddns-audit --version)"
[[ ! -e /etc/systemd/system/timers.target.wants/ddns-audit.timer ]] || fail "the timer was enabled"
verify=$(systemd-analyze verify /lib/systemd/system/ddns-audit.service /lib/systemd/system/ddns-audit.timer 2>&1) ||
    fail "systemd-analyze verify: $verify"
[[ -z "$verify" ]] || fail "systemd-analyze verify: $verify"
grep -q "^ExecStart=.* exec /usr/bin/ddns-audit audit" /lib/systemd/system/ddns-audit.service || fail "the service does not run /usr/bin/ddns-audit"
for f in /etc/ddns-audit/audit.toml /usr/share/man/man1/ddns-audit.1.gz /usr/share/bash-completion/completions/ddns-audit \
    /usr/share/zsh/vendor-completions/_ddns-audit /usr/share/fish/vendor_completions.d/ddns-audit.fish /usr/share/doc/ddns-audit/copyright; do
    [[ -s "$f" ]] || fail "the package did not install $f"
done
zcat /usr/share/man/man1/ddns-audit.1.gz | grep -q '^\.TH ddns-audit' || fail "the man page has no .TH"
/usr/bin/ddns-audit audit --config examples/offline/audit.toml --output - 2>/dev/null | cmp -s - "$expected" ||
    fail "the installed binary does not give $expected"
dpkg -r ddns-audit >/dev/null || fail "dpkg -r"
[[ ! -e /usr/bin/ddns-audit && ! -e /lib/systemd/system/ddns-audit.service ]] || fail "dpkg -r left the binary or the units"
[[ -e /etc/ddns-audit/audit.toml ]] || fail "dpkg -r removed the conffile (it should stay until a purge)"
dpkg -P ddns-audit >/dev/null || fail "dpkg -P"
installed=0
[[ ! -e /etc/ddns-audit/audit.toml ]] || fail "dpkg -P left /etc/ddns-audit/audit.toml"
echo "dist/check.sh: the tarball and the .deb are good"
