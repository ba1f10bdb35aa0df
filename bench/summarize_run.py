#!/usr/bin/env python3
"""Tables and goal ratios from bench/run.sh's results directory. Every ratio
compares commands of one group, timed in the same interleaved rounds."""
import glob
import json
import os
import statistics
import sys

res = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "results")


def load(group):
    out = {}
    for p in sorted(glob.glob(f"{res}/{group}/*.json")):
        if p.endswith(".meta.json"):
            continue
        label = os.path.basename(p)[:-5]
        t = json.load(open(p))["results"][0]["times"]
        rss_path = p[:-5] + ".rss"
        rss = []
        if os.path.exists(rss_path):
            rss = [int(x) for x in open(rss_path).read().split() if x.isdigit()]
        meta = json.load(open(p[:-5] + ".meta.json"))
        out[label] = dict(median=statistics.median(t), min=min(t), max=max(t),
                          rss=max(rss) / 1024 if rss else 0, cmd=meta["cmd"])
    return out


def table(group, title):
    d = load(group)
    if not d:
        return d
    print(f"\n### {title}\n")
    print("| label | median s | min s | max s | spread | peak RSS MiB | command |")
    print("|---|---|---|---|---|---|---|")
    for k, v in d.items():
        cmd = v["cmd"] if len(v["cmd"]) <= 110 else v["cmd"][:90] + " ... (" + str(len(v["cmd"].split())) + " words)"
        spread = (v["max"] - v["min"]) / v["median"]
        noisy = " NOISY" if spread > 0.15 else ""
        print(f"| {k} | {v['median']:.3f} | {v['min']:.3f} | {v['max']:.3f} | "
              f"{spread:.0%}{noisy} | {v['rss']:.1f} | `{cmd}` |")
    return d


def capture_cost(d, j):
    """What two capture pipes a task cost the bare spawn loop, and how far
    sluice and make each sit above their own floor: make's children inherit
    stdout, sluice's write to pipes (spawn_pipes.c)."""
    need = (f"spawn_limit_j{j}", f"spawn_pipes_j{j}", f"sluice_j{j}", f"make_j{j}")
    if not all(k in d for k in need):
        return
    lim, pipes, sl, mk = (d[k]["median"] for k in need)
    print(f"- capture floor: spawn_pipes_j{j} / spawn_limit_j{j} = **{pipes / lim:.2f}x**; "
          f"sluice_j{j} / spawn_pipes_j{j} = **{sl / pipes:.2f}x** beside make_j{j} / "
          f"spawn_limit_j{j} = **{mk / lim:.2f}x** (reported, no goal)")


def ratio(d, a, b, goal, op="<="):
    if a in d and b in d:
        r = d[a]["median"] / d[b]["median"]
        ok = r <= goal if op == "<=" else r >= goal
        print(f"- {a} / {b} = **{r:.2f}x** (goal {op} {goal}x): {'met' if ok else 'MISSED'}")


w1 = table("w1", "W1: 2,000 independent /bin/true")
for j in (2, 8):
    ratio(w1, f"sluice_j{j}", f"make_j{j}", 1.0)
    ratio(w1, f"sluice_j{j}", f"ninja_j{j}", 0.55)
    ratio(w1, f"sluice_j{j}", f"spawn_limit_j{j}", 1.2)
    capture_cost(w1, j)
table("w1_parallel", "W1 through GNU parallel (fewer rounds: it is slow)")
w1x = table("w1x", "W1x: spawning with a 100,000-task pipeline loaded (2,000 spawned, -j2)")
if all(k in w1x for k in ("sluice_100k_j2", "sluice_load_only_100k", "sluice_small_j2")):
    net = w1x["sluice_100k_j2"]["median"] - w1x["sluice_load_only_100k"]["median"]
    r = net / w1x["sluice_small_j2"]["median"]
    print(f"- spawn time with 100k loaded (minus load) / small = **{r:.2f}x** (goal <= 1.2x)")
w2 = table("w2", "W2: layered DAG 20 x 100, fan-in 3")
for j in (2, 8):
    ratio(w2, f"sluice_j{j}", f"sluice_w1_j{j}", 1.05)  # W2/W1, from the same rounds
    ratio(w2, f"sluice_j{j}", f"make_j{j}", 1.0)
ch = table("chain", "Chain of 1,000 dependent tasks, -j1")
ratio(ch, "sluice_j1", "make_j1", 1.0)
capture_cost(ch, 1)
w3 = table("w3", "W3: one task writing 1 GiB of 60-byte lines, stdout to /dev/null")
if "relay_cat" in w3:
    for k, goal in (("sluice_prefixed", 0.8), ("sluice_interleaved", 0.95)):
        if k in w3:
            r = w3["relay_cat"]["median"] / w3[k]["median"]
            print(f"- {k} throughput / cat relay = **{r:.2f}x** (goal >= {goal}x)")
pl = table("plan", "Planning 100,000 tasks")
ratio(pl, "sluice_run_n_100k", "yaml_cpp_bare_100k", 1.25)
if "sluice_run_n_100k" in pl and "ninja_n_100k" in pl:
    r = pl["sluice_run_n_100k"]["median"] / pl["ninja_n_100k"]["median"]
    print(f"- sluice_run_n_100k / ninja_n_100k = **{r:.2f}x** (reported, no goal)")
