#!/usr/bin/env bash
# The run benchmarks of issue [2/10]: the workloads of ../shared/bench/
# through sluice, beside make, ninja, GNU parallel and the raw posix_spawn
# loop, measured in one session so the ratios compare like with like.
#
#   bench/run.sh [w1] [w1x] [w2] [chain] [w3] [plan]   (default: all)
#
# Environment: SLUICE (the binary; default build/release/sluice), RUNS
# (default 5), RUNS_SLOW (default 3), BENCH_WORK (default /tmp/sluicebench),
# SHARED (default ../shared/bench beside the repository), RESULTS
# (default bench/results). Writes RESULTS/<group>/<label>.json (hyperfine)
# and .rss (peak RSS per run, KiB); bench/summarize_run.py prints the tables.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
SHARED=${SHARED:-$ROOT/../shared/bench}
WORK=${BENCH_WORK:-/tmp/sluicebench}
RES=${RESULTS:-$HERE/results}
RUNS=${RUNS:-5}
RUNS_SLOW=${RUNS_SLOW:-3}
SLUICE=$(readlink -f "${SLUICE:-$ROOT/build/release/sluice}")
TOOLS=$WORK/tools

bench() {  # bench GROUP LABEL UNITS CMD [PREPARE] [RUNS]
  local group=$1 label=$2 units=$3 cmd=$4 prepare=${5:-true} runs=${6:-$RUNS}
  local dir=$RES/$group
  mkdir -p "$dir"
  rm -f "$dir/$label.rss"
  printf '{"label":"%s","units":"%s","cwd":"%s","cmd":%s}\n' "$label" "$units" "$PWD" \
    "$(python3 -c 'import json,sys; print(json.dumps(sys.argv[1]))' "$cmd")" > "$dir/$label.meta.json"
  hyperfine --style basic --warmup 1 --runs "$runs" --prepare "$prepare" \
    --export-json "$dir/$label.json" -n "$label" \
    "/usr/bin/time -a -o $dir/$label.rss -f %M $cmd" > "$dir/$label.log"
  python3 - "$dir/$label.json" <<'PY'
import json, sys, statistics
r = json.load(open(sys.argv[1]))["results"][0]
print(f"  {sys.argv[1].rsplit('/', 1)[1][:-5]:32s} median {statistics.median(r['times']):.3f}s")
PY
}

setup() {
  mkdir -p "$TOOLS"
  gcc -O2 -o "$TOOLS/spawn_limit" "$SHARED/spawn_limit.c"
  g++ -O2 -std=c++20 -o "$TOOLS/yaml_parse_bare" "$HERE/yaml_parse_bare.cpp" -lyaml-cpp
  [[ -f $WORK/w4/layered100k/sluice.yaml ]] || python3 "$HERE/gen_run.py" "$SHARED" "$WORK"
  echo "sluice: $SLUICE ($("$SLUICE" --version))"
}

NINJA_PREP='rm -f .ninja_log .ninja_deps'
Q="--output quiet -q"   # sluice's own talk off; task output is still captured

w1() {
  cd "$WORK/w1"
  for j in 2 8; do
    bench w1 "spawn_limit_j$j" nodes:2000 "$TOOLS/spawn_limit 2000 $j posix_spawn"
    bench w1 "make_j$j" nodes:2000 "make -r -j$j -f Makefile > /dev/null"
    bench w1 "ninja_j$j" nodes:2000 "ninja -j$j -f build.ninja > /dev/null" "$NINJA_PREP"
    bench w1 "sluice_j$j" nodes:2000 "$SLUICE run -j$j $Q > /dev/null"
    bench w1 "sluice_prefixed_j$j" nodes:2000 "$SLUICE run -j$j > /dev/null"
  done
  bench w1 "parallel_j2" nodes:2000 "parallel -j2 /bin/true :::: args.txt > /dev/null" true "$RUNS_SLOW"
}

w1x() {
  cd "$WORK/w1x"
  local targets; targets=$(cat targets.txt)
  bench w1x "sluice_load_only_100k" nodes:2000 "$SLUICE run -n $Q $targets > /dev/null" true "$RUNS_SLOW"
  bench w1x "sluice_100k_j2" nodes:2000 "$SLUICE run -j2 $Q $targets > /dev/null" true "$RUNS_SLOW"
  cd "$WORK/w1"
  bench w1x "sluice_small_j2" nodes:2000 "$SLUICE run -j2 $Q > /dev/null" true "$RUNS_SLOW"
}

w2() {
  cd "$WORK/w2"
  for j in 2 8; do
    bench w2 "make_j$j" nodes:2000 "make -r -j$j -f Makefile > /dev/null"
    bench w2 "ninja_j$j" nodes:2000 "ninja -j$j -f build.ninja > /dev/null" "$NINJA_PREP"
    bench w2 "sluice_j$j" nodes:2000 "$SLUICE run -j$j $Q > /dev/null"
  done
}

chain() {
  cd "$WORK/chain"
  bench chain "make_j1" nodes:1000 "make -r -j1 -f Makefile > /dev/null"
  bench chain "ninja_j1" nodes:1000 "ninja -j1 -f build.ninja > /dev/null" "$NINJA_PREP"
  bench chain "sluice_j1" nodes:1000 "$SLUICE run -j1 $Q > /dev/null"
}

w3() {
  cd "$WORK/w3"
  local b=bytes:1073741824 r=$RUNS_SLOW
  bench w3 relay_cat $b "sh -c 'sh cmd.sh | cat' > /dev/null" true $r
  bench w3 sluice_prefixed $b "$SLUICE run --output prefixed -q > /dev/null" true $r
  bench w3 sluice_interleaved $b "$SLUICE run --output interleaved -q > /dev/null" true $r
  bench w3 plain_sh $b "sh cmd.sh > /dev/null" true $r
}

plan() {
  cd "$WORK/w4/layered100k"
  bench plan "sluice_run_n_100k" nodes:100000 "$SLUICE run -n $Q > /dev/null" true "$RUNS_SLOW"
  bench plan "sluice_validate_100k" nodes:100000 "$SLUICE validate > /dev/null" true "$RUNS_SLOW"
  bench plan "yaml_cpp_bare_100k" nodes:100000 "$TOOLS/yaml_parse_bare sluice.yaml" true "$RUNS_SLOW"
  bench plan "ninja_n_100k" nodes:100000 "ninja -n -f build.ninja > /dev/null" "$NINJA_PREP" "$RUNS_SLOW"
}

main() {
  local what=("$@")
  [[ ${#what[@]} == 0 ]] && what=(w1 w1x w2 chain w3 plan)
  setup
  for w in "${what[@]}"; do echo "=== $w ==="; "$w"; done
  python3 "$HERE/summarize_run.py" "$RES" | tee "$RES/summary.md"
}
main "$@"
