#!/usr/bin/env bash
# Stand up the ddns-audit lab: a Samba AD DC (LDAP + AD-integrated DNS with aging) for
# CORP.EXAMPLE.TEST in its own network namespace, reachable from the root namespace at
# 10.77.0.2 over a veth pair, then plant the known world (tests/lab/plant.py, world.md).
#
#   sudo tests/lab/up.sh            # idempotent: a healthy running lab is re-planted, not rebuilt
#   . "${LAB_DIR:-/tmp/ddns-audit-lab}/env"   # or: . tests/lab/env.sh
#   sudo tests/lab/down.sh
#
# Env: LAB_DIR (default /tmp/ddns-audit-lab), LAB_ETC_HOSTS=0 to not add the marked
# "10.77.0.2 dc1.corp.example.test dc1" line to /etc/hosts (then only ldaps://10.77.0.2 with a
# simple bind works from the host; GSSAPI and by-name TLS need the name), LAB_KEEP_ON_FAIL=1 to
# leave a failed lab in place for inspection, LAB_REBUILD=1 to tear down and rebuild, LAB_KEA=0
# to leave out the Kea part (tests/lab/kea.sh). Provisioned with "allow dns updates = nonsecure"
# so that kea-dhcp-ddns (no GSS-TSIG in Kea 2.2) can register; Kerberos-signed updates work as before.
# Only 10.77.0.0/24 (namespace + veth created here) is used; nothing leaves the machine.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
. "$here/lib.sh"

[[ $EUID -eq 0 ]] || lab_die "run as root"
export LAB_DIR

TIMINGS=()
phase_start() { PHASE_T0=$(date +%s.%N); lab_log "$1"; }
phase_end() {
    local dt
    dt=$(awk -v a="$PHASE_T0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')
    TIMINGS+=("$1 ${dt}s")
    lab_log "$1 done in ${dt}s"
}

ldaps_up() { # anonymous RootDSE read over ldaps (no cert check: only "is it listening")
    LDAPTLS_REQCERT=never timeout 5 ldapsearch -LLL -x -H "ldaps://$LAB_DC_IP" -s base -b "" \
        defaultNamingContext >/dev/null 2>&1
}
dns_up() {
    [[ -n "$(dig +time=1 +tries=1 +short "@$LAB_DC_IP" "$LAB_DC_FQDN" A 2>/dev/null | grep -E '^[0-9.]+$')" ]]
}
lab_running() {
    [[ -f "$LAB_DIR/samba.pid" ]] || return 1
    local pid
    pid=$(cat "$LAB_DIR/samba.pid")
    [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == samba* ]] || return 1
    ip netns list | grep -qw "^$LAB_NS" && ldaps_up && dns_up
}

# ---------------------------------------------------------------------------------------------
# 1. packages (skipped when all present)
PKGS=(samba samba-ad-dc winbind krb5-user ldb-tools ldap-utils bind9-dnsutils python3-samba
      libsasl2-modules-gssapi-mit openssl samba-ad-provision samba-dsdb-modules)
missing=()
for p in "${PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    phase_start "install: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # krb5-config would otherwise ask for a default realm; we never use /etc/krb5.conf anyway.
    echo "krb5-config krb5-config/default_realm string $LAB_REALM" | debconf-set-selections
    echo "krb5-config krb5-config/add_servers_realm string $LAB_REALM" | debconf-set-selections
    echo "krb5-config krb5-config/add_servers boolean false" | debconf-set-selections
    apt-get update -qq
    apt-get install -y -q --no-install-recommends "${missing[@]}" >"/tmp/ddns-audit-lab-apt.log" 2>&1 \
        || { tail -30 /tmp/ddns-audit-lab-apt.log; lab_die "apt-get install failed"; }
    phase_end install
fi

# ---------------------------------------------------------------------------------------------
# Idempotence: a healthy running lab is kept (and re-planted); anything else is rebuilt.
if [[ "${LAB_REBUILD:-0}" != 1 ]] && lab_running; then
    lab_log "lab already running (pid $(cat "$LAB_DIR/samba.pid")); re-planting the world"
    fresh=0
