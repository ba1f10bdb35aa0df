#!/bin/sh
# W4 parse/plan scale: `sluice validate` against a bare yaml-cpp event parse
# of the same file (the goal's baseline) and `ninja -n` on the equivalent
# build.ninja, for layered 1k/10k/100k (layers of 1000, fan-in 3) and a 100k
# chain. Median wall time from hyperfine, peak RSS from /usr/bin/time -f %M.
# Writes the W4 section of bench/RESULTS.md (between its markers) and keeps
# the raw data in $W4_RESULTS.
#
#   bench/w4.sh                  (RUNS=5 by default; SLUICE=path/to/sluice)
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
WORK=${W4_WORK:-/tmp/sluice_w4}
RESULTS=${W4_RESULTS:-$WORK/results}
RUNS=${RUNS:-5}
BUILD=${W4_BUILD:-$ROOT/build/w4-release}

if [ -z "${SLUICE:-}" ]; then
  cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DSLUICE_BUILD_TESTS=OFF >/dev/null
  cmake --build "$BUILD" -j2 --target sluice_cli >/dev/null
  SLUICE=$BUILD/sluice
fi
BARE=$WORK/yaml_parse_bare
mkdir -p "$WORK" "$RESULTS"
g++ -O2 -std=c++20 "$HERE/yaml_parse_bare.cpp" -lyaml-cpp -o "$BARE"
python3 "$HERE/gen_pipeline.py" "$WORK" >/dev/null

# measure LABEL DIR CMD: hyperfine JSON + the peak RSS of 3 runs (the median).
measure() {
  label=$1 dir=$2 cmd=$3
  (cd "$dir" && rm -f .ninja_log &&
    hyperfine -N --warmup 1 --runs "$RUNS" -i --export-json "$RESULTS/$label.json" \
      --prepare 'rm -f .ninja_log' "$cmd" >/dev/null 2>&1) || true
  : >"$RESULTS/$label.rss"
  for _ in 1 2 3; do
    (cd "$dir" && /usr/bin/time -a -o "$RESULTS/$label.rss" -f %M sh -c "$cmd > /dev/null 2>&1") || true
  done
  echo "$cmd" >"$RESULTS/$label.cmd"
}

for size in tiny layered1k layered10k layered100k chain100k; do
  d=$WORK/$size
  measure "${size}_sluice" "$d" "$SLUICE validate -f sluice.yaml"
  measure "${size}_bare" "$d" "$BARE sluice.yaml"
  measure "${size}_ninja" "$d" "ninja -n -f build.ninja"
done

python3 - "$RESULTS" "$HERE/RESULTS.md" "$SLUICE" <<'PY'
import json, os, re, statistics, sys
res, out_md, sluice = sys.argv[1:4]
def med(label):
    j = json.load(open(f"{res}/{label}.json"))["results"][0]
    return j["median"], j.get("exit_codes", [0])
def rss(label):
    lines = [l.strip() for l in open(f"{res}/{label}.rss") if l.strip()]
    vals = [int(l) for l in lines if l.isdigit()]
    sig = [l for l in lines if not l.isdigit()]
    return statistics.median(vals), sig
sizes = [("layered1k", 1000), ("layered10k", 10000), ("layered100k", 100000), ("chain100k", 100000)]
base_rss, _ = rss("tiny_sluice")
rows = []
for size, n in sizes:
    s, s_codes = med(f"{size}_sluice"); b, _ = med(f"{size}_bare"); k, k_codes = med(f"{size}_ninja")
    s_rss, _ = rss(f"{size}_sluice"); b_rss, _ = rss(f"{size}_bare"); k_rss, k_sig = rss(f"{size}_ninja")
    per_task = (s_rss - base_rss) * 1024 / n
    ninja_note = " (crashed: exit %s)" % sorted(set(k_codes)) if any(c != 0 for c in k_codes) else ""
    rows.append(f"| {size} | {n} | {s:.3f} | {b:.3f} | **{s/b:.2f}x** | {k:.3f}{ninja_note} | {s/k:.2f}x "
                f"| {s_rss/1024:.1f} | {b_rss/1024:.1f} | {k_rss/1024:.1f} | **{per_task:.0f}** |"
                + (" sluice exit %s" % sorted(set(s_codes)) if any(c != 0 for c in s_codes) else "") )
md = [
 "<!-- W4 begin: written by bench/w4.sh -->",
 "## W4: parse + plan (`sluice validate`)",
 "",
 "Goals: `sluice validate` <= 1.25x a bare yaml-cpp event parse of the same file;",
 "<= 1 KiB of memory per task ((peak RSS - RSS on a 1-task file) / tasks); no stack",
 "overflow on the 100k chain. Medians of hyperfine runs (`-N`, 1 warm-up); peak RSS",
 "is the median of 3 `/usr/bin/time -f %M` runs.",
 "",
 "| workload | tasks | sluice validate s | bare parse s | sluice/bare | ninja -n s | sluice/ninja | sluice MiB | bare MiB | ninja MiB | bytes/task over 1-task |",
 "|---|---|---|---|---|---|---|---|---|---|---|",
 *rows,
 "",
 f"1-task baseline RSS: {base_rss/1024:.1f} MiB. Commands (cwd = the workload's directory under `$W4_WORK`, default /tmp/sluice_w4):",
 "",
 f"- sluice: `{open(f'{res}/layered100k_sluice.cmd').read().strip()}`",
 f"- bare parse: `{open(f'{res}/layered100k_bare.cmd').read().strip()}` (bench/yaml_parse_bare.cpp, g++ -O2)",
 f"- ninja: `{open(f'{res}/layered100k_ninja.cmd').read().strip()}`",
 "- workloads: `python3 bench/gen_pipeline.py` (same shapes and seed as the peers' gen.py); runner: `bench/w4.sh`",
 "<!-- W4 end -->",
]
section = "\n".join(md) + "\n"
text = open(out_md).read() if os.path.exists(out_md) else "# sluice benchmarks\n\n"
pat = re.compile(r"<!-- W4 begin.*?<!-- W4 end -->\n", re.S)
text = pat.sub(lambda m: section, text) if pat.search(text) else text.rstrip("\n") + "\n\n" + section
open(out_md, "w").write(text)
print(section)
PY
