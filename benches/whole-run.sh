#!/usr/bin/env bash
# Whole-run figures for BENCHMARKS.md: a generated ~1M-packet capture, run as
# whole processes with hyperfine (5 runs, medians) and /usr/bin/time -v (peak
# RSS). Needs hyperfine (and softflowd for the reference figure)
# (Debian packages; installed here if missing).
#   benches/whole-run.sh [flows]      # default 70000 flows (~1M packets)
set -euo pipefail
cd "$(dirname "$0")/.."
FLOWS=${1:-70000}
command -v hyperfine >/dev/null && command -v softflowd >/dev/null || sudo_apt=1
if [ "${sudo_apt:-0}" = 1 ]; then DEBIAN_FRONTEND=noninteractive apt-get install -y -q hyperfine softflowd >/dev/null; fi
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
hyperfine -N --warmup 1 --runs ${RUNS:-5} --export-json target/bench/whole-run.json \
  -n "softflowd" "$SF" \
  -n "no hook, --threads 1" "$FH -i $CAP --threads 1" \
  -n "no hook, --threads 2" "$FH -i $CAP --threads 2" \
  -n "lua readAll, --threads 1" "$FH -i $CAP --threads 1 --lua $LUA" \
  -n "wasm read_all, --threads 1" "$FH -i $CAP --threads 1 --wasm $WASM" \
  -n "lua readAll, --threads 2" "$FH -i $CAP --threads 2 --lua $LUA" \
  -n "wasm read_all, --threads 2" "$FH -i $CAP --threads 2 --wasm $WASM" \
  -n "no hook, --threads 1, --libpcap-reader" "$FH -i $CAP --threads 1 --libpcap-reader" \
  -n "no hook, --threads 2, --libpcap-reader" "$FH -i $CAP --threads 2 --libpcap-reader"
python3 - target/bench/whole-run.json <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
med = {x["command"]: x["median"] for x in r}
print(f"{'run':45} {'median s':>9} {'user s':>7} {'sys s':>6}  vs no hook t1  vs softflowd")
for x in r:
    print(f"{x['command']:45} {x['median']:9.3f} {x['user']:7.3f} {x['system']:6.3f}  {x['median']/med['no hook, --threads 1']:12.2f}  {med['softflowd']/x['median']:10.2f}")
PY
/usr/bin/time -v $SF 2> target/bench/time.txt >/dev/null
echo "peak RSS (softflowd): $(grep 'Maximum resident' target/bench/time.txt | awk '{print $6}') KB"
for args in "--threads 1" "--threads 2" "--threads 1 --lua $LUA" "--threads 1 --wasm $WASM" "--threads 1 --libpcap-reader"; do
  /usr/bin/time -v $FH -i $CAP $args 2> target/bench/time.txt >/dev/null
  echo "peak RSS ($args): $(grep 'Maximum resident' target/bench/time.txt | awk '{print $6}') KB; $(grep -E '^\[SUMMARY\] (packets|hook)' target/bench/time.txt | tr '\n' ' ')"
done
