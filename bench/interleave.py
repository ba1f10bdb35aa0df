#!/usr/bin/env python3
"""Times a group of commands in turn, round after round, so that the noise of
a shared machine (other containers' builds come and go within seconds) falls
on every command of the group alike; hyperfine runs each command's runs back
to back, so one noisy burst can land on one tool only.

    interleave.py GROUP RUNS RESULTS < commands

Each line of `commands` is LABEL <tab> CWD <tab> PREPARE <tab> COMMAND
(PREPARE is run untimed before every timed run, e.g. removing ninja's log).
One untimed warm-up round first. Every timed run is wrapped in
`/usr/bin/time -f %M` for its peak RSS. Writes RESULTS/GROUP/LABEL.json
(hyperfine's layout: results[0].times), LABEL.meta.json and LABEL.rss, the
files bench/summarize_run.py reads.
"""
import json
import os
import shlex
import statistics
import subprocess
import sys
import time


def run(cmd, cwd):
    subprocess.run(cmd, shell=True, cwd=cwd, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=False)


def main():
    group, runs, res = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    specs = [line.rstrip("\n").split("\t") for line in sys.stdin if line.strip()]
    out = os.path.join(res, group)
    os.makedirs(out, exist_ok=True)
    times = {label: [] for label, *_ in specs}
    for label, cwd, prepare, cmd in specs:
        with open(os.path.join(out, label + ".meta.json"), "w") as f:
            json.dump({"label": label, "cwd": cwd, "cmd": cmd}, f)
        rss = os.path.join(out, label + ".rss")
        if os.path.exists(rss):
            os.remove(rss)
        run(prepare, cwd)
        run(cmd, cwd)  # warm-up
    for _ in range(runs):
        for label, cwd, prepare, cmd in specs:
            run(prepare, cwd)
            rss = os.path.join(out, label + ".rss")
            start = time.perf_counter()
            run(f"/usr/bin/time -a -o {rss} -f %M sh -c {shlex.quote(cmd)}", cwd)
            times[label].append(time.perf_counter() - start)
    for label, t in times.items():
        with open(os.path.join(out, label + ".json"), "w") as f:
            json.dump({"results": [{"command": label, "times": t}]}, f)
        print(f"  {label:32s} median {statistics.median(t):.3f}s")


if __name__ == "__main__":
    main()
