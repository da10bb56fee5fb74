#!/usr/bin/env bash
# Seeds each fuzz target's corpus with real payloads from ../shared/pcaps
# (tshark extracts UDP/TCP payloads; each seed gets a leading control byte).
set -euo pipefail
cd "$(dirname "$0")"
seed() { # target dir-of-pcaps display-filter
  mkdir -p "corpus/$1"
  for f in ../../shared/pcaps/$2/*.pcap ../../shared/pcaps/$2/*.pcapng; do
    [ -e "$f" ] || continue
    tshark -r "$f" -Y "$3" -T fields -e udp.payload -e tcp.payload 2>/dev/null | tr -d '\t' | grep -v '^$' | head -200 |
      while read -r hex; do printf '\x07%b' "$(echo "$hex" | sed 's/../\\x&/g')" > "corpus/$1/$(echo "$hex" | md5sum | cut -c1-16)"; done || true
  done
}
seed dissect_dns dns "dns"
seed dissect_http http "tcp.len>0"
seed dissect_dhcp dhcp "dhcp"
seed dissect_radius radius "radius"
seed dissect_sip sip "sip"
seed dissect_gtpv1 gtpv1 "gtp"
seed dissect_smtp smtp "tcp.len>0"
seed dissect_pop pop3 "tcp.len>0"
seed dissect_imap imap "tcp.len>0"
seed dissect_ftp ftp "tcp.len>0"
# The savefile target takes whole files: the first 64 KiB of each classic pcap.
mkdir -p corpus/savefile
for f in ../../shared/pcaps/*/*.pcap; do head -c 65536 "$f" > "corpus/savefile/$(basename "$f")"; done
for t in corpus/*; do echo "$t: $(ls "$t" | wc -l) seeds"; done
