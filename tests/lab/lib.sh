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

# What the lab adds to [global] of the provisioned smb.conf before the first start (samba-tool
# does not keep these when given to provision). The planted world is dated relative to a fixed
# AS_OF (plant.py), while Samba's own DNS tasks compare record and tombstone times with the real
# clock; these keep them off it on any date (tests/lab/README.md, "Samba's own timers"):
# - dns zone scavenging = no: the KCC never tombstones aged records (Samba's default, written
#   down so that a changed default cannot bring it back);
# - dnsserver:dns_tombstone_interval: tombstoned dnsNodes are deleted by the KCC when entombed
#   longer ago than this many hours (default 14 days: tomb-01 vanished 14 days after AS_OF);
#   100 years here.
LAB_TOMBSTONE_HOURS=876600
lab_smb_conf_settings() {
    printf '%s\n' \
        "allow dns updates = nonsecure" \
        "dns zone scavenging = no" \
        "dnsserver:dns_tombstone_interval = $LAB_TOMBSTONE_HOURS"
}
lab_smb_conf_apply() { # FILE: add the settings right after [global]
    local tmp
    tmp=$(mktemp)
    awk -v add="$(lab_smb_conf_settings)" \
        '{ print } /^\[global\]$/ { n = split(add, a, "\n"); for (i = 1; i <= n; i++) print "\t" a[i] }' \
        "$1" >"$tmp"
    cat "$tmp" >"$1"
    rm -f "$tmp"
}
lab_smb_conf_ok() { # FILE: every setting is there
    local line
    while IFS= read -r line; do
        grep -qxF "	$line" "$1" || return 1
    done < <(lab_smb_conf_settings)
}

ldaps_up() { # anonymous RootDSE read over ldaps (no cert check: only "is it listening")
    LDAPTLS_REQCERT=never timeout 5 ldapsearch -LLL -x -H "ldaps://$LAB_DC_IP" -s base -b "" \
        defaultNamingContext >/dev/null 2>&1
}
dns_up() {
    [[ -n "$(dig +time=1 +tries=1 +short "@$LAB_DC_IP" "$LAB_DC_FQDN" A 2>/dev/null | grep -E '^[0-9.]+$')" ]]
}
lab_samba_pids() { # the DC's processes in its namespace: samba and its children (smbd,
    # winbindd, the samba_* Python tools), not Kea's daemons which live there too
    # (their workers rename themselves: ldap(0), kdc[master], tfork(N); the executable tells)
    local p
    for p in $(ip netns pids "$LAB_NS" 2>/dev/null); do
        case "$(readlink "/proc/$p/exe" 2>/dev/null)" in
            */samba | */smbd | */winbindd | */nmbd) echo "$p" ;;
            *python3*) { tr '\0' ' ' <"/proc/$p/cmdline"; } 2>/dev/null | grep -q '/samba_' && echo "$p" ;;
        esac
    done
}
lab_samba_stop() { # the DC by its saved PID (and its process group when started with setsid),
    # then every DC process left in the namespace: a prefork worker that outlives its master
    # would go on serving LDAP (with the old clock, after timewarp.sh) beside the next samba.
    local pid p
    pid=$(cat "$LAB_DIR/samba.pid" 2>/dev/null) || pid=""
    if [[ -n "$pid" && "$(cat "/proc/$pid/comm" 2>/dev/null)" == samba* ]]; then
        kill -TERM -- "-$pid" 2>/dev/null || true
        kill -TERM "$pid" 2>/dev/null || true
    fi
    for _ in $(seq 1 100); do
        [[ -z "$(lab_samba_pids)" ]] && return 0
        sleep 0.1
    done
    for p in $(lab_samba_pids); do kill -KILL "$p" 2>/dev/null || true; done
    for _ in $(seq 1 50); do
        [[ -z "$(lab_samba_pids)" ]] && return 0
        sleep 0.1
    done
    lab_die "samba processes left in $LAB_NS after SIGKILL: $(lab_samba_pids | tr '\n' ' ')"
}
lab_samba_wait() { # until LDAPS and DNS answer, or die after 60 s
    local deadline=$((SECONDS + 60)) pid
    pid=$(cat "$LAB_DIR/samba.pid")
    until ldaps_up && dns_up; do
        kill -0 "$pid" 2>/dev/null || lab_die "samba exited during start"
        ((SECONDS < deadline)) || lab_die "samba not answering LDAPS+DNS on $LAB_DC_IP after 60 s"
        sleep 0.5
    done
}
lab_samba_start() { # the DC on the real clock, its log appended; returns once it answers
    # setsid: its own process group, which lab_samba_stop and down.sh signal as a whole. Not
    # through a wrapper: $! must be samba's own PID (checked through /proc/PID/comm).
    ip netns exec "$LAB_NS" setsid samba -s "$LAB_DIR/dc/etc/smb.conf" -F --debug-stdout -d 1 \
        </dev/null >>"$LAB_DIR/samba.log" 2>&1 &
    echo $! >"$LAB_DIR/samba.pid"
    lab_samba_wait
}
