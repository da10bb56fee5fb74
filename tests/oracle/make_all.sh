#!/usr/bin/env bash
# Regenerates every expected-flows file from tshark. Run from the repo root.
set -euo pipefail
for f in dns/suricata_dns-udp-google.com-a-aaaa-mx.pcap dns/tcpdump_dns_tcp.pcap dns/ndpi_dns-pppoe.pcap \
         http/zeek_http-pipelined-requests.pcap http/suricata_pppoe-session-http.pcap http/zeek_http-vlan-0.pcap http/ndpi_http.pcapng \
         dhcp/zeek_dhcp.pcap ftp/zeek_ftp-ipv6.pcap ftp/ndpi_ftp.pcap gtpv1/zeek_gtp_create_pdp_ctx.pcap imap/ndpi_imap.pcap \
         radius/tcpdump_RADIUS-RFC4675.pcap sip/zeek_sip-wireshark.pcap smtp/suricata_smtp-pipelining.pcap \
         smtp/zeek_smtp.pcap mixed/ndpi_1kxun.pcap mixed/zeek_ftp-cwd-navigation.pcap odd/zeek_mixed-vlan-mpls.pcap \
         odd/zeek_vlan-qinqinq.pcap; do
  out="tests/oracle/$(dirname $f)__$(basename $f).flows.tsv"
  tests/oracle/make_flows.py "../shared/pcaps/$f" > "$out"
  echo "$out: $(($(wc -l < "$out") - 1)) flows"
done
