# Source this from a shell or test runner after `sudo tests/lab/up.sh`:
#     . tests/lab/env.sh          # honours LAB_DIR (default /tmp/ddns-audit-lab)
# It loads $LAB_DIR/env, which up.sh writes. The variables (see tests/lab/README.md):
#   DDNS_AUDIT_LAB=1                 the lab is up (lab tests are #[ignore]d; tests/run.sh runs them)
#   LAB_LDAPS_URL=ldaps://dc1.corp.example.test   (ldaps://10.77.0.2 when LAB_ETC_HOSTS=0)
#   LAB_LDAPS_URL_IP=ldaps://10.77.0.2            the lab cert has IP:10.77.0.2 in its SAN too
#   LAB_LDAP_URL=ldap://10.77.0.2    plain LDAP: simple bind refused without TLS (StartTLS works)
#   LAB_DC_FQDN=dc1.corp.example.test   LAB_DC_IP=10.77.0.2
#   LAB_BIND_DN=administrator@corp.example.test   LAB_PASSWORD_FILE=$LAB_DIR/admin.pass
#   LAB_AUDITOR_DN=auditor@corp.example.test      LAB_AUDITOR_PASSWORD_FILE=$LAB_DIR/auditor.pass
#   LAB_CA_FILE=$LAB_DIR/ca.pem      KRB5_CONFIG=$LAB_DIR/krb5.conf   KRB5CCNAME=FILE:$LAB_DIR/krb5cc
#   LAB_DNS=10.77.0.2:53             LAB_BASE_DN=DC=corp,DC=example,DC=test  LAB_DOMAIN=corp.example.test
#   LAB_AS_OF=2026-11-20T12:00:00Z   LAB_LEASES, LAB_LEASES_V6, LAB_WORLD (files in tests/lab)
#   LAB_TLS=lab|samba                whose certificate the DC serves (up.sh LAB_TLS)
_lab_env="${LAB_DIR:-/tmp/ddns-audit-lab}/env"
if [ -r "$_lab_env" ]; then
    . "$_lab_env"
else
    echo "tests/lab/env.sh: $_lab_env not found; run tests/lab/up.sh first" >&2
    return 1 2>/dev/null || exit 1
fi
unset _lab_env
