#!/usr/bin/python3
"""Plant N computers and N dynamic A records into the benchmark lab DC, fast.

    /usr/bin/python3 benches/ldap_plant.py --lab-dir /tmp/ddns-audit-bench-lab --count 100000

Why not LDAP: LDAP adds cost ~7 ms each (measured in the lab: 1,000 computers in 7 s), so 200,000 objects
take ~25 min. Even a local SamDB add (Samba's full module stack on sam.ldb, as system, one
transaction) measured 3-9 ms per computer and 2 ms per dnsNode here: ~10 min.

So: ONE template object of each kind is added the proper way (SamDB on the local sam.ldb, all
modules: objectGUID/SID/RID, security descriptor, replication metadata, USNs), then read back
raw from its partition file and cloned into that file with no modules, in one transaction,
changing what makes each object its own (DN, cn/name/dc, sAMAccountName, objectSid, objectGUID,
dNSHostName, lastLogonTimestamp, dnsRecord). ldb itself keeps every index (the GUID index,
one-level index, objectClass/objectCategory/sAMAccountName/... indexes) as for any add.
objectGUIDs are chosen ascending (0xfe prefix + counter) so that each sorted GUID index list
grows at its end instead of being memmoved per add (random GUIDs make the bulk add quadratic).
Clones share the template's replPropertyMetaData and USNs: a bench DC never replicates.

Samba may keep running: its LDAP server waits on the database lock while the transaction is
open, and re-reads its caches afterwards (the partition's sequence number changed).

Computers: CN=BENCH-nnnnnn,CN=Computers (objectClass computer, sAMAccountName BENCH-nnnnnn$,
userAccountControl 4096, dNSHostName bench-nnnnnn.corp.example.test, operatingSystem,
lastLogonTimestamp). Records: DC=bench-nnnnnn,DC=corp.example.test,CN=MicrosoftDNS,
DC=DomainDnsZones: one A record 10.80+.x.y, TTL 1200, a nonzero dwTimeStamp (dynamic), packed
with samba.ndr as tests/lab/plant.py does.
"""

import argparse
import os
import sys
import time

import ldb
import samba
from samba.auth import system_session
from samba.dcerpc import dnsp, security
from samba.ndr import ndr_pack, ndr_unpack
from samba.param import LoadParm
from samba.samdb import SamDB

AS_OF_HOURS = 3733236  # 2026-11-20T12:00:00Z in hours since 1601 (tests/lab/plant.py AS_OF)
FILETIME_AS_OF = AS_OF_HOURS * 3600 * 10_000_000
FIRST_RID = 500_000  # far above the RID pool the DC hands out by itself


def a_record(ip, ts):
    r = dnsp.DnssrvRpcRecord()
    r.wType = dnsp.DNS_TYPE_A
    r.rank = dnsp.DNS_RANK_ZONE
    r.dwSerial = 1
    r.dwTtlSeconds = 1200
    r.dwTimeStamp = ts
    r.data = ip
    return ndr_pack(r)


def ip_of(i):
    return f"10.{80 + i // 62500}.{i // 250 % 250}.{i % 250 + 1}"


def guid_of(kind, i):
    return b"\xfe" + bytes([kind]) + i.to_bytes(14, "big")


def partition_file(lab_dir, nc_dn):
    return os.path.join(lab_dir, "dc", "private", "sam.ldb.d", nc_dn.upper() + ".ldb")


