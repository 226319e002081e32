#!/usr/bin/python3
"""Plant the ddns-audit lab's KNOWN WORLD into the Samba AD DC that tests/lab/up.sh started.

Run with the system interpreter (/usr/bin/python3): it uses Samba's own bindings
(samba.samdb over LDAP with NTLM sign+seal, samba.dcerpc.dnsserver over RPC, samba.ndr to pack
dnsRecord/dNSProperty values exactly as Windows and Samba store them, e.g. the big-endian TTL).

    /usr/bin/python3 tests/lab/plant.py --server 10.77.0.2 --password-file $LAB_DIR/admin.pass \
        --auditor-password-file $LAB_DIR/auditor.pass
    /usr/bin/python3 tests/lab/plant.py --emit tests/lab   # regenerate world.md/world.json/leases*.csv

Everything planted comes from the tables below (ZONES, USERS, DENY, HOSTS, COMPUTERS); world.md, world.json
and the lease files are generated from the same tables, so tests assert against one source.
Planting is idempotent: objects it owns are deleted and re-added each run (users are kept, with
their password reset, so that their SID in the zones' DENY ACEs stays valid).
"""

import argparse
import ipaddress
import json
import os
import re
import sys
from datetime import datetime, timedelta, timezone

# ---------------------------------------------------------------------------------------------
# THE WORLD. All times are relative to AS_OF; tests run ddns-audit with --as-of $LAB_AS_OF.

AS_OF = datetime(2026, 11, 20, 12, 0, 0, tzinfo=timezone.utc)
LEASE_EXPIRY = datetime(2026, 11, 27, 12, 0, 0, tzinfo=timezone.utc)  # AS_OF + 7 d, Active
DOMAIN = "corp.example.test"
H = 3600  # seconds in an hour

# Aging intervals in hours; "aging" False = aging off for that zone (scavenging never removes).
# partition: "domain" = DC=DomainDnsZones, "forest" = DC=ForestDnsZones.
ZONES = [
    # name                                  partition  aging  no_refresh_h refresh_h
    dict(name="corp.example.test",          partition="domain", aging=True,  no_refresh_h=168, refresh_h=168, provisioned=True),
    dict(name="77.10.in-addr.arpa",         partition="domain", aging=True,  no_refresh_h=168, refresh_h=168,
         updates="none"),
    dict(name="78.10.in-addr.arpa",         partition="domain", aging=False, no_refresh_h=168, refresh_h=168),
    # The Kea clients' subnet (kea.sh): their PTRs go to this most specific zone, secure like the
    # forward zone, where a DHCP server registers for its clients (issue #20).
    dict(name="2.77.10.in-addr.arpa",       partition="domain", aging=True,  no_refresh_h=168, refresh_h=168),
    dict(name="7.7.0.0.8.b.d.0.1.0.0.2.ip6.arpa", partition="domain", aging=True, no_refresh_h=168, refresh_h=168),
    dict(name="forest.example.test",        partition="forest", aging=True,  no_refresh_h=168, refresh_h=168,
         updates="nonsecure"),
    # Rights: the low-privilege user in USERS is denied listing this zone's records (see DENY).
    dict(name="restricted.example.test",    partition="domain", aging=True,  no_refresh_h=168, refresh_h=168,
         deny="auditor"),
]

# Users besides Administrator. "auditor" is a plain domain user (Domain Users, i.e. Authenticated
# Users: read access to computers and DNS by default); up.sh generates its password into
# $LAB_DIR/auditor.pass and exports LAB_AUDITOR_DN / LAB_AUDITOR_PASSWORD_FILE.
USERS = [dict(name="auditor")]

# The explicit DENY ACEs put on a zone with deny=<user> ({sid} = the user's SID): the dnsZone
# object itself stays readable (it is listed, with its aging) but its children may not be listed
# (LC), and every dnsNode under it inherits a deny of read/list (CI|IO: children only).
# What Samba 4.17 then answers the user (checked by plant.py after planting): one-level search
# under the zone succeeds with ZERO entries (no insufficientAccessRights), a base search on a
# node is noSuchObject. A deny of RPLCLORC on the zone object itself (CI) would make the zone
# invisible altogether (left out of the zone listing, again without an error).
DENY = "(D;;LC;;;{sid})(D;CIIO;RPLCLORC;;;{sid})"

