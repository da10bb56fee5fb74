#!/usr/bin/env bash
# Times softflowd reading a capture: `softflowd -r F -d` keeps running on its
# control socket after the file ends, so the run ends when softflowd's file
# offset reaches the end of the file (polled every 5 ms). Prints seconds.
set -euo pipefail
F=$1; size=$(stat -c %s "$F"); dir=$(mktemp -d)
t0=$(date +%s.%N)
softflowd -r "$F" -n 127.0.0.1:9995 -d -p "$dir/pid" -c "$dir/ctl" >/dev/null 2>&1 &
pid=$!
while :; do
  pos=0
  for fd in /proc/$pid/fd/*; do
    if [ "$(readlink "$fd" 2>/dev/null)" = "$(readlink -f "$F")" ]; then pos=$(awk '/^pos:/ {print $2}' /proc/$pid/fdinfo/${fd##*/} 2>/dev/null || echo 0); fi
  done
  [ "$pos" -ge "$size" ] && break
  kill -0 $pid 2>/dev/null || break
  sleep 0.005
done
t1=$(date +%s.%N)
kill $pid 2>/dev/null; wait $pid 2>/dev/null || true
rm -rf "$dir"
echo "$t1 - $t0" | bc -l
