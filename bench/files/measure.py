#!/usr/bin/env python3
"""Times commands in interleaved rounds (each case's commands in turn, round
after round, so that a burst of load on this shared machine hits both sides
alike) and prints a Markdown table of medians.

Input on stdin, one case per line, tab-separated:
    CASE  LABEL  PREPARE  COMMAND
PREPARE runs (untimed) before each timed COMMAND; both through sh. The
first LABEL of a case is sluice's; the ratio column is tool time / sluice
time, so >= 1.0 means sluice is at least as fast. Peak RSS is GNU time's
(%M): the command's own, as /usr/bin/time forks it from a small process
(a child forked from Python would carry Python's peak through its exec:
ru_maxrss survives exec). CPU s is GNU time's user + system time (%U +
%S, the median): CPU / wall shows how many CPUs a command kept busy.
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time


def timed(command):
    with tempfile.NamedTemporaryFile("r") as rss:
        start = time.monotonic()
        status = subprocess.run(["/usr/bin/time", "-f", "%U %S %M", "-o", rss.name,
                                 "sh", "-c", "exec " + command]).returncode
        wall = time.monotonic() - start
        if status != 0:
            sys.exit(f"measure.py: failed ({status}): {command}")
        user, system, peak = rss.read().split()[-3:]
        return wall, int(peak), float(user) + float(system)


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    cases = {}
    for line in sys.stdin:
        if not line.strip() or line.startswith("#"):
            continue
        case, label, prepare, command = line.rstrip("\n").split("\t")
        cases.setdefault(case, []).append((label, prepare, command))
    print("| case | command | median s | min s | max s | CPU s | peak RSS MiB | tool / sluice |")
    print("|---|---|---|---|---|---|---|---|")
    for case, commands in cases.items():
        times = {label: [] for label, _, _ in commands}
        rss = {label: [] for label, _, _ in commands}
        cpu = {label: [] for label, _, _ in commands}
        for _ in range(runs):
            for label, prepare, command in commands:
                subprocess.run(["sh", "-c", prepare], check=True)
                wall, peak, used = timed(command)
                times[label].append(wall)
                rss[label].append(peak)
                cpu[label].append(used)
        first = commands[0][0]
        base = statistics.median(times[first])
        for label, _, _ in commands:
            med = statistics.median(times[label])
            ratio = "" if label == first else f"{med / base:.2f}x"
            print(f"| {case} | {label} | {med:.3f} | {min(times[label]):.3f} | "
                  f"{max(times[label]):.3f} | {statistics.median(cpu[label]):.2f} | "
                  f"{max(rss[label]) / 1024:.1f} | {ratio} |",
                  flush=True)


if __name__ == "__main__":
    main()