STATIC = "static"  # a record with dwTimeStamp 0
# A record's age: hours before AS_OF (its dwTimeStamp = hours(AS_OF) - age_h), or STATIC.
# a / aaaa / ptr: None = no such record planted. "ptr_to" overrides the PTR target.
# tombstone: the host's dnsNodes (forward and reverse) exist but are tombstoned
#   (dNSTombstoned TRUE, one record of type 0 holding the EntombedTime) = no records.
# expected: what ddns-audit reports (docs/report.md "Columns" and "Scavenging risk") for the lease with --as-of AS_OF, the zones'
#   own aging intervals, scavenging interval 7 d and slack 24 h (a Windows CSV lease carries no
#   lease duration). record_timestamp/scavenge_after are hours relative to AS_OF (None = empty).
HOSTS = [
    dict(host="fresh-01", ip="10.77.1.10", leased=True,
         a=dict(age_h=48), ptr=dict(age_h=48),
         planted="A+PTR, timestamp AS_OF-2d",
         expected=dict(status="ok", a_status="ok", ptr_status="ok", record_kind="dynamic",
                       record_ts_h=-48, scavenge_after_h=-48 + 336, scavenging_risk="low")),
    dict(host="frozen-01", ip="10.77.1.20", leased=True,
         a=dict(age_h=480, ttl=1200), ptr=dict(age_h=480),
         planted="A (TTL 1200)+PTR, timestamp AS_OF-20d",
         expected=dict(status="at-risk", a_status="ok", ptr_status="ok", record_kind="dynamic",
                       record_ts_h=-480, scavenge_after_h=-480 + 336, scavenging_risk="high")),
    dict(host="frozen-02", ip="10.77.1.21", leased=True,
         a=dict(age_h=480), ptr=dict(age_h=48),
         planted="A AS_OF-20d, PTR AS_OF-2d (A is the one at risk)",
         expected=dict(status="at-risk", a_status="ok", ptr_status="ok", record_kind="dynamic",
                       record_ts_h=-480, scavenge_after_h=-480 + 336, scavenging_risk="high")),
    dict(host="mismatch-01", ip="10.77.1.30", leased=True,
         a=dict(age_h=48, addr="10.77.1.130"), ptr=dict(age_h=48, to="old-01.corp.example.test"),
         planted="A -> 10.77.1.130 (lease is .30); PTR of .30 -> old-01.corp.example.test; AS_OF-2d",
         expected=dict(status="stale", a_status="mismatch", ptr_status="mismatch", record_kind=None,
                       record_ts_h=None, scavenge_after_h=None, scavenging_risk=None)),
    dict(host="static-01", ip="10.77.1.40", leased=True,
         a=dict(age_h=STATIC), ptr=dict(age_h=STATIC),
         planted="A+PTR static (timestamp 0)",
         expected=dict(status="ok", a_status="ok", ptr_status="ok", record_kind="static",
                       record_ts_h=None, scavenge_after_h=None, scavenging_risk="none")),
    dict(host="missing-01", ip="10.77.1.50", leased=True, dns_registration="Pending",
         a=None, ptr=None,
         planted="nothing in DNS (lease DnsRegistration Pending)",
         expected=dict(status="missing", a_status="missing", ptr_status="missing", record_kind=None,
                       record_ts_h=None, scavenge_after_h=None, scavenging_risk=None)),
    dict(host="tomb-01", ip="10.77.1.60", leased=True, tombstone=True,
         a=None, ptr=None,
         planted="forward and reverse dnsNode tombstoned (dNSTombstoned TRUE, type-0 record, entombed AS_OF-1d)",
         expected=dict(status="missing", a_status="missing", ptr_status="missing", record_kind=None,
                       record_ts_h=None, scavenge_after_h=None, scavenging_risk=None)),
    dict(host="noaging-01", ip="10.78.1.10", leased=True,
         a=dict(age_h=960), ptr=dict(age_h=960),
         planted="A+PTR AS_OF-40d; forward zone aging on, 78.10 reverse zone aging off",
         expected=dict(status="at-risk", a_status="ok", ptr_status="ok", record_kind="dynamic",
                       record_ts_h=-960, scavenge_after_h=-960 + 336, scavenging_risk="high")),
    dict(host="v6-01", ip="2001:db8:77::10", leased=True,
         aaaa=dict(age_h=48), ptr=dict(age_h=48),
         planted="AAAA+PTR (ip6.arpa zone, aging on), AS_OF-2d; lease in leases-v6.csv",
         expected=dict(status="ok", a_status="ok", ptr_status="ok", record_kind="dynamic",
                       record_ts_h=-48, scavenge_after_h=-48 + 336, scavenging_risk="low")),
    dict(host="forest-01", fqdn="forest-01.forest.example.test", ip="10.77.1.80", leased=False,
         zone="forest.example.test", a=dict(age_h=48), ptr=None,
         planted="A in forest.example.test (ForestDnsZones, aging on), AS_OF-2d; not leased",
         expected=None),
    dict(host="secret-01", fqdn="secret-01.restricted.example.test", ip="10.77.3.10", leased=False,
         zone="restricted.example.test", a=dict(age_h=48), ptr=None,
         planted="A in restricted.example.test (auditor denied), AS_OF-2d; not leased",
         expected=None),
]

# The Kea part of the world (tests/lab/kea.sh): real DHCP clients (ISC dhclient) in their own
# namespaces on bridge kbr0 (10.77.2.0/24) in the DC's namespace, leasing from kea-dhcp4, whose
# DNS updates kea-dhcp-ddns sends to the DC (non-secure dynamic updates). Group "renew":
# subnet 10.77.2.0/25 with ddns-update-on-renew true (every renewal re-registers); group
# "no-renew": subnet 10.77.2.128/25 with Kea's default ddns-update-on-renew false (registered
# once at the first lease, never refreshed while the client renews). kea.sh ages every client's
# records to AS_OF-20d, renews every lease, then deletes gone: True clients' records (what
# scavenging does). option81: the client sends the Client FQDN option (server-update on) as
# well as its host name. Expected rows: audit --kea-url ... --ldap-url ... --as-of AS_OF --all.
KEA_LEASE_S = 86400  # valid-lifetime: slack = max(24 h, half the lease) = 24 h
KEA_CLIENTS = [
    dict(host="kea-fresh-01",  mac="02:77:02:a0:00:01", ip="10.77.2.11",  group="renew",    option81=False,
         expected=dict(status="ok", a_status="ok", ptr_status="ok", record_kind="dynamic", scavenging_risk="low", refreshed=True)),
    dict(host="kea-fresh-02",  mac="02:77:02:a0:00:02", ip="10.77.2.12",  group="renew",    option81=True,
         expected=dict(status="ok", a_status="ok", ptr_status="ok", record_kind="dynamic", scavenging_risk="low", refreshed=True)),
    dict(host="kea-frozen-01", mac="02:77:02:f0:00:01", ip="10.77.2.131", group="no-renew", option81=True,
         expected=dict(status="at-risk", a_status="ok", ptr_status="ok", record_kind="dynamic", scavenging_risk="high",
                       record_ts_h=-480, scavenge_after_h=-480 + 336)),
    dict(host="kea-frozen-02", mac="02:77:02:f0:00:02", ip="10.77.2.132", group="no-renew", option81=True,
         expected=dict(status="at-risk", a_status="ok", ptr_status="ok", record_kind="dynamic", scavenging_risk="high",
                       record_ts_h=-480, scavenge_after_h=-480 + 336)),
    dict(host="kea-gone-01",   mac="02:77:02:f0:00:03", ip="10.77.2.133", group="no-renew", option81=True, gone=True,
         expected=dict(status="missing", a_status="missing", ptr_status="missing", record_kind=None, scavenging_risk=None)),
    # Issue #20: refreshed two days ago (kea.sh re-stamps its records to the real now - 48 h
    # after the renewals), owned by the DHCP server, in the subnet that no longer updates on
    # renewal: fine today, but nothing will refresh it again (forecast refresh cannot-refresh).
    dict(host="kea-stopped-01", mac="02:77:02:f0:00:04", ip="10.77.2.134", group="no-renew", option81=True,
         restamp_h=48,
         expected=dict(status="at-risk", a_status="ok", ptr_status="ok", record_kind="dynamic", scavenging_risk="medium",
                       refreshed=True)),
]
KEA_AGE_H = 480  # kea.sh sets every client's records to AS_OF-20d before the renewals
# The account that owns every Kea client's dnsNodes (kea.sh plants it after the first
# registration, as if the DHCP server registered with its computer account): an authorized DHCP
# server (DHCP_SERVERS), so owner_kind dhcp-server and the scope's DNS setting decides.
KEA_OWNER = "STATIC-01$"