else
    "$here/down.sh"
    fresh=1
fi

on_exit() {
    local rc=$?
    if ((rc != 0)); then
        lab_log "up.sh failed (exit $rc)"
        [[ -f "$LAB_DIR/samba.log" ]] && { lab_log "samba log tail:"; tail -40 "$LAB_DIR/samba.log" >&2; }
        if [[ "${LAB_KEEP_ON_FAIL:-0}" == 1 ]]; then
            lab_log "LAB_KEEP_ON_FAIL=1: leaving the lab for inspection; run down.sh when done"
        else
            "$here/down.sh" || true
        fi
    fi
}
trap on_exit EXIT

if ((fresh)); then
    mkdir -p "$LAB_DIR"
    chmod 700 "$LAB_DIR"

    # -----------------------------------------------------------------------------------------
    # 2. namespace + veth
    phase_start "network namespace $LAB_NS"
    ip netns add "$LAB_NS"
    ip link add "$LAB_VETH_HOST" type veth peer name "$LAB_VETH_DC"
    ip link set "$LAB_VETH_DC" netns "$LAB_NS"
    ip addr add "$LAB_HOST_IP/24" dev "$LAB_VETH_HOST"
    ip link set "$LAB_VETH_HOST" up
    ip -n "$LAB_NS" addr add "$LAB_DC_IP/24" dev "$LAB_VETH_DC"
    ip -n "$LAB_NS" link set "$LAB_VETH_DC" up
    ip -n "$LAB_NS" link set lo up
    ip -n "$LAB_NS" route add default via "$LAB_HOST_IP" 2>/dev/null || true
    phase_end netns

    # -----------------------------------------------------------------------------------------
    # 3. provision (private targetdir; nothing under /etc/samba is touched). The pid files and
    # the ncalrpc/winbindd/ntp_signd sockets default to /run/samba and /var/lib/samba, shared by
    # every samba on the host: kept under $LAB_DIR so that two labs (LAB_NS/LAB_DC_IP...) coexist.
    phase_start "provision"
    pw="Lab1-$(openssl rand -base64 24 | tr -dc 'A-Za-z0-9' | head -c 20)"
    (umask 077 && printf '%s' "$pw" >"$LAB_DIR/admin.pass")
    chmod 600 "$LAB_DIR/admin.pass"
    samba-tool domain provision \
        --targetdir="$LAB_DIR/dc" \
        --realm="$LAB_REALM" --domain="$LAB_DOMAIN" --host-name="$LAB_DC_HOST" \
        --server-role=dc --dns-backend=SAMBA_INTERNAL \
        --adminpass="$pw" --host-ip="$LAB_DC_IP" \
        --option="interfaces = $LAB_DC_IP" \
        --option="bind interfaces only = yes" \
        --option="dns forwarder = none" \
        --option="dns zone scavenging = no" \
        --option="pid directory = $LAB_DIR/dc/run" \
        --option="ncalrpc dir = $LAB_DIR/dc/run/ncalrpc" \
        --option="winbindd socket directory = $LAB_DIR/dc/run/winbindd" \
        --option="ntp signd socket directory = $LAB_DIR/dc/run/ntp_signd" \
        >"$LAB_DIR/provision.log" 2>&1 \
        || { tail -30 "$LAB_DIR/provision.log"; lab_die "provision failed"; }
    unset pw
    # Unsigned dynamic updates for kea-dhcp-ddns (kea.sh); samba-tool does not keep this option
    # when given to provision, so it goes into smb.conf before the first start.
    sed -i 's/^\[global\]$/[global]\n\tallow dns updates = nonsecure/' "$LAB_DIR/dc/etc/smb.conf"

    # TLS. Samba's autogenerated certificate (made at first start when private/tls/key.pem is
    # absent) has CN=DC1.corp.example.test and NO subjectAltName: OpenSSL clients accept it by
    # name through the CN fallback, by IP nothing does, and rustls/webpki (SAN only) rejects it
    # either way. By default the lab issues its own CA and a server certificate the way AD CS's
    # Domain Controller template would (SAN DNS names), plus the IP, into the same files, so
    # LAB_CA_FILE verifies ldaps://dc1.corp.example.test and ldaps://10.77.0.2 alike.
    # LAB_TLS=samba keeps Samba's autogenerated CN-only certificate.
    if [[ "${LAB_TLS:-lab}" != samba ]]; then
        tls="$LAB_DIR/dc/private/tls"
        mkdir -p "$tls"
        (
            umask 077
            cd "$tls"
            openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 \
                -keyout ca.key -out ca.pem -subj "/O=ddns-audit lab/CN=ddns-audit lab CA" \
                -addext "basicConstraints=critical,CA:TRUE" \
                -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
            openssl req -newkey rsa:2048 -nodes -sha256 -keyout key.pem -out server.csr \
                -subj "/O=ddns-audit lab/CN=$LAB_DC_FQDN" 2>/dev/null
            printf '%s\n' \
                "basicConstraints=critical,CA:FALSE" \
                "keyUsage=critical,digitalSignature,keyEncipherment" \
                "extendedKeyUsage=serverAuth" \
                "subjectAltName=DNS:$LAB_DC_FQDN,DNS:$LAB_DNS_DOMAIN,DNS:$LAB_DC_HOST,IP:$LAB_DC_IP" \
                >server.ext
            openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
                -days 825 -sha256 -extfile server.ext -out cert.pem 2>/dev/null
            rm -f server.csr server.ext ca.srl
            chmod 600 key.pem ca.key
            chmod 644 ca.pem cert.pem
        )
    fi
    phase_end provision

    # -----------------------------------------------------------------------------------------
    # 4. start samba inside the namespace. -F (foreground) rather than -i: "-i" exits as soon as
    # its stdin reaches EOF, which it does at once when backgrounded from a script.
    phase_start "start samba"
    ip netns exec "$LAB_NS" samba -s "$LAB_DIR/dc/etc/smb.conf" -F --debug-stdout -d 1 \
        </dev/null >"$LAB_DIR/samba.log" 2>&1 &
    echo $! >"$LAB_DIR/samba.pid"
    lab_log "samba pid $(cat "$LAB_DIR/samba.pid")"
    deadline=$((SECONDS + 60))
    until ldaps_up && dns_up; do
        kill -0 "$(cat "$LAB_DIR/samba.pid")" 2>/dev/null || lab_die "samba exited during start"
        ((SECONDS < deadline)) || lab_die "samba not answering LDAPS+DNS on $LAB_DC_IP after 60 s"
        sleep 1
    done
    phase_end start
