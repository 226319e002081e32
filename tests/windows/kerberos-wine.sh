#!/usr/bin/env bash
# With the lab up (tests/lab/README.md): the Windows exe binds to the lab DC with --kerberos
# through SSPI under Wine (issue #23, part 3). Not run by tests/run.sh: under Debian 12's Wine
# 8.0 it cannot succeed (below; docs/install.md "Kerberos on Windows"), it shows how far it gets.
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
# Seen on 2026-12-07 with Wine 8.0 (Debian 8.0~repack-4): AcquireCredentialsHandle finds the
# ticket (gss_acquire_cred 0), InitializeSecurityContext completes with the DC in two legs
# (gss_init_sec_context 1, then 0): Kerberos authentication works. The SASL GSSAPI security
# layer then fails: cross-krb5 unwraps the DC's first wrapped message with DecryptMessage over
# a SECBUFFER_STREAM + SECBUFFER_DATA descriptor (the layout Windows documents), and Wine 8.0's
# Kerberos provider accepts only SECBUFFER_TOKEN + SECBUFFER_DATA (SEC_E_INVALID_TOKEN, no
# gss_unwrap in the trace): "decrypt message failed". Later Wine unwraps a stream too. "No
# credentials are available in the security package" would mean Wine's provider did not find
# the ticket cache (check KRB5CCNAME is a FILE: path and klist shows a TGT).
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${LAB_LDAPS_URL:?the lab is not up: . tests/lab/env.sh first}"

# The zip's exe (dist/windows-cargo.sh builds it with the kerberos feature).
dist/windows-cargo.sh exe-and-tests
exe=target/windows/x86_64-pc-windows-gnu/release/ddns-audit.exe
export WINEPREFIX="$PWD/target/windows/wine-prefix" WINEDEBUG="${WINEDEBUG:--all,+kerberos,+secur32}" WINEARCH=win64
[[ -f "$WINEPREFIX/system.reg" ]] || { echo "no Wine prefix: run tests/windows.sh once first" >&2; exit 2; }
klist -s || { echo "no Kerberos ticket in $KRB5CCNAME" >&2; exit 2; }

# The Unix paths resolve on Wine's Z: drive (tests/windows.sh, TEMP).
set -x
wine "$exe" audit --leases "$LAB_LEASES" --ldap-url "$LAB_LDAPS_URL" --kerberos --ca-file "$LAB_CA_FILE" \
    --dns-server "$LAB_DNS" --as-of "$LAB_AS_OF" --output - >/tmp/ddns-audit-kerberos-wine.csv