# Issue #10: who owns which dnsNode (forward node of the host), planted by rewriting the node's
# security descriptor owner over LDAP as Administrator (nTSecurityDescriptor "O:<sid>" with the
# SD-flags control 1 = owner only; see README). "owner" names: a computer in COMPUTERS (its
# account NAME$), a user in OWNER_USERS, "Administrator", or "sid:<RID>" (a SID of the domain
# that no account has: unresolvable). Every other node keeps the owner Samba gave it at
# creation. The expected resolution: (display, kind, admin, dhcp_server).
OWNER_USERS = [
    dict(name="dhcpdns", groups=[]),            # the DNS credentials of a DHCP server (--dhcp-account)
    dict(name="netops", groups=["NetOps-Admins"]),     # admin through NetOps-Admins, a member of Domain Admins
]
OWNER_GROUPS = [dict(name="NetOps-Admins", member_of="Domain Admins")]
# Authorized DHCP servers: dHCPClass objects under CN=NetServices (MS-DHCPE 7.3); static-01
# has a computer account (so records it owns are dhcp-server), dhcp-old has none.
DHCP_SERVERS = [
    dict(name="static-01.corp.example.test", ip="10.77.1.40"),
    dict(name="dhcp-old.corp.example.test", ip="10.77.9.9"),
]
OWNERS = [
    dict(fqdn="fresh-01.corp.example.test",    owner="FRESH-01",      expected=("CORP\\FRESH-01$", "computer", False, False)),
    dict(fqdn="frozen-01.corp.example.test",   owner="STATIC-01",     expected=("CORP\\STATIC-01$", "computer", False, True)),
    dict(fqdn="frozen-02.corp.example.test",   owner="dhcpdns",       expected=("CORP\\dhcpdns", "user", False, False)),
    dict(fqdn="mismatch-01.corp.example.test", owner="FROZEN-02",     expected=("CORP\\FROZEN-02$", "computer", False, False)),
    dict(fqdn="static-01.corp.example.test",   owner="Administrator", expected=("CORP\\Administrator", "user", True, False)),
    dict(fqdn="noaging-01.corp.example.test",  owner="netops",        expected=("CORP\\netops", "user", True, False)),
    dict(fqdn="forest-01.forest.example.test", owner="sid:77777",     expected=("{domain_sid}-77777", "unresolved", False, False)),
]

# Computers in CN=Computers. last_logon_h: hours before AS_OF of lastLogonTimestamp.
COMPUTERS = [
    dict(name="FRESH-01",    uac=4096, last_logon_h=24,   os="Windows 11 Enterprise"),
    dict(name="FROZEN-01",   uac=4096, last_logon_h=504,  os="Windows 11 Enterprise"),
    dict(name="FROZEN-02",   uac=4096, last_logon_h=48,   os="Windows 10 Enterprise"),
    dict(name="STATIC-01",   uac=4096, last_logon_h=72,   os="Windows Server 2022 Standard"),
    dict(name="MISMATCH-01", uac=4096, last_logon_h=24,   os="Windows 11 Enterprise"),
    dict(name="MISSING-01",  uac=4096, last_logon_h=24,   os="Windows 11 Enterprise"),
    dict(name="DISABLED-01", uac=4098, last_logon_h=2880, os="Windows 10 Enterprise"),
]

# ---------------------------------------------------------------------------------------------
# Derived values

EPOCH_1601 = datetime(1601, 1, 1, tzinfo=timezone.utc)


def hours_since_1601(dt):
    return int((dt - EPOCH_1601).total_seconds()) // H


def filetime(dt):
    return int((dt - EPOCH_1601).total_seconds()) * 10_000_000


AS_OF_HOURS = hours_since_1601(AS_OF)