def clone(lp, path, template_dn, count, dn_of, vary, label):
    """Adds count copies of template_dn's raw record to the partition file at path."""
    # A partition file has no @MODULES: raw ldb_kv, indexes included. samba.Ldb registers
    # Samba's syntaxes (extended DN components, SIDs, GUIDs). batch_mode: no nested
    # transaction per add (each would copy every index list it touches: quadratic).
    raw = samba.Ldb(url=path, lp=lp, options=["batch_mode:1"])
    tmpl = raw.search(base=template_dn, scope=ldb.SCOPE_BASE, attrs=["*"])[0]
    base = {k: [bytes(v) for v in tmpl[k]] for k in tmpl.keys() if k.lower() != "dn"}
    # Samba stores DN values as extended DNs ("<GUID=...>;CN=Computer,...") and indexes them
    # by the casefolded DN, knowing the syntax from its schema; the raw ldb knows only
    # @ATTRIBUTES (no objectCategory) and would index the stored string as is, so that
    # (objectCategory=computer) misses every clone. Storing the casefolded DN makes the raw
    # index key the one Samba looks up (DN values compare case-insensitively on read).
    oc = ldb.Dn(raw, tmpl["objectCategory"][0].decode())
    base["objectCategory"] = [oc.get_casefold().encode()]
    t = time.monotonic()
    raw.transaction_start()
    try:
        for i in range(count):
            m = ldb.Message(ldb.Dn(raw, dn_of(i)))
            vals = dict(base)
            vals.update(vary(i))
            for k, v in vals.items():
                m[k] = ldb.MessageElement(v, ldb.FLAG_MOD_ADD, k)
            raw.add(m)
            if (i + 1) % 20000 == 0:
                print(f"  {label}: {i + 1} ({time.monotonic() - t:.1f}s)", file=sys.stderr)
        raw.transaction_commit()
    except BaseException:
        raw.transaction_cancel()
        raise
    return time.monotonic() - t


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lab-dir", required=True)
    ap.add_argument("--count", type=int, default=100_000)
    ap.add_argument("--base-dn", default="DC=corp,DC=example,DC=test")
    ap.add_argument("--zone", default="corp.example.test")
    ap.add_argument("--start", type=int, default=0, help="first object number (names BENCH-<start>...)")
    a = ap.parse_args()

    lp = LoadParm()
    lp.load(f"{a.lab_dir}/dc/etc/smb.conf")
    samdb = SamDB(url=f"{a.lab_dir}/dc/private/sam.ldb", session_info=system_session(), lp=lp)
    domain_sid = str(samdb.get_domain_sid())
    dns_nc = f"DC=DomainDnsZones,{a.base_dn}"
    zone_dn = f"DC={a.zone},CN=MicrosoftDNS,{dns_nc}"

    # Templates, through every module (and so as real as an LDAP add).
    ctmpl = f"CN=BENCH-TEMPLATE-{a.start},CN=Computers,{a.base_dn}"
    ntmpl = f"DC=bench-template-{a.start},{zone_dn}"
    samdb.add({"dn": ctmpl, "objectClass": "computer", "sAMAccountName": f"BENCH-TEMPLATE-{a.start}$",
               "userAccountControl": "4096", "dNSHostName": f"bench-template-{a.start}.{a.zone}",
               "operatingSystem": "Windows 11 Enterprise", "lastLogonTimestamp": str(FILETIME_AS_OF)})
    samdb.add({"dn": ntmpl, "objectClass": ["top", "dnsNode"],
               "dnsRecord": [a_record("10.79.255.1", AS_OF_HOURS - 24)], "dNSTombstoned": "FALSE"})
    del samdb

    def computer(i):
        i += a.start
        name = f"BENCH-{i:06d}"
        return {
            "cn": [name.encode()], "name": [name.encode()],
            "sAMAccountName": [f"{name}$".encode()],
            "dNSHostName": [f"{name.lower()}.{a.zone}".encode()],
            "lastLogonTimestamp": [str(FILETIME_AS_OF - (i % 720) * 3600 * 10_000_000).encode()],
            "objectSid": [ndr_pack(security.dom_sid(f"{domain_sid}-{FIRST_RID + i}"))],
            "objectGUID": [guid_of(1, i)],
        }

    def node(i):
        i += a.start
        name = f"bench-{i:06d}"
        return {
            "dc": [name.encode()], "name": [name.encode()],
            "dnsRecord": [a_record(ip_of(i), AS_OF_HOURS - 24 - (i % 500))],
            "objectGUID": [guid_of(2, i)],
        }

    tc = clone(lp, partition_file(a.lab_dir, a.base_dn), ctmpl, a.count,
               lambda i: f"CN=BENCH-{i + a.start:06d},CN=Computers,{a.base_dn}", computer, "computers")
    print(f"computers: {a.count} cloned in {tc:.1f}s", file=sys.stderr)
    tn = clone(lp, partition_file(a.lab_dir, dns_nc), ntmpl, a.count,
               lambda i: f"DC=bench-{i + a.start:06d},{zone_dn}", node, "dnsNodes")
    print(f"dnsNodes: {a.count} cloned in {tn:.1f}s", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
