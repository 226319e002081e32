#!/usr/bin/env bash
# The release artifacts, into dist/out/ (docs/install.md; tests/run.sh builds and checks them):
#   ddns-audit-<version>-x86_64-unknown-linux-gnu.tar.gz   stripped binary, README, licences,
#                                                          docs/, queries/, examples/scheduled/
#   ddns-audit_<version>-1_amd64.deb                       /usr/bin, the systemd units (not
#                                                          enabled), /etc/ddns-audit/audit.toml
#                                                          (a conffile), man page, completions
#   ddns-audit-<version>-x86_64-pc-windows-gnu.zip         stripped exe, README, licences, docs/,
#                                                          queries/, examples/scheduled/windows/
#   SHA256SUMS
# The Windows exe is built with Debian's toolchain (dist/windows-cargo.sh); --no-windows skips
# the zip. Reproducible file dates: SOURCE_DATE_EPOCH, else the commit's date.
set -euo pipefail
cd "$(dirname "$0")/.."

windows=1
[[ "${1:-}" == "--no-windows" ]] && windows=0

version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n1)
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}"
out=dist/out
stage="$out/stage"
rm -rf "$out"
mkdir -p "$stage"

tarball() { # tarball DIR NAME.tar.gz: deterministic order, owners and dates
    tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" \
        -C "$(dirname "$1")" -cf - "$(basename "$1")" | gzip -9n > "$2"
}

# --- Linux: the tarball ---
cargo build --locked --release
linux="ddns-audit-$version-x86_64-unknown-linux-gnu"
l="$stage/$linux"
mkdir -p "$l/examples"
install -m 0755 -s target/release/ddns-audit "$l/ddns-audit"
cp README.md LICENSE-MIT LICENSE-APACHE "$l/"
cp -r docs queries "$l/"
cp -r examples/scheduled "$l/examples/"
tarball "$l" "$out/$linux.tar.gz"

# --- Debian package ---
deb_version="$version-1"
p="$stage/deb"
mkdir -p "$p/DEBIAN" "$p/usr/bin" "$p/lib/systemd/system" "$p/etc/ddns-audit" \
    "$p/usr/share/man/man1" "$p/usr/share/bash-completion/completions" \
    "$p/usr/share/zsh/vendor-completions" "$p/usr/share/fish/vendor_completions.d" \
    "$p/usr/share/doc/ddns-audit"
install -m 0755 -s target/release/ddns-audit "$p/usr/bin/ddns-audit"
# The kit's units name /usr/local/bin (a hand install); the package's binary is in /usr/bin.
for u in ddns-audit.service ddns-audit.timer; do
    sed -e 's|/usr/local/bin/ddns-audit|/usr/bin/ddns-audit|g' \
        -e 's|/usr/local/share/doc/ddns-audit/|/usr/share/doc/ddns-audit/|g' \
        "examples/scheduled/linux/$u" > "$p/lib/systemd/system/$u"
    chmod 0644 "$p/lib/systemd/system/$u"
done
install -m 0644 examples/scheduled/linux/audit.toml "$p/etc/ddns-audit/audit.toml"
bin=target/release/ddns-audit
"$bin" man | gzip -9n > "$p/usr/share/man/man1/ddns-audit.1.gz"
"$bin" completions bash > "$p/usr/share/bash-completion/completions/ddns-audit"
"$bin" completions zsh > "$p/usr/share/zsh/vendor-completions/_ddns-audit"
"$bin" completions fish > "$p/usr/share/fish/vendor_completions.d/ddns-audit.fish"
cp README.md "$p/usr/share/doc/ddns-audit/"
cp examples/scheduled/linux/README.md "$p/usr/share/doc/ddns-audit/README.scheduled.md"
cp -r docs "$p/usr/share/doc/ddns-audit/"
{
    echo "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/"
    echo "Upstream-Name: ddns-audit"
    echo
    echo "Files: *"
    echo "Copyright: 2026 The ddns-audit contributors"
    echo "License: MIT or Apache-2.0"
    echo
    echo "License: MIT or Apache-2.0"
    echo " Licensed under either of the MIT licence or the Apache License, Version 2.0, at"
    echo " your option. The Apache-2.0 text: /usr/share/common-licenses/Apache-2.0. The MIT text:"
    echo " ."
    sed -e 's/^$/./' -e 's/^/ /' LICENSE-MIT
} > "$p/usr/share/doc/ddns-audit/copyright"
find "$p" -type d -exec chmod 0755 {} +
find "$p/usr/share" -type f -exec chmod 0644 {} +
# Depends from the libraries the binary links (dpkg-shlibdeps reads the symbol versions).
shlibs=$(cd "$stage" && mkdir -p debian && printf 'Source: ddns-audit\n' > debian/control &&
    dpkg-shlibdeps -O "deb/usr/bin/ddns-audit" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
[[ -n "$shlibs" ]] || { echo "dist/build.sh: dpkg-shlibdeps found no dependencies" >&2; exit 1; }
echo "/etc/ddns-audit/audit.toml" > "$p/DEBIAN/conffiles"
cat > "$p/DEBIAN/control" <<CONTROL
Package: ddns-audit
Version: $deb_version
Architecture: amd64
Maintainer: The ddns-audit contributors <ddns-audit@localhost>
Installed-Size: $(du -sk --exclude=DEBIAN "$p" | cut -f1)
Depends: $shlibs
Recommends: systemd (>= 247)
Section: admin
Priority: optional
Description: audit DHCP leases against AD and DNS records and their scavenging
 Finds the DHCP-leased hosts whose DNS records are missing, wrong, or about to
 be scavenged, says why and what to do, and writes a CSV or HTML report. It only
 reads: it never writes to AD, DNS or DHCP. The systemd timer in
 /lib/systemd/system/ddns-audit.timer is installed but not enabled; see
 /usr/share/doc/ddns-audit/README.scheduled.md.
CONTROL
find "$p" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
dpkg-deb --root-owner-group -Zxz --build "$p" "$out/ddns-audit_${deb_version}_amd64.deb" >/dev/null

# --- Windows: the zip ---
if ((windows)); then
    # tests/windows.sh's own build command: one build serves the zip and the tests.
    dist/windows-cargo.sh exe-and-tests >/dev/null
    win="ddns-audit-$version-x86_64-pc-windows-gnu"
    w="$stage/$win"
    mkdir -p "$w/examples/scheduled"
    x86_64-w64-mingw32-strip -o "$w/ddns-audit.exe" target/windows/x86_64-pc-windows-gnu/release/ddns-audit.exe
    # Notepad-friendly texts are not needed: the files are UTF-8 with LF, which Windows 10+ reads.
    cp README.md LICENSE-MIT LICENSE-APACHE "$w/"
    cp -r docs queries "$w/"
    cp -r examples/scheduled/windows "$w/examples/scheduled/"
    find "$w" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
    (cd "$stage" && find "$win" -print | LC_ALL=C sort | TZ=UTC zip -X -9 -q "../$win.zip" -@)
fi

rm -rf "$stage"
(cd "$out" && sha256sum -- ddns-audit[-_]* > SHA256SUMS)
ls -l "$out"
