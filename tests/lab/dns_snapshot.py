#!/usr/bin/python3
"""Every planted dnsNode of the lab, read from the DC's database file, one line each.

    /usr/bin/python3 tests/lab/dns_snapshot.py LAB_DIR > snapshot.txt

Used by tests/lab/timewarp.sh to show that Samba's own clock-driven tasks, run with a clock far
ahead, leave the planted world as it was. A line is the node's DN, dNSTombstoned and its
dnsRecord values (hex, sorted). Nodes that Samba itself registers (samba_dnsupdate: the DC's
name, the zone apex, SRV names under `_`, the `_msdcs` zone, gc, DomainDnsZones,
ForestDnsZones) are left out: a restarted DC may refresh them, and the tests plant none of them.
Read-only: the file is opened the way Samba's own tests read it beside a running DC.
"""
import sys

import ldb
from samba.auth import system_session
from samba.param import LoadParm
from samba.samdb import SamDB

SAMBA_OWN = {"@", "dc1", "gc", "domaindnszones", "forestdnszones"}


def main():
    lab_dir = sys.argv[1]
    lp = LoadParm()
    lp.load(f"{lab_dir}/dc/etc/smb.conf")
    samdb = SamDB(url=f"{lab_dir}/dc/private/sam.ldb", lp=lp, session_info=system_session())
    base = samdb.get_default_basedn()
    lines = []
    for part in (f"DC=DomainDnsZones,{base}", f"DC=ForestDnsZones,{base}"):
        res = samdb.search(base=part, scope=ldb.SCOPE_SUBTREE, expression="(objectClass=dnsNode)",
                           attrs=["name", "dnsRecord", "dNSTombstoned"])
        for msg in res:
            name = str(msg["name"][0]).lower()
            zone = str(msg.dn).split(",")[1].lower()
            if name in SAMBA_OWN or name.startswith("_") or zone.startswith("dc=_msdcs."):
                continue
            recs = sorted(bytes(v).hex() for v in msg.get("dnsRecord", []))
            tomb = str(msg["dNSTombstoned"][0]) if "dNSTombstoned" in msg else "-"
            lines.append(f"{msg.dn} tombstoned={tomb} records={','.join(recs)}")
    if not lines:
        raise SystemExit("dns_snapshot: no planted dnsNode found: is the world planted?")
    print("\n".join(sorted(lines)))


if __name__ == "__main__":
    main()
