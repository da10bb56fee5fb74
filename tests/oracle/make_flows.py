#!/usr/bin/env python3
"""Derives the expected flows of a capture from tshark (the oracle).

Usage: tests/oracle/make_flows.py ../shared/pcaps/dns/x.pcap > tests/oracle/dns__x.flows.tsv

tshark (4.0, Debian 12) decides which frames belong to which TCP/UDP
conversation (tcp.stream / udp.stream); this script only sums them:
  tshark -r F -T fields -E occurrence=f -e frame.number -e frame.time_epoch
         -e ip.src -e ipv6.src -e ip.dst -e ipv6.dst -e tcp.stream -e udp.stream
         -e tcp.srcport -e tcp.dstport -e udp.srcport -e udp.dstport -e ip.len -e ipv6.plen -e icmp.type -e icmpv6.type
ICMP errors that quote a TCP/UDP header (tshark gives them a stream) are left out.
Bytes are IP bytes (ip.len, or ipv6.plen + 40), as NetFlow counts them.
Output columns: proto ep1 ep2 pkts12 bytes12 pkts21 bytes21 first_us last_us,
ep1 being the sender of the conversation's first frame.
"""
import subprocess
import sys

F = ["frame.number", "frame.time_epoch", "ip.src", "ipv6.src", "ip.dst", "ipv6.dst", "tcp.stream", "udp.stream",
     "tcp.srcport", "tcp.dstport", "udp.srcport", "udp.dstport", "ip.len", "ipv6.plen", "icmp.type", "icmpv6.type"]
cmd = ["tshark", "-r", sys.argv[1], "-T", "fields", "-E", "occurrence=f"]
for f in F:
    cmd += ["-e", f]
out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
convs = {}
order = []
for line in out.splitlines():
    v = dict(zip(F, line.split("\t")))
    if v.get("icmp.type") or v.get("icmpv6.type"):
        continue  # an ICMP error quoting a TCP/UDP header is not part of that conversation
    if v["tcp.stream"]:
        key, sp, dp = ("tcp", v["tcp.stream"]), v["tcp.srcport"], v["tcp.dstport"]
    elif v["udp.stream"]:
        key, sp, dp = ("udp", v["udp.stream"]), v["udp.srcport"], v["udp.dstport"]
    else:
        continue
    src = v["ip.src"] or v["ipv6.src"]
    dst = v["ip.dst"] or v["ipv6.dst"]
    n = int(v["ip.len"]) if v["ip.len"] else int(v["ipv6.plen"] or 0) + 40
    # time_epoch has nanosecond digits: keep microseconds exactly, as the pcap holds them.
    sec, _, frac = v["frame.time_epoch"].partition(".")
    us = int(sec) * 1_000_000 + int((frac + "000000")[:6])
    s, d = f"{src}:{sp}" if ":" not in src else f"[{src}]:{sp}", f"{dst}:{dp}" if ":" not in dst else f"[{dst}]:{dp}"
    c = convs.get(key)
    if c is None:
        c = convs[key] = {"ep1": s, "ep2": d, "p": [0, 0], "b": [0, 0], "first": us, "last": us}
        order.append(key)
    i = 0 if s == c["ep1"] else 1
    c["p"][i] += 1
    c["b"][i] += n
    c["first"] = min(c["first"], us)
    c["last"] = max(c["last"], us)
print("#proto\tep1\tep2\tpkts12\tbytes12\tpkts21\tbytes21\tfirst_us\tlast_us")
for k in order:
    c = convs[k]
    print(f"{k[0]}\t{c['ep1']}\t{c['ep2']}\t{c['p'][0]}\t{c['b'][0]}\t{c['p'][1]}\t{c['b'][1]}\t{c['first']}\t{c['last']}")
