#!/usr/bin/env bash
# For the lead, with the lab up (tests/lab/README.md; it is a shared instance, never started from
# here): the Windows exe built with --features kerberos binds to the lab DC through SSPI under
# Wine (issue #23, part 3). Not run by tests/run.sh: it needs the lab and is an experiment.
#
# What happens: cross-krb5's Windows side (ldap3's gssapi feature) asks SSPI's "Kerberos"
# package (AcquireCredentialsHandle with no credentials: the logged-on account, as a gMSA's
# scheduled task on Windows) for a context to ldap/<DC FQDN>. Wine's kerberos.dll implements
# that package over the system's MIT libraries (libkrb5-3, libgssapi-krb5-2), which read
# KRB5_CONFIG and KRB5CCNAME from the environment: the lab's env.sh points them at the lab's
# krb5.conf and administrator's ticket cache, so the Windows exe should bind as administrator.
#
#   tests/lab/up.sh is the lead's; then:  . tests/lab/env.sh && tests/windows/kerberos-wine.sh
#
# Expected: exit 0 or 1 and the same rows as the Linux build's GSSAPI run (tests/lab_ad.rs's
# kerberos test). Where Wine may fall short (say which in the issue): the SASL GSSAPI security
# layer needs EncryptMessage/DecryptMessage on the context (Wine 8.0 maps them to gss_wrap /
# gss_unwrap); "No credentials are available in the security package" means Wine's provider did
# not find the ticket cache (check KRB5CCNAME is a FILE: path and klist shows a TGT).
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${LAB_LDAPS_URL:?the lab is not up: . tests/lab/env.sh first}"

# Its own target folder: the feature changes every crate's hash, and the exe would replace the
# zip's in target/windows (a cold build: 15-25 min on 2 cores).
CARGO_TARGET_DIR_WINDOWS=target/windows-kerberos dist/windows-cargo.sh build --release --features kerberos
exe=target/windows-kerberos/x86_64-pc-windows-gnu/release/ddns-audit.exe
export WINEPREFIX="$PWD/target/windows/wine-prefix" WINEDEBUG="${WINEDEBUG:--all,+kerberos,+secur32}" WINEARCH=win64
[[ -f "$WINEPREFIX/system.reg" ]] || { echo "no Wine prefix: run tests/windows.sh once first" >&2; exit 2; }
klist -s || { echo "no Kerberos ticket in $KRB5CCNAME" >&2; exit 2; }

# The Unix paths resolve on Wine's Z: drive (tests/windows.sh, TEMP).
set -x
wine "$exe" audit --leases "$LAB_LEASES" --ldap-url "$LAB_LDAPS_URL" --kerberos --ca-file "$LAB_CA_FILE" \
    --dns-server "$LAB_DNS" --as-of "$LAB_AS_OF" --output - >/tmp/ddns-audit-kerberos-wine.csv
