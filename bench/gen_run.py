#!/usr/bin/env python3
"""Writes the sluice pipelines for the run benchmarks next to the peers'
files that ../shared/bench/gen.py writes (same shapes, same seed).

    python3 gen_run.py SHARED_BENCH_DIR WORK_DIR
"""
import os
import sys

shared, work = sys.argv[1], sys.argv[2]
sys.path.insert(0, shared)
import gen  # noqa: E402  (the peers' generator: shapes and emitters)


def w(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def name(node):
    # o/3_14 -> t3_14: task names may not hold '/'
    return "t" + node[2:]


def sluice(nodes, command=("/bin/true",), run=None):
    out = ["tasks:"]
    for node, deps in nodes:
        out.append(f"  {name(node)}:")
        if run is not None:
            out.append("    run: |")  # a block scalar: the script needs no YAML quoting
            out.append(f"      {run}")
        else:
            out.append("    cmd: [" + ", ".join(command) + "]")
        if deps:
            out.append("    needs: [" + ", ".join(name(d) for d in deps) + "]")
    return "\n".join(out) + "\n"


def main():
    gen.OUT = work
    gen.main()
    w(f"{work}/w1/sluice.yaml", sluice(gen.independent(2000)))
    w(f"{work}/w2/sluice.yaml", sluice(gen.layered(20, 100)))
    chain = gen.chain(1000)
    w(f"{work}/chain/sluice.yaml", sluice(chain))
    w(f"{work}/chain/Makefile", gen.makefile(chain))
    w(f"{work}/chain/build.ninja", gen.ninja(chain))
    w(f"{work}/w3/sluice.yaml", sluice([("o/log", [])], run=gen.W3_CMD))
    w(f"{work}/w4/layered100k/sluice.yaml", sluice(gen.layered(100, 1000)))
    # W1x: the 2,000 W1 tasks inside a pipeline of 100,000 (the rest never
    # selected), so sluice's own memory is large while it spawns.
    big = gen.independent(2000) + [(f"o/x{i}", []) for i in range(98000)]
    w(f"{work}/w1x/sluice.yaml", sluice(big))
    w(f"{work}/w1x/targets.txt", " ".join(name(n) for n, _ in gen.independent(2000)))
    print(f"sluice pipelines written in {work}")


if __name__ == "__main__":
    main()
