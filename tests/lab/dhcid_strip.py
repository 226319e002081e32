#!/usr/bin/python3
"""A DNS UPDATE relay for the lab: kea-dhcp-ddns -> this -> the Samba DC, without DHCID records.

Kea 2.2's kea-dhcp-ddns puts a DHCID record in every update, even with conflict resolution off
(Kea 2.6 has `ddns-conflict-resolution-mode: no-check-without-dhcid` for this), and Samba's
internal DNS answers any update naming the DHCID type with NOTIMP. This relay removes DHCID
records from the update section and prerequisites, forwards the rest over UDP and returns the
server's answer with the client's message id. Everything else passes through unchanged.

    dhcid_strip.py --listen 127.0.0.1:53053 --server 10.77.0.2:53 [--log FILE]
"""

import argparse
import socket
import sys
import time

import dns.message
import dns.opcode
import dns.query
import dns.rcode
import dns.rdatatype


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--listen", default="127.0.0.1:53053")
    ap.add_argument("--server", default="10.77.0.2:53")
    ap.add_argument("--log")
    a = ap.parse_args()
    lhost, lport = a.listen.rsplit(":", 1)
    shost, sport = a.server.rsplit(":", 1)
    log = open(a.log, "a", buffering=1) if a.log else sys.stderr
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((lhost, int(lport)))
    print(f"{time.strftime('%H:%M:%S')} relaying {a.listen} -> {a.server}", file=log)
    while True:
        wire, peer = sock.recvfrom(65535)
        try:
            msg = dns.message.from_wire(wire)
            removed = 0
            if msg.opcode() == dns.opcode.UPDATE:
                for i in (1, 2):  # prerequisite, update
                    kept = [r for r in msg.sections[i] if r.rdtype != dns.rdatatype.DHCID]
                    removed += len(msg.sections[i]) - len(kept)
                    msg.sections[i] = kept
            reply = dns.query.udp(msg, shost, port=int(sport), timeout=5, ignore_unexpected=True)
            reply.id = msg.id
            sock.sendto(reply.to_wire(), peer)
            print(f"{time.strftime('%H:%M:%S')} {dns.opcode.to_text(msg.opcode())} "
                  f"{msg.sections[0][0].name if msg.sections[0] else '-'}: {removed} DHCID removed, "
                  f"server said {dns.rcode.to_text(reply.rcode())}", file=log)
        except Exception as e:  # keep relaying; the client times out and logs its own error
            print(f"{time.strftime('%H:%M:%S')} error from {peer}: {e!r}", file=log)


if __name__ == "__main__":
    sys.exit(main())
