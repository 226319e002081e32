#!/usr/bin/env python3
"""Generates an offline site of N leases for the benchmark: a Windows lease CSV, the forward
zone export and one reverse zone export (dnscmd format, with [AGE:]), and a computers CSV.
About 90% of hosts are fine, the rest missing, stale or frozen, so every code path runs.
An optional third argument, AAAA (default 0), gives that many hosts with records an AAAA record
too (fd00::/64, no lease on it): `gen_offline.py 1000000 DIR 100000` makes 2,000,000 A, AAAA and
PTR records for the same 1,000,000 leases and 450,000 computers (benches/forecast.sh)."""
import os, sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
out = sys.argv[2] if len(sys.argv) > 2 else "/tmp/ddns-audit-bench"
aaaa = int(sys.argv[3]) if len(sys.argv) > 3 else 0
os.makedirs(out, exist_ok=True)
# 2026-11-24T12:00:00Z in hours since 1601.
NOW_H = (1795521600 + 11644473600) // 3600
fresh, frozen = NOW_H - 30, NOW_H - 24 * 20

def ip(i):
    i += 1 << 8  # skip 10.0.0.x
    return f"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}"

with open(f"{out}/leases.csv", "w", newline="") as le, \
     open(f"{out}/corp.example.test.dns", "w", newline="") as fz, \
     open(f"{out}/10.in-addr.arpa.dns", "w", newline="") as rz, \
     open(f"{out}/computers.csv", "w", newline="") as co:
    le.write('#TYPE Microsoft.Management.Infrastructure.CimInstance#root/Microsoft/Windows/DHCP/DhcpServerv4Lease\r\n')
    le.write('"IPAddress","ScopeId","AddressState","ClientId","HostName","LeaseExpiryTime","DnsRR","DnsRegistration"\r\n')
    fz.write(";\r\n;  Database file corp.example.test.dns for corp.example.test zone.\r\n;      Zone version:  1\r\n;\r\n\r\n")
    fz.write("@ 3600 SOA dc1.corp.example.test. hostmaster.corp.example.test. ( 1 900 600 86400 3600 )\r\n@ 3600 NS dc1.corp.example.test.\r\n")
    rz.write(";\r\n;  Database file 10.in-addr.arpa.dns for 10.in-addr.arpa zone.\r\n;\r\n\r\n")
    rz.write("@ 3600 SOA dc1.corp.example.test. hostmaster.corp.example.test. ( 1 900 600 86400 3600 )\r\n@ 3600 NS dc1.corp.example.test.\r\n")
    co.write("Name,DNSHostName,Enabled,LastLogonTimestamp,OperatingSystem\r\n")
    for i in range(n):
        a = ip(i)
        host = f"pc{i:07d}"
        fqdn = f"{host}.corp.example.test"
        mac = "00-15-5d-%02x-%02x-%02x" % ((i >> 16) & 255, (i >> 8) & 255, i & 255)
        le.write(f'"{a}","{a.rsplit(".", 1)[0]}.0","Active","{mac}","{fqdn}","2026-11-30T12:00:00Z","AandPTR","Complete"\r\n')
        kind = i % 20
        o = a.split(".")
        rev = f"{o[3]}.{o[2]}.{o[1]}"
        if kind == 0:
            continue  # missing
        age = frozen if kind == 1 else fresh
        target = a if kind != 2 else ip((i + 7) % n)  # stale A
        fz.write(f"{host} [AGE:{age}] 1200 A {target}\r\n")
        rz.write(f"{rev} [AGE:{age}] 1200 PTR {fqdn}.\r\n")
        if aaaa > 0:
            aaaa -= 1
            fz.write(f"{host} [AGE:{age}] 1200 AAAA fd00::{i >> 16:x}:{i & 0xffff:x}\r\n")
        if i % 2 == 0:
            co.write(f"{host.upper()},{fqdn},True,{133_700_000_000_000_000 + i},Windows 11 Enterprise\r\n")
print(out)
