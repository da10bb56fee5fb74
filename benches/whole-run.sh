#!/usr/bin/env bash
# Whole-run figures for BENCHMARKS.md: a generated ~1M-packet capture, run as
# whole processes in interleaved rounds (benches/interleave.py: 7 rounds,
# medians; the host's speed drifts too much for one-command-at-a-time
# timing) and /usr/bin/time -v (peak RSS). Needs softflowd for the reference
# figure (Debian package; installed here if missing).
#   benches/whole-run.sh [flows]      # default 70000 flows (~1M packets)
set -euo pipefail
cd "$(dirname "$0")/.."
FLOWS=${1:-70000}
command -v softflowd >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q softflowd >/dev/null
cargo build --release --quiet --bins
mkdir -p target/bench
CAP=target/bench/gen-$FLOWS.pcap
[ -f "$CAP" ] || target/release/flowgen --flows "$FLOWS" --seed 1 --out "$CAP"
FH=target/release/flowhook
LUA=benches/hooks/readAll.lua
WASM=benches/hooks/read_all.wat
echo "capture: $CAP ($(stat -c %s "$CAP") bytes)"
# softflowd exactly as the issue gives it: with -r it runs in the foreground
# without a control socket and exits at the end of the file. (Adding "-c
# PATH" re-enables the socket, and 1.1.0 then polls an uninitialised slot for
# it when reading a file: it blocks in accept() or not depending on stack
# garbage, which is why it could not be timed in the first session.)
SF="softflowd -r $CAP -n 127.0.0.1:9995"
benches/interleave.py "${RUNS:-7}" target/bench/whole-run.json \
  "no hook, --threads 1=$FH -i $CAP --threads 1" \
  "softflowd=$SF" \
  "no hook, --threads 2=$FH -i $CAP --threads 2" \
  "lua readAll, --threads 1=$FH -i $CAP --threads 1 --lua $LUA" \
  "wasm read_all, --threads 1=$FH -i $CAP --threads 1 --wasm $WASM" \
  "lua readAll, --threads 2=$FH -i $CAP --threads 2 --lua $LUA" \
  "wasm read_all, --threads 2=$FH -i $CAP --threads 2 --wasm $WASM" \
  "no hook, --threads 1, --libpcap-reader=$FH -i $CAP --threads 1 --libpcap-reader" \
  "no hook, --threads 2, --libpcap-reader=$FH -i $CAP --threads 2 --libpcap-reader"
/usr/bin/time -v $SF 2> target/bench/time.txt >/dev/null
echo "peak RSS (softflowd): $(grep 'Maximum resident' target/bench/time.txt | awk '{print $6}') KB"
for args in "--threads 1" "--threads 2" "--threads 1 --lua $LUA" "--threads 1 --wasm $WASM" "--threads 1 --libpcap-reader"; do
  /usr/bin/time -v $FH -i $CAP $args 2> target/bench/time.txt >/dev/null
  echo "peak RSS ($args): $(grep 'Maximum resident' target/bench/time.txt | awk '{print $6}') KB; $(grep -E '^\[SUMMARY\] (packets|hook)' target/bench/time.txt | tr '\n' ' ')"
done
