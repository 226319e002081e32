# Shared settings for tests/lab/{up,down}.sh (sourced, not run).
# Everything the lab creates is named here so that down.sh removes exactly that.

LAB_DIR="${LAB_DIR:-/tmp/ddns-audit-lab}"
LAB_NS="${LAB_NS:-ddnslab}"            # network namespace holding the DC
LAB_VETH_HOST="${LAB_VETH_HOST:-ddnslab0}"    # veth end in the root namespace (10.77.0.1/24)
LAB_VETH_DC="${LAB_VETH_DC:-ddnslab1}"      # veth end inside $LAB_NS (10.77.0.2/24)
LAB_HOST_IP="${LAB_HOST_IP:-10.77.0.1}"
LAB_DC_IP="${LAB_DC_IP:-10.77.0.2}"
LAB_REALM=CORP.EXAMPLE.TEST
LAB_DOMAIN=CORP
LAB_DNS_DOMAIN=corp.example.test
LAB_DC_HOST=dc1
LAB_DC_FQDN=dc1.corp.example.test
LAB_BASE_DN=DC=corp,DC=example,DC=test
# The /etc/hosts line up.sh adds (so the DC's FQDN resolves for TLS name checks and the
# Kerberos SPN ldap/dc1.corp.example.test) carries this marker; down.sh removes only it.
LAB_HOSTS_MARK="${LAB_HOSTS_MARK:-# ddns-audit-lab}"
# Samba's own Python bindings live in the system interpreter, not in pyenv/venvs.
LAB_PY=/usr/bin/python3

lab_log() { printf '[lab %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
lab_die() { lab_log "ERROR: $*"; exit 1; }

# Rewrite /etc/hosts in place (it may be a bind mount: never rename over it).
lab_hosts_remove() {
    [[ -w /etc/hosts ]] || return 0
    if grep -qF "$LAB_HOSTS_MARK" /etc/hosts; then
        local tmp
        tmp=$(mktemp)
        grep -vF "$LAB_HOSTS_MARK" /etc/hosts >"$tmp" || true
        cat "$tmp" >/etc/hosts
        rm -f "$tmp"
    fi
}
