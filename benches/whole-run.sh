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
hyperfine --warmup 1 --runs 5 --export-json target/bench/whole-run.json \
  -n "no hook, --threads 1" "$FH -i $CAP --threads 1" \
  -n "no hook, --threads 2" "$FH -i $CAP --threads 2" \
  -n "lua readAll, --threads 1" "$FH -i $CAP --threads 1 --lua $LUA" \
  -n "wasm read_all, --threads 1" "$FH -i $CAP --threads 1 --wasm $WASM" \
  -n "lua readAll, --threads 2" "$FH -i $CAP --threads 2 --lua $LUA" \
  -n "wasm read_all, --threads 2" "$FH -i $CAP --threads 2 --wasm $WASM"
# softflowd for reference: with -r and -d it stays on its control socket after
# the file ends, so it is timed by hand (see BENCHMARKS.md, method notes):
#   /usr/bin/time softflowd -r $CAP -n 127.0.0.1:9995 -d -p /tmp/sf.pid -c /tmp/sf.ctl
for args in "--threads 1" "--threads 2" "--threads 1 --lua $LUA" "--threads 1 --wasm $WASM"; do
  /usr/bin/time -v $FH -i $CAP $args 2> target/bench/time.txt >/dev/null
  echo "peak RSS ($args): $(grep 'Maximum resident' target/bench/time.txt | awk '{print $6}') KB; $(grep -E '^\[SUMMARY\] (packets|hook)' target/bench/time.txt | tr '\n' ' ')"
done
