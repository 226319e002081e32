#!/bin/sh
# export-computers.sh - AD computer objects as LDIF for `ddns-audit --computers`.
#
# Produces:   LDIF (on stdout, or in -o FILE) with the attributes listed in computers.attributes
#             (cn, dNSHostName, userAccountControl, lastLogonTimestamp, operatingSystem,
#             sAMAccountName) of every object matching computers.filter, both read from the
#             directory this script is in.
# Run on:     any Linux/Unix host with OpenLDAP's ldapsearch (Debian/Ubuntu: ldap-utils) that
#             reaches a domain controller over LDAPS (port 636).
# Rights:     any domain account: Domain Users can read these attributes of computer objects.
# Parameters:
#   -H URL      the domain controller, e.g. ldaps://dc1.corp.example.test (required)
#   -D BINDDN   the account to bind as: a DN or a UPN such as svc-audit@corp.example.test (required)
#   -y FILE     file holding that account's password, nothing else, no trailing newline:
#               printf '%s' 'secret' > pw && chmod 600 pw   (required; never on the command line)
#   -b BASE     search base, e.g. DC=corp,DC=example,DC=test (default: the domain, read from
#               the RootDSE's defaultNamingContext)
#   -o FILE     write the LDIF here instead of stdout
# Trust:      when the DC's certificate is not signed by a CA in the system store, point
#             LDAPTLS_CACERT at the CA certificate (PEM), e.g. LDAPTLS_CACERT=ca.pem ./export-computers.sh ...
# Paging:     1000 entries per page (AD's default MaxPageSize), so domains with more computers
#             come back whole. A failed or partial search exits non-zero.
# Example:
#   ./export-computers.sh -H ldaps://dc1.corp.example.test -D svc-audit@corp.example.test \
#       -y ~/.ddns-audit.pw -o computers.ldif
#   ddns-audit audit --leases leases.csv --computers computers.ldif ...
set -eu

here=$(cd "$(dirname "$0")" && pwd)
url= binddn= pwfile= base= out=
while getopts H:D:y:b:o: opt; do
    case $opt in
        H) url=$OPTARG ;;
        D) binddn=$OPTARG ;;
        y) pwfile=$OPTARG ;;
        b) base=$OPTARG ;;
        o) out=$OPTARG ;;
        *) echo "usage: $0 -H ldaps://DC -D BINDDN -y PASSWORD_FILE [-b BASE] [-o FILE]" >&2; exit 2 ;;
    esac
done
if [ -z "$url" ] || [ -z "$binddn" ] || [ -z "$pwfile" ]; then
    echo "usage: $0 -H ldaps://DC -D BINDDN -y PASSWORD_FILE [-b BASE] [-o FILE]" >&2
    exit 2
fi
if [ ! -r "$pwfile" ]; then
    echo "$0: cannot read the password file $pwfile" >&2
    exit 2
fi

if [ -z "$base" ]; then
    base=$(ldapsearch -LLL -o ldif-wrap=no -H "$url" -x -D "$binddn" -y "$pwfile" -s base -b "" defaultNamingContext |
        sed -n 's/^defaultNamingContext: //p')
    if [ -z "$base" ]; then
        echo "$0: could not read defaultNamingContext from $url; give the base with -b" >&2
        exit 2
    fi
fi

filter=$(grep -v '^[[:space:]]*$' "$here/computers.filter" | head -n 1)
attrs=$(grep -v '^[[:space:]]*$' "$here/computers.attributes" | tr '\n' ' ')

# shellcheck disable=SC2086 # the attribute list is meant to split into words
if [ -n "$out" ]; then
    ldapsearch -LLL -o ldif-wrap=no -o nettimeout=30 -H "$url" -x -D "$binddn" -y "$pwfile" \
        -E pr=1000/noprompt -b "$base" -s sub "$filter" $attrs > "$out"
else
    ldapsearch -LLL -o ldif-wrap=no -o nettimeout=30 -H "$url" -x -D "$binddn" -y "$pwfile" \
        -E pr=1000/noprompt -b "$base" -s sub "$filter" $attrs
fi