fi

# ---------------------------------------------------------------------------------------------
# 5. trust, name resolution, Kerberos
cp "$LAB_DIR/dc/private/tls/ca.pem" "$LAB_DIR/ca.pem"
chmod 644 "$LAB_DIR/ca.pem"

# Kerberos (SPN ldap/dc1.corp.example.test) and TLS by name need the DC's FQDN to resolve on
# the host, and the host's resolver does not ask the lab DNS: add one marked /etc/hosts line.
if [[ "${LAB_ETC_HOSTS:-1}" == 1 ]]; then
    lab_hosts_remove
    printf '%s %s %s %s\n' "$LAB_DC_IP" "$LAB_DC_FQDN" "$LAB_DC_HOST" "$LAB_HOSTS_MARK" >>/etc/hosts
fi

cat >"$LAB_DIR/krb5.conf" <<EOF
[libdefaults]
    default_realm = $LAB_REALM
    dns_lookup_kdc = false
    dns_lookup_realm = false
    rdns = false
    dns_canonicalize_hostname = false
    forwardable = true

[realms]
    $LAB_REALM = {
        kdc = $LAB_DC_IP
        admin_server = $LAB_DC_IP
    }

[domain_realm]
    .$LAB_DNS_DOMAIN = $LAB_REALM
    $LAB_DNS_DOMAIN = $LAB_REALM
