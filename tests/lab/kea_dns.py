#!/usr/bin/python3
"""The Kea clients' records in the lab DC, read and rewritten over LDAP (tests/lab/kea.sh uses it).

    kea_dns.py --server 10.77.0.2 --password-file F show            # JSON: host -> A/PTR records + dwTimeStamp
    kea_dns.py --server 10.77.0.2 --password-file F age HOST...     # dwTimeStamp := AS_OF - KEA_AGE_H (plant.py)
    kea_dns.py --server 10.77.0.2 --password-file F purge           # delete every Kea client's dnsNodes
    kea_dns.py ... own HOST...       # the nodes' owner := KEA_OWNER (plant.py), as plant.py's OWNERS
    kea_dns.py ... stamp H HOST...   # dwTimeStamp := the real now - H hours (a recent refresh)

Run with /usr/bin/python3 (Samba's bindings). Aging rewrites the dwTimeStamp inside each
dnsRecord value of the host's forward node (corp.example.test) and reverse node
(2.77.10.in-addr.arpa), as plant.py writes them: ndr_unpack, set, ndr_pack, replace. `show`
gives each node's owner as the account name (or the SID).
"""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from plant import AS_OF_HOURS, DOMAIN, EPOCH_1601, H, KEA_AGE_H, KEA_CLIENTS, KEA_OWNER  # noqa: E402

REVERSE_ZONE = "2.77.10.in-addr.arpa"


def connect(server, password):
    from samba.credentials import DONT_USE_KERBEROS, Credentials
    from samba.param import LoadParm
    from samba.samdb import SamDB

    lp = LoadParm()
    lp.load("/dev/null")
    creds = Credentials()
    creds.guess(lp)
    creds.set_username("administrator")
    creds.set_domain("CORP")
    creds.set_password(password)
    creds.set_kerberos_state(DONT_USE_KERBEROS)
    return SamDB(url=f"ldap://{server}", credentials=creds, lp=lp)


def nodes(base_dn, host, ip):
    zones = f"CN=MicrosoftDNS,DC=DomainDnsZones,{base_dn}"
    o = ip.split(".")
    return [
        ("A", f"DC={host},DC={DOMAIN},{zones}"),
        ("PTR", f"DC={o[3]},DC={REVERSE_ZONE},{zones}"),
    ]


def main():
    import ldb
    from samba.dcerpc import dnsp
    from samba.ndr import ndr_pack, ndr_unpack

    ap = argparse.ArgumentParser()
    ap.add_argument("--server", required=True)
    ap.add_argument("--password-file", required=True)
    ap.add_argument("--base-dn", default="DC=corp,DC=example,DC=test")
    ap.add_argument("action", choices=["show", "age", "purge", "own", "stamp"])
    ap.add_argument("hosts", nargs="*")
    a = ap.parse_args()
    with open(a.password_file) as f:
        samdb = connect(a.server, f.read().strip())

    def read(dn):
        try:
            res = samdb.search(base=dn, scope=ldb.SCOPE_BASE, attrs=["dnsRecord", "dNSTombstoned"])
        except ldb.LdbError as e:
            if e.args[0] == ldb.ERR_NO_SUCH_OBJECT:
                return None, []
            raise
        m = res[0]
        tomb = str(m.get("dNSTombstoned", [b"FALSE"])[0]).upper() == "TRUE"
        return tomb, [ndr_unpack(dnsp.DnssrvRpcRecord, v) for v in m.get("dnsRecord", [])]

    from datetime import datetime, timezone

    from samba.dcerpc import security

    hours = None
    if a.action == "stamp":
        now_h = int((datetime.now(timezone.utc) - EPOCH_1601).total_seconds()) // H
        hours, a.hosts = now_h - int(a.hosts[0]), a.hosts[1:]
    domain_sid = str(samdb.get_domain_sid())

    def sid_of(sam):
        res = samdb.search(base=a.base_dn, expression=f"(sAMAccountName={sam})", attrs=["objectSid"])
        return str(ndr_unpack(security.dom_sid, res[0]["objectSid"][0])) if res else None

    def owner_of(dn):
        got = samdb.search(base=dn, scope=ldb.SCOPE_BASE, attrs=["nTSecurityDescriptor"], controls=["sd_flags:1:1"])
        sid = str(ndr_unpack(security.descriptor, got[0]["nTSecurityDescriptor"][0]).owner_sid)
        res = samdb.search(base=a.base_dn, expression=f"(objectSid={sid})", attrs=["sAMAccountName"])
        return str(res[0]["sAMAccountName"][0]) if res else sid

    out = {}
    for c in KEA_CLIENTS:
        if a.action in ("age", "own", "stamp") and c["host"] not in a.hosts:
            continue
        for kind, dn in nodes(a.base_dn, c["host"], c["ip"]):
            if a.action == "purge":
                try:
                    samdb.delete(dn)
                except ldb.LdbError as e:
                    if e.args[0] != ldb.ERR_NO_SUCH_OBJECT:
                        raise
                continue
            tomb, recs = read(dn)
            if a.action == "own" and tomb is not None:
                # As plant.py plants OWNERS: the owner only (SD flags 1), the DACL stays.
                sid = sid_of(KEA_OWNER)
                sd = security.descriptor.from_sddl(f"O:{sid}", security.dom_sid(domain_sid))
                m = ldb.Message(ldb.Dn(samdb, dn))
                m["nTSecurityDescriptor"] = ldb.MessageElement(ndr_pack(sd), ldb.FLAG_MOD_REPLACE, "nTSecurityDescriptor")
                samdb.modify(m, controls=["sd_flags:1:1"])
                if owner_of(dn) != KEA_OWNER:
                    raise SystemExit(f"{dn}: owner {owner_of(dn)}, want {KEA_OWNER}")
            if a.action in ("age", "stamp") and recs and not tomb:
                vals = []
                for r in recs:
                    if r.wType in (dnsp.DNS_TYPE_A, dnsp.DNS_TYPE_PTR) and r.dwTimeStamp != 0:
                        r.dwTimeStamp = AS_OF_HOURS - KEA_AGE_H if hours is None else hours
                    vals.append(ndr_pack(r))
                m = ldb.Message(ldb.Dn(samdb, dn))
                m["dnsRecord"] = ldb.MessageElement(vals, ldb.FLAG_MOD_REPLACE, "dnsRecord")
                samdb.modify(m)
                tomb, recs = read(dn)
            shown = [dict(type=r.wType, data=str(r.data), timestamp=r.dwTimeStamp)
                     for r in recs if r.wType in (dnsp.DNS_TYPE_A, dnsp.DNS_TYPE_PTR)]
            owner = owner_of(dn) if tomb is not None else None
            out.setdefault(c["host"], {})[kind] = dict(exists=tomb is not None, tombstoned=bool(tomb), records=shown, owner=owner)
    if a.action != "purge":
        json.dump(out, sys.stdout, indent=1, sort_keys=True)
        print()


if __name__ == "__main__":
    sys.exit(main())
