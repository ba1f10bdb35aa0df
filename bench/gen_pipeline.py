#!/usr/bin/env python3
"""Generate the W4 parse/plan workloads as sluice YAML and as the equivalent
build.ninja, with the shapes of /work/shared/bench/gen.py (the peers' run):

    python3 gen_pipeline.py [OUTDIR]      (default /tmp/sluice_w4)

  layered1k, layered10k, layered100k: layers of 1000 tasks; each task of layer
      l > 0 needs 3 distinct random tasks of layer l-1 (random.Random(42),
      the same draws as gen.py, so the graphs are identical);
  chain100k: 100,000 tasks, each needing the previous one;
  tiny: one task (the fixed cost of starting and loading, for the RSS baseline).

Every task is `cmd: [/bin/true]` and declares its output `o/<id>` as ninja's
build statement does (never created). Dependencies are explicit `needs`, as
ninja's are explicit inputs.
"""
import os
import random
import sys

OUT = sys.argv[1] if len(sys.argv) > 1 else "/tmp/sluice_w4"
SEED = 42


def layered(layers, width, fanin=3, seed=SEED):
    rng = random.Random(seed)
    nodes = []
    for l in range(layers):
        for i in range(width):
            deps = [] if l == 0 else [f"{l-1}_{j}" for j in sorted(rng.sample(range(width), fanin))]
            nodes.append((f"{l}_{i}", deps))
    return nodes


def chain(n):
    return [(f"{i}", [f"{i-1}"] if i else []) for i in range(n)]


def sluice_yaml(tag, nodes):
    out = [f"name: {tag}", "tasks:"]
    for name, deps in nodes:
        out.append(f"  t{name}:")
        out.append("    cmd: [/bin/true]")
        out.append(f"    outputs: [o/{name}]")
        if deps:
            out.append("    needs: [" + ", ".join(f"t{d}" for d in deps) + "]")
    return "\n".join(out) + "\n"


def ninja(nodes):
    lines = ["rule t", "  command = /bin/true"]
    for name, deps in nodes:
        lines.append(f"build o/{name}: t" + "".join(f" o/{d}" for d in deps))
    return "\n".join(lines) + "\n"


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def main():
    for tag, nodes in (("tiny", [("0", [])]),
                       ("layered1k", layered(1, 1000)),
                       ("layered10k", layered(10, 1000)),
                       ("layered100k", layered(100, 1000)),
                       ("chain100k", chain(100000))):
        write(f"{OUT}/{tag}/sluice.yaml", sluice_yaml(tag, nodes))
        write(f"{OUT}/{tag}/build.ninja", ninja(nodes))
    print(f"generated W4 workloads in {OUT}")


if __name__ == "__main__":
    main()