def rfc3339(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def at(offset_h):
    return None if offset_h is None else rfc3339(AS_OF + timedelta(hours=offset_h))


def stamp(rec):
    return 0 if rec["age_h"] == STATIC else AS_OF_HOURS - rec["age_h"]


def fqdn_of(h):
    return h.get("fqdn", f"{h['host']}.{DOMAIN}")


def zone_for_reverse(ip):
    rp = ipaddress.ip_address(ip).reverse_pointer
    for z in ZONES:
        if rp.endswith("." + z["name"]):
            return z["name"], rp[: -(len(z["name"]) + 1)]
    raise SystemExit(f"no reverse zone in ZONES covers {ip}")


def dns_entries():
    """(zone, node name, [(type, data, timestamp, ttl)], tombstoned) for every planted node."""
    nodes = {}

    def add(zone, name, rtype, data, ts, ttl):
        nodes.setdefault((zone, name), []).append((rtype, data, ts, ttl))

    for h in HOSTS:
        zone = h.get("zone", DOMAIN)
        fq = fqdn_of(h)
        label = fq[: -(len(zone) + 1)]
        if h.get("tombstone"):
            rz, rname = zone_for_reverse(h["ip"])
            nodes[(zone, label)] = "tombstone"
            nodes[(rz, rname)] = "tombstone"
            continue
        if h.get("a"):
            r = h["a"]
            add(zone, label, "A", r.get("addr", h["ip"]), stamp(r), r.get("ttl", 3600))
        if h.get("aaaa"):
            r = h["aaaa"]
            add(zone, label, "AAAA", r.get("addr", h["ip"]), stamp(r), r.get("ttl", 3600))
        if h.get("ptr"):
            r = h["ptr"]
            rz, rname = zone_for_reverse(h["ip"])
            add(rz, rname, "PTR", r.get("to", fq), stamp(r), r.get("ttl", 3600))
    return nodes


# ---------------------------------------------------------------------------------------------
# Generated files: world.md, world.json, leases.csv (v4), leases-v6.csv

def ts_text(rec):
    if rec is None:
        return "-"
    if rec["age_h"] == STATIC:
        return "0 (static)"
    return f"{stamp(rec)} (AS_OF-{rec['age_h'] // 24}d = {at(-rec['age_h'])})"


def mac_of(ip):
    n = int(ipaddress.ip_address(ip)) & 0xFFFFFF
    return "00-15-5d-%02x-%02x-%02x" % (n >> 16, (n >> 8) & 0xFF, n & 0xFF)


def emit(outdir):
    leased = [h for h in HOSTS if h["leased"]]
    v4 = [h for h in leased if ipaddress.ip_address(h["ip"]).version == 4]
    v6 = [h for h in leased if ipaddress.ip_address(h["ip"]).version == 6]
    exp = LEASE_EXPIRY.strftime("%Y-%m-%dT%H:%M:%SZ")

    def q(*cells):
        return ",".join('"%s"' % c for c in cells) + "\r\n"

    with open(os.path.join(outdir, "leases.csv"), "w", newline="") as f:
        f.write(q("IPAddress", "ScopeId", "AddressState", "ClientId", "HostName",
                  "LeaseExpiryTime", "DnsRR", "DnsRegistration"))
        for h in v4:
            scope = str(ipaddress.ip_network(h["ip"] + "/24", strict=False).network_address)
            f.write(q(h["ip"], scope, "Active", mac_of(h["ip"]), fqdn_of(h), exp, "AandPTR",
                      h.get("dns_registration", "Complete")))
    with open(os.path.join(outdir, "leases-v6.csv"), "w", newline="") as f:
        f.write(q("IPAddress", "Prefix", "AddressState", "AddressType", "ClientDuid", "HostName",
                  "Iaid", "LeaseExpiryTime"))
        for h in v6:
            prefix = str(ipaddress.ip_network(h["ip"] + "/64", strict=False).network_address)
            duid = "00-01-00-01-2c-4d-1a-2b-" + mac_of(h["ip"])
            f.write(q(h["ip"], prefix, "Active", "IANA", duid, fqdn_of(h), "83891472", exp))

    world = dict(
        as_of=rfc3339(AS_OF), as_of_hours_since_1601=AS_OF_HOURS, lease_expiry=exp,
        zones=[{k: v for k, v in z.items() if k != "provisioned"} for z in ZONES],
        users=[dict(name=u["name"], upn=f"{u['name']}@{DOMAIN}",
                    denied=[dict(zone=z["name"], aces=DENY.format(sid="<" + u["name"] + " SID>"))
                            for z in ZONES if z.get("deny") == u["name"]])
               for u in USERS],
        hosts=[], computers=[])
    for h in HOSTS:
        e = h["expected"]
        row = dict(host=h["host"], fqdn=fqdn_of(h), ip=h["ip"], leased=h["leased"],
                   tombstoned=bool(h.get("tombstone")), planted=h["planted"])
        for kind in ("a", "aaaa", "ptr"):
            r = h.get(kind)
            row[kind] = None if not r else dict(
                data=r.get("addr", h["ip"]) if kind != "ptr" else r.get("to", fqdn_of(h)),
                timestamp_hours=stamp(r), timestamp=None if r["age_h"] == STATIC else at(-r["age_h"]),
                ttl=r.get("ttl", 3600))
        row["expected"] = None if e is None else dict(
            status=e["status"], a_status=e["a_status"], ptr_status=e["ptr_status"],
            record_kind=e["record_kind"], record_timestamp=at(e["record_ts_h"]),
            scavenge_after=at(e["scavenge_after_h"]), scavenging_risk=e["scavenging_risk"],
            ad_computer=next((c["name"] for c in COMPUTERS if c["name"].lower() == h["host"]), None))
        world["hosts"].append(row)
    for c in COMPUTERS:
        ll = AS_OF - timedelta(hours=c["last_logon_h"])
        world["computers"].append(dict(
            name=c["name"], dn=f"CN={c['name']},CN=Computers,DC=corp,DC=example,DC=test",
            dNSHostName=f"{c['name'].lower()}.{DOMAIN}", userAccountControl=c["uac"],
            enabled=not (c["uac"] & 2), lastLogonTimestamp=filetime(ll), last_logon=rfc3339(ll),
            operatingSystem=c["os"]))
    world["kea"] = dict(
        subnets={"renew": "10.77.2.0/25 (id 21, ddns-update-on-renew true)",
                 "no-renew": "10.77.2.128/25 (id 22, ddns-update-on-renew false)"},
        valid_lifetime_s=KEA_LEASE_S, aged_timestamp_hours=AS_OF_HOURS - KEA_AGE_H,
        clients=[dict(host=c["host"], fqdn=f"{c['host']}.{DOMAIN}", mac=c["mac"], ip=c["ip"], group=c["group"],
                      option81=c["option81"], gone=bool(c.get("gone")), restamp_h=c.get("restamp_h"),
                      expected=dict(status=c["expected"]["status"], a_status=c["expected"]["a_status"],
                                    refreshed=bool(c["expected"].get("refreshed")),
                                    ptr_status=c["expected"]["ptr_status"], record_kind=c["expected"]["record_kind"],
                                    scavenging_risk=c["expected"]["scavenging_risk"],
                                    record_timestamp=at(c["expected"].get("record_ts_h")),
                                    scavenge_after=at(c["expected"].get("scavenge_after_h"))))
                 for c in KEA_CLIENTS])
    with open(os.path.join(outdir, "world.json"), "w") as f:
        json.dump(world, f, indent=2)
        f.write("\n")

    md = []
    md.append("# The lab's known world (generated by `plant.py --emit`; do not edit)\n")
    md.append(f"AS_OF = **{rfc3339(AS_OF)}** = {AS_OF_HOURS} hours since 1601-01-01 UTC "
              f"(dnsRecord dwTimeStamp units). Tests run `ddns-audit audit --as-of {rfc3339(AS_OF)}`.")
    md.append(f"Leases: `leases.csv` (Windows `Get-DhcpServerv4Lease | Export-Csv`) and `leases-v6.csv` "
              f"(`Get-DhcpServerv6Lease`), all Active, LeaseExpiryTime {exp}. Machine-readable: `world.json`.\n")
    md.append("## Zones\n")
    md.append("| zone | partition | aging | no-refresh | refresh | dynamic updates |")
    md.append("|---|---|---|---|---|---|")
    for z in ZONES:
        md.append(f"| {z['name']} | {'DomainDnsZones' if z['partition'] == 'domain' else 'ForestDnsZones'} | "
                  f"{'on' if z['aging'] else 'off'} | {z['no_refresh_h']} h | {z['refresh_h']} h | {z.get('updates', 'secure')} |")
    md.append("\n## Record owners (issue #10)\n")
    md.append("The owner of each host's forward dnsNode (set in its security descriptor); every other node is "
              "owned by CORP\\Administrator, its creator. Authorized DHCP servers (CN=NetServices): "
              + ", ".join(f"{d['name']} ({d['ip']})" for d in DHCP_SERVERS)
              + "; static-01 has a computer account, dhcp-old none. `netops` is an admin through NetOps-Admins "
              "(member of Domain Admins); `dhcpdns` is a plain user (a DHCP server's DNS credentials).\n")
    md.append("| node | owner | resolved | kind | admin | DHCP server account |")
    md.append("|---|---|---|---|---|---|")
    for o in OWNERS:
        d, k, adm, dh = o["expected"]
        md.append(f"| {o['fqdn']} | {o['owner']} | `{d}` | {k} | {'yes' if adm else 'no'} | {'yes' if dh else 'no'} |")
    md.append("\n## Hosts\n")
    md.append("Expected values follow docs/report.md \"Scavenging risk\" with scavenging interval 7 d and slack 24 h "
              "(not refreshed when as_of − timestamp > 168 h + 24 h; high when scavenge_after ≤ as_of + 7 d).\n")
    md.append("| host (fqdn) | IP | planted | A/AAAA dwTimeStamp | PTR dwTimeStamp | status | a / ptr | kind | record_timestamp | scavenge_after | risk |")
    md.append("|---|---|---|---|---|---|---|---|---|---|---|")
    for h in HOSTS:
        e = h["expected"]
        fwd = h.get("a") or h.get("aaaa")
        if e is None:
            exp_cells = "not leased | - | - | - | - | -"
        else:
            exp_cells = " | ".join([
                f"**{e['status']}**", f"{e['a_status']} / {e['ptr_status']}", e["record_kind"] or "",
                at(e["record_ts_h"]) or "", at(e["scavenge_after_h"]) or "", e["scavenging_risk"] or ""])
        md.append(f"| {fqdn_of(h)} | {h['ip']} | {h['planted']} | {ts_text(fwd)} | {ts_text(h.get('ptr'))} | {exp_cells} |")
    md.append("\n## Computers (CN=Computers,DC=corp,DC=example,DC=test)\n")
    md.append("| name | dNSHostName | userAccountControl | lastLogonTimestamp (FILETIME) | operatingSystem |")
    md.append("|---|---|---|---|---|")
    for c in world["computers"]:
        md.append(f"| {c['name']} | {c['dNSHostName']} | {c['userAccountControl']}"
                  f"{'' if c['enabled'] else ' (disabled)'} | {c['lastLogonTimestamp']} ({c['last_logon']}) | {c['operatingSystem']} |")
    names = {c["name"].lower() for c in COMPUTERS}
    md.append("\nHosts without a computer object: " + ", ".join(h["host"] for h in HOSTS if h["host"] not in names)
              + ". DISABLED-01 has no lease and no records.")
    md.append("\n## Rights: the low-privilege user\n")
    for u in world["users"]:
        md.append(f"`{u['upn']}` (`LAB_AUDITOR_DN`, password in `$LAB_DIR/auditor.pass`): a plain domain user. "
                  + " ".join(f"Zone {d['zone']} carries `{d['aces']}`: the zone object stays readable, its records may "
                             "not be listed or read." for d in u["denied"]) + "\n")
    md.append("What Samba answers the user: the zone object is readable and listed, a one-level search under it "
              "**succeeds with zero entries** (no insufficientAccessRights; plant.py checks both at every planting), "
              "a base search on one of its nodes is noSuchObject. So `ddns-audit` run as this user sees the zone with no record, "
              "not even its apex: it reports the zone as access denied and leaves it out (one zone and one record "
              "less than the Administrator's run); every leased host's row is the same as the Administrator's.")
    md.append("\n## Kea (tests/lab/kea.sh): real DHCP clients, kea-dhcp-ddns, and the renewals that stop refreshing\n")
    md.append("kea-dhcp4 + kea-ctrl-agent (`lease_cmds`, `http://10.77.0.2:8000/`) + kea-dhcp-ddns run in the DC's "
              "namespace; ISC dhclient clients run in namespaces `ddnsc1..5` on bridge `kbr0` (10.77.2.1/24). "
              f"valid-lifetime {KEA_LEASE_S} s. Subnet 10.77.2.0/25 (id 21) has `ddns-update-on-renew: true`; "
              "10.77.2.128/25 (id 22) keeps Kea's default `false`, so its clients are registered at their first lease "
              "and never again while they renew. kea.sh: every client leases (A+PTR registered by kea-dhcp-ddns), "
              f"then all their records are aged to AS_OF-{KEA_AGE_H // 24}d (dwTimeStamp {AS_OF_HOURS - KEA_AGE_H}), "
              "then every client renews (the renew group is re-registered with a current timestamp, the "
              "no-renew group is not), then kea-gone-01's A and PTR are deleted (as scavenging would).\n")
    md.append("Expected with `audit --kea-url http://10.77.0.2:8000/ --ldap-url ... --as-of AS_OF --all` (only these leases):\n")
    md.append("| host (fqdn) | IP | MAC | subnet | Option 81 | status | a / ptr | kind | record_timestamp | scavenge_after | risk |")
    md.append("|---|---|---|---|---|---|---|---|---|---|---|")
    for c in KEA_CLIENTS:
        e = c["expected"]
        ts = (f"the real now − {c['restamp_h']} h" if c.get("restamp_h") else "the renewal's time (after AS_OF)") if e.get("refreshed") else (at(e.get("record_ts_h")) or "")
        md.append(f"| {c['host']}.{DOMAIN} | {c['ip']} | {c['mac']} | {'21' if c['group'] == 'renew' else '22'} | "
                  f"{'yes' if c['option81'] else 'host-name only'} | **{e['status']}** | {e['a_status']} / {e['ptr_status']} | "
                  f"{e['record_kind'] or ''} | {ts} | {at(e.get('scavenge_after_h')) or ''} | {e['scavenging_risk'] or ''} |")
    md.append("\nThe at-risk and missing rows carry the Option 81 remediation (a full DORA: ipconfig /release then /renew, "
              "or have the server always update DNS for the client); see the README walkthrough.")
    with open(os.path.join(outdir, "world.md"), "w") as f:
        f.write("\n".join(md) + "\n")


# ---------------------------------------------------------------------------------------------
# Planting

def plant(server, password, base_dn, auditor_password):
    import ldb
    from samba import WERRORError, werror
    from samba.credentials import DONT_USE_KERBEROS, Credentials
    from samba.dcerpc import dnsp, dnsserver, security
    from samba.ndr import ndr_pack, ndr_unpack
    from samba.param import LoadParm
    from samba.samdb import SamDB
    from samba.sd_utils import SDUtils

    lp = LoadParm()
    lp.load("/dev/null")  # client defaults; never the host's smb.conf

    def connect(user, pw):
        creds = Credentials()
        creds.guess(lp)
        creds.set_username(user)
        creds.set_domain("CORP")
        creds.set_password(pw)
        creds.set_kerberos_state(DONT_USE_KERBEROS)  # NTLM sign+seal: works by IP, no SPN needed
        return creds, SamDB(url=f"ldap://{server}", credentials=creds, lp=lp)

    creds, samdb = connect("administrator", password)
    rpc = dnsserver.dnsserver(f"ncacn_ip_tcp:{server}[sign]", lp, creds)
    client_version = dnsserver.DNS_CLIENT_VERSION_LONGHORN

    def part_dn(partition):
        return f"DC={'DomainDnsZones' if partition == 'domain' else 'ForestDnsZones'},{base_dn}"

    zone_dn = {z["name"]: f"DC={z['name']},CN=MicrosoftDNS,{part_dn(z['partition'])}" for z in ZONES}

    def exists(dn):
        try:
            return len(samdb.search(base=dn, scope=ldb.SCOPE_BASE, attrs=["dn"])) == 1
        except ldb.LdbError as e:
            if e.args[0] == ldb.ERR_NO_SUCH_OBJECT:
                return False
            raise

    # Zones: create (RPC ZoneCreate, the forest one with DNS_DP_FOREST_DEFAULT; samba-tool 4.17
    # has no --dns-directory-partition), then aging via ResetDwordProperty, as samba-tool
    # dns zoneoptions does; Samba stores these in the zone's dNSProperty (checked below).
    for z in ZONES:
        if not exists(zone_dn[z["name"]]):
            info = dnsserver.DNS_RPC_ZONE_CREATE_INFO_LONGHORN()
            info.pszZoneName = z["name"]
            info.dwZoneType = dnsp.DNS_ZONE_TYPE_PRIMARY
            info.fAging = 0
            info.fDsIntegrated = 1
            info.fLoadExisting = 1
            info.dwDpFlags = (dnsserver.DNS_DP_FOREST_DEFAULT if z["partition"] == "forest"
                              else dnsserver.DNS_DP_DOMAIN_DEFAULT)
            rpc.DnssrvOperation2(client_version, 0, server, None, 0, "ZoneCreate",
                                 dnsserver.DNSSRV_TYPEID_ZONE_CREATE, info)
            print(f"zone {z['name']} created in {z['partition']} partition")
        allow = {"secure": dnsp.DNS_ZONE_UPDATE_SECURE, "nonsecure": dnsp.DNS_ZONE_UPDATE_UNSECURE,
                 "none": dnsp.DNS_ZONE_UPDATE_OFF}[z.get("updates", "secure")]
        for prop, val in (("AllowUpdate", allow),
                          ("NoRefreshInterval", z["no_refresh_h"]),
                          ("RefreshInterval", z["refresh_h"]),
                          ("Aging", 1 if z["aging"] else 0)):
            nap = dnsserver.DNS_RPC_NAME_AND_PARAM()
            nap.pszNodeName = prop
            nap.dwParam = val
            rpc.DnssrvOperation2(client_version, 0, server, z["name"], 0, "ResetDwordProperty",
                                 dnsserver.DNSSRV_TYPEID_NAME_AND_PARAM, nap)

    want = {
        dnsp.DSPROPERTY_ZONE_ALLOW_UPDATE: lambda z: {"secure": 2, "nonsecure": 1, "none": 0}[z.get("updates", "secure")],
        dnsp.DSPROPERTY_ZONE_AGING_STATE: lambda z: 1 if z["aging"] else 0,
        dnsp.DSPROPERTY_ZONE_NOREFRESH_INTERVAL: lambda z: z["no_refresh_h"],
        dnsp.DSPROPERTY_ZONE_REFRESH_INTERVAL: lambda z: z["refresh_h"],
    }
    for z in ZONES:
        res = samdb.search(base=zone_dn[z["name"]], scope=ldb.SCOPE_BASE, attrs=["dNSProperty"])
        props = {}
        for v in res[0].get("dNSProperty", []):
            p = ndr_unpack(dnsp.DnsProperty, v)
            props[p.id] = p.data
        for pid, f in want.items():
            if props.get(pid) != f(z):
                raise SystemExit(f"zone {z['name']}: dNSProperty id {pid:#x} = {props.get(pid)!r}, "
                                 f"want {f(z)}")
    print("zone aging verified in dNSProperty: " + ", ".join(
        f"{z['name']}={'on' if z['aging'] else 'off'}/{z['no_refresh_h']}h/{z['refresh_h']}h" for z in ZONES))

    # Records
    rtypes = {"A": dnsp.DNS_TYPE_A, "AAAA": dnsp.DNS_TYPE_AAAA, "PTR": dnsp.DNS_TYPE_PTR}

    def record(rtype, data, ts, ttl):
        r = dnsp.DnssrvRpcRecord()
        r.wType = rtypes[rtype]
        r.rank = dnsp.DNS_RANK_ZONE
        r.dwSerial = 1
        r.dwTtlSeconds = ttl  # ndr_pack writes it big-endian, as MS-DNSP 2.3.2.2 requires
        r.dwTimeStamp = ts
        r.data = data
        return ndr_pack(r)

    def tombstone_record():
        r = dnsp.DnssrvRpcRecord()
        r.wType = dnsp.DNS_TYPE_TOMBSTONE
        r.rank = dnsp.DNS_RANK_ZONE
        r.dwSerial = 1
        r.dwTimeStamp = 0
        r.data = filetime(AS_OF - timedelta(days=1))  # EntombedTime (NTTIME)
        return ndr_pack(r)

    n = 0
    for (zone, name), recs in sorted(dns_entries().items()):
        dn = f"DC={name},{zone_dn[zone]}"
        if exists(dn):
            samdb.delete(dn)
        msg = {"dn": dn, "objectClass": ["top", "dnsNode"]}
        if recs == "tombstone":
            msg["dnsRecord"] = [tombstone_record()]
            msg["dNSTombstoned"] = "TRUE"
        else:
            msg["dnsRecord"] = [record(*r) for r in recs]
            msg["dNSTombstoned"] = "FALSE"
        samdb.add(msg)
        n += 1
    print(f"{n} dnsNode objects planted")

    # Computers
    for c in COMPUTERS:
        dn = f"CN={c['name']},CN=Computers,{base_dn}"
        if exists(dn):
            samdb.delete(dn)
        samdb.add({
            "dn": dn,
            "objectClass": "computer",
            "sAMAccountName": c["name"] + "$",
            "userAccountControl": str(c["uac"]),
            "dNSHostName": f"{c['name'].lower()}.{DOMAIN}",
            "operatingSystem": c["os"],
        })
        ll = str(filetime(AS_OF - timedelta(hours=c["last_logon_h"])))
        m = ldb.Message(ldb.Dn(samdb, dn))
        m["lastLogonTimestamp"] = ldb.MessageElement(ll, ldb.FLAG_MOD_REPLACE, "lastLogonTimestamp")
        try:
            samdb.modify(m)
        except ldb.LdbError:
            samdb.modify(m, controls=["relax:0"])
        got = samdb.search(base=dn, scope=ldb.SCOPE_BASE, attrs=["lastLogonTimestamp", "userAccountControl"])[0]
        if str(got["lastLogonTimestamp"][0]) != ll or int(str(got["userAccountControl"][0])) != c["uac"]:
            raise SystemExit(f"{dn}: lastLogonTimestamp/userAccountControl not as planted: {got}")
    print(f"{len(COMPUTERS)} computers planted")

    # Users (kept if present, password reset) and the zones' DENY ACEs for them, each added only
    # if the DACL's SDDL does not hold it yet (SDUtils' own check compares ACE objects and adds a
    # duplicate on every re-plant). Samba propagates the inheritable ACE to the zone's existing
    # dnsNodes (and the ones planted above inherit it at creation on a re-plant).
    sids = {}
    for u in USERS:
        if samdb.search(base=base_dn, expression=f"(sAMAccountName={u['name']})", attrs=["dn"]):
            samdb.setpassword(f"(sAMAccountName={u['name']})", auditor_password)
        else:
            samdb.newuser(u["name"], auditor_password)
        res = samdb.search(base=base_dn, expression=f"(sAMAccountName={u['name']})", attrs=["objectSid"])
        sids[u["name"]] = str(ndr_unpack(security.dom_sid, res[0]["objectSid"][0]))
    sd = SDUtils(samdb)
    for z in ZONES:
        if z.get("deny"):
            have = sd.get_sd_as_sddl(zone_dn[z["name"]])
            for ace in re.findall(r"\([^)]*\)", DENY.format(sid=sids[z["deny"]])):
                if ace not in have:
                    sd.dacl_prepend_aces(zone_dn[z["name"]], ace)
    print(f"{len(USERS)} user(s) planted: " + ", ".join(f"{n} {sid}" for n, sid in sids.items()))

    # Check what a denied user really gets (Samba: zero entries, not an error), and that the
    # Administrator still reads the zone and the user still reads the others.
    _, user_db = connect(USERS[0]["name"], auditor_password)

    def nodes(db, zone):
        return len(db.search(base=zone_dn[zone], scope=ldb.SCOPE_ONELEVEL, expression="(objectClass=dnsNode)", attrs=["name"]))

    for z in ZONES:
        if not z.get("deny"):
            continue
        want_nodes = 1 + sum(1 for (zn, _) in dns_entries() if zn == z["name"])  # + its "@"
        if nodes(samdb, z["name"]) != want_nodes:
            raise SystemExit(f"zone {z['name']}: Administrator sees {nodes(samdb, z['name'])} dnsNodes, want {want_nodes}")
        try:
            denied = nodes(user_db, z["name"])
            listed = user_db.search(base=zone_dn[z["name"]], scope=ldb.SCOPE_BASE, attrs=["name"])
        except ldb.LdbError as e:
            raise SystemExit(f"zone {z['name']}: {z['deny']} got an error ({e}), not the zero entries world.md describes")
        if denied != 0 or str(listed[0]["name"][0]) != z["name"]:
            raise SystemExit(f"zone {z['name']}: {z['deny']} sees {denied} dnsNodes / {listed}, want 0 and the zone object")
        if nodes(user_db, DOMAIN) == 0:
            raise SystemExit(f"{z['deny']} cannot read zone {DOMAIN} either")
        print(f"zone {z['name']}: {z['deny']} sees the zone and 0 of its {want_nodes} dnsNodes (no error)")

    plant_owners(samdb, base_dn, zone_dn, auditor_password, ldb, security, ndr_pack, ndr_unpack)


def plant_owners(samdb, base_dn, zone_dn, password, ldb, security, ndr_pack, ndr_unpack):
    """Issue #10: owner users/groups, authorized DHCP servers, each OWNERS node's owner."""
    domain_sid = str(samdb.get_domain_sid())

    def sid_of(sam):
        res = samdb.search(base=base_dn, expression=f"(sAMAccountName={sam})", attrs=["objectSid"])
        return str(ndr_unpack(security.dom_sid, res[0]["objectSid"][0])) if res else None

    for g in OWNER_GROUPS:
        if not sid_of(g["name"]):
            samdb.newgroup(g["name"])
        try:
            samdb.add_remove_group_members(g["member_of"], [g["name"]], add_members_operation=True)
        except ldb.LdbError as e:
            if e.args[0] != ldb.ERR_ENTRY_ALREADY_EXISTS:
                raise
    for u in OWNER_USERS:
        if not sid_of(u["name"]):  # kept (never logged in as: no password reset needed)
            samdb.newuser(u["name"], password)
        for g in u["groups"]:
            try:
                samdb.add_remove_group_members(g, [u["name"]], add_members_operation=True)
            except ldb.LdbError as e:
                if e.args[0] != ldb.ERR_ENTRY_ALREADY_EXISTS:
                    raise

    # Authorized DHCP servers, as the DHCP console's authorization writes them: DhcpRoot lists
    # every server, and each server has its own dHCPClass object (MS-DHCPE 7.3).
    net = f"CN=NetServices,CN=Services,CN=Configuration,{base_dn}"
    value = lambda s: f"i{s['ip']}$rcn={s['name']}$f0x00000000$s{s['name']}$"
    common = {"objectClass": ["top", "dHCPClass"], "dhcpUniqueKey": "0", "dhcpType": "0", "dhcpFlags": "0",
              "dhcpIdentification": "This is a server object"}
    for cn, values in [("DhcpRoot", [value(s) for s in DHCP_SERVERS])] + [(s["name"], [value(s)]) for s in DHCP_SERVERS]:
        dn = f"CN={cn},{net}"
        try:
            samdb.delete(dn)
        except ldb.LdbError as e:
            if e.args[0] != ldb.ERR_NO_SUCH_OBJECT:
                raise
        samdb.add(dict(common, dn=dn, dhcpServers=values))
    print(f"{len(DHCP_SERVERS)} authorized DHCP servers planted under {net}")

    for o in OWNERS:
        name = o["owner"]
        if name.startswith("sid:"):
            sid = f"{domain_sid}-{name[4:]}"
        else:
            sid = sid_of(name) or sid_of(name + "$")
        host, zone = o["fqdn"].split(".", 1)
        dn = f"DC={host},{zone_dn[zone]}"
        sd = security.descriptor.from_sddl(f"O:{sid}", security.dom_sid(domain_sid))
        m = ldb.Message(ldb.Dn(samdb, dn))
        m["nTSecurityDescriptor"] = ldb.MessageElement(ndr_pack(sd), ldb.FLAG_MOD_REPLACE, "nTSecurityDescriptor")
        samdb.modify(m, controls=["sd_flags:1:1"])  # 1 = OWNER_SECURITY_INFORMATION: the DACL stays
        got = samdb.search(base=dn, scope=ldb.SCOPE_BASE, attrs=["nTSecurityDescriptor"], controls=["sd_flags:1:1"])
        owner = str(ndr_unpack(security.descriptor, got[0]["nTSecurityDescriptor"][0]).owner_sid)
        if owner != sid:
            raise SystemExit(f"{dn}: owner {owner}, want {sid}")
    print(f"{len(OWNERS)} dnsNode owners planted")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--server", help="the DC's address (10.77.0.2)")
    ap.add_argument("--password-file")
    ap.add_argument("--auditor-password-file", help="the password of the user(s) in USERS (auditor)")
    ap.add_argument("--base-dn", default="DC=corp,DC=example,DC=test")
    ap.add_argument("--dns-domain", default=DOMAIN)
    ap.add_argument("--kea-table", action="store_true", help="print the Kea clients for kea.sh: n host mac ip group option81 gone restamp_h")
    ap.add_argument("--emit", metavar="DIR", help="write world.md, world.json, leases.csv, leases-v6.csv")
    a = ap.parse_args()
    if a.dns_domain != DOMAIN:
        raise SystemExit(f"the world is written for {DOMAIN}")
    if a.kea_table:
        for i, c in enumerate(KEA_CLIENTS, 1):
            print(i, c["host"], c["mac"], c["ip"], c["group"], int(c["option81"]), int(bool(c.get("gone"))), c.get("restamp_h", 0))
        return 0
    if a.emit:
        emit(a.emit)
    if a.server:
        with open(a.password_file) as f:
            password = f.read().strip()
        if not a.auditor_password_file:
            ap.error("--server needs --auditor-password-file")
        with open(a.auditor_password_file) as f:
            auditor_password = f.read().strip()
        plant(a.server, password, a.base_dn, auditor_password)
    if not (a.emit or a.server):
        ap.error("give --server (plant) and/or --emit DIR")


if __name__ == "__main__":
    sys.exit(main())
