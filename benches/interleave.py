#!/usr/bin/env python3
"""Times whole commands in interleaved rounds and prints medians and ratios.

    benches/interleave.py ROUNDS OUT.json NAME=COMMAND [NAME=COMMAND ...]

hyperfine runs all the runs of one command, then the next: on the shared
2-core VM the host's speed drifts by a quarter over a few minutes, which
showed up as a hook run "faster" than the run without the hook. Here each
round runs every command once (after one warm-up round), in an order that
rotates, so drift hits all commands alike; ratios are of medians. The first
NAME is the baseline of the "vs first" column; a NAME "softflowd" gets its
own column.
"""
import json
import resource
import shlex
import statistics
import subprocess
import sys
import time


def run(cmd):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(shlex.split(cmd), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime


def main():
    rounds, out = int(sys.argv[1]), sys.argv[2]
    cmds = [a.split("=", 1) for a in sys.argv[3:]]
    times = {name: [] for name, _ in cmds}
    for r in range(rounds + 1):
        k = r % len(cmds)
        for name, cmd in cmds[k:] + cmds[:k]:
            t = run(cmd)
            if r > 0:
                times[name].append(t)
    med = {n: [statistics.median(x[i] for x in v) for i in range(3)] for n, v in times.items()}
    base = med[cmds[0][0]][0]
    sf = med.get("softflowd", [None])[0]
    print(f"{'run':42} {'median s':>9} {'user s':>7} {'sys s':>6} {'vs first':>9} {'vs softflowd':>13}")
    for name, _ in cmds:
        w, u, s = med[name]
        vs_sf = f"{sf / w:13.2f}" if sf else ""
        print(f"{name:42} {w:9.3f} {u:7.3f} {s:6.3f} {w / base:9.2f} {vs_sf}")
    with open(out, "w") as f:
        json.dump({"rounds": rounds, "runs": times, "medians": med}, f, indent=1)


if __name__ == "__main__":
    main()
