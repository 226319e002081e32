# Sourced by benches/ldap.sh and benches/live-all.sh: the bench lab's own instance (namespace
# ddnsbench, DC 10.79.0.2, state in /tmp/ddns-audit-bench-lab, no /etc/hosts line), never the
# default tests/lab one, which tests may be using; and the timing helpers. To take a kept bench
# lab down by hand: `. benches/bench-lab.sh; tests/lab/down.sh`.
export LAB_DIR=/tmp/ddns-audit-bench-lab LAB_NS=ddnsbench LAB_VETH_HOST=ddnsbench0 \
    LAB_VETH_DC=ddnsbench1 LAB_HOST_IP=10.79.0.1 LAB_DC_IP=10.79.0.2 LAB_ETC_HOSTS=0 \
    LAB_HOSTS_MARK="# ddns-audit-bench"

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", b-a}'; }
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END{print v[int((NR+1)/2)]}'; }