EOF
export KRB5_CONFIG="$LAB_DIR/krb5.conf" KRB5CCNAME="FILE:$LAB_DIR/krb5cc"
kinit "administrator@$LAB_REALM" <"$LAB_DIR/admin.pass" >/dev/null \
    || lab_die "kinit administrator failed"

# ---------------------------------------------------------------------------------------------
# 6. plant the known world
phase_start "plant"
# The low-privilege user "auditor" (plant.py USERS; denied one zone's records): its password is
# made once per lab and kept across re-plants (plant.py resets it to this file's content).
if [[ ! -s "$LAB_DIR/auditor.pass" ]]; then
    (umask 077 && printf '%s' "Lab1-$(openssl rand -base64 24 | tr -dc 'A-Za-z0-9' | head -c 20)" >"$LAB_DIR/auditor.pass")
fi
chmod 600 "$LAB_DIR/auditor.pass"
"$LAB_PY" "$here/plant.py" --server "$LAB_DC_IP" --password-file "$LAB_DIR/admin.pass" \
    --auditor-password-file "$LAB_DIR/auditor.pass" \
    --base-dn "$LAB_BASE_DN" --dns-domain "$LAB_DNS_DOMAIN"
phase_end plant

# ---------------------------------------------------------------------------------------------
# 7. the environment for tests
cat >"$LAB_DIR/env" <<EOF
# Written by tests/lab/up.sh; source it (tests/lab/env.sh does). Documented in tests/lab/README.md.
export DDNS_AUDIT_LAB=1
export LAB_DIR=$LAB_DIR
export LAB_LDAPS_URL=ldaps://$LAB_DC_FQDN
export LAB_LDAPS_URL_IP=ldaps://$LAB_DC_IP
export LAB_LDAP_URL=ldap://$LAB_DC_IP
export LAB_DC_FQDN=$LAB_DC_FQDN
export LAB_DC_IP=$LAB_DC_IP
export LAB_BIND_DN=administrator@$LAB_DNS_DOMAIN
export LAB_PASSWORD_FILE=$LAB_DIR/admin.pass
export LAB_AUDITOR_DN=auditor@$LAB_DNS_DOMAIN
export LAB_AUDITOR_PASSWORD_FILE=$LAB_DIR/auditor.pass
export LAB_CA_FILE=$LAB_DIR/ca.pem
export KRB5_CONFIG=$LAB_DIR/krb5.conf
export KRB5CCNAME=FILE:$LAB_DIR/krb5cc
export LAB_DNS=$LAB_DC_IP:53
export LAB_BASE_DN=$LAB_BASE_DN
export LAB_DOMAIN=$LAB_DNS_DOMAIN
export LAB_AS_OF=2026-11-20T12:00:00Z
export LAB_LEASES=$here/leases.csv
export LAB_LEASES_V6=$here/leases-v6.csv
export LAB_WORLD=$here/world.json
EOF
if [[ "${LAB_ETC_HOSTS:-1}" != 1 ]]; then
    sed -i "s|^export LAB_LDAPS_URL=.*|export LAB_LDAPS_URL=ldaps://$LAB_DC_IP|" "$LAB_DIR/env"
fi

# ---------------------------------------------------------------------------------------------
# 8. the Kea world (tests/lab/kea.sh): Kea DHCPv4 + kea-dhcp-ddns + real DHCP clients.
# LAB_KEA=0 leaves it out.
if [[ "${LAB_KEA:-1}" == 1 ]]; then
    phase_start "kea"
    "$here/kea.sh" up
    phase_end kea
fi

if ((${#TIMINGS[@]})); then
    printf '%s\n' "${TIMINGS[@]}" >>"$LAB_DIR/timings.txt"
    lab_log "timings: ${TIMINGS[*]}"
fi
lab_log "lab up: . $LAB_DIR/env   (samba pid $(cat "$LAB_DIR/samba.pid"), log $LAB_DIR/samba.log)"
