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
# (default bench/results). Writes RESULTS/<group>/<label>.json (hyperfine's
# layout) and .rss (peak RSS per run, KiB); bench/summarize_run.py prints the
# tables.
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

# Each group is timed by bench/interleave.py: its commands in turn, round
# after round (see there why). A line: LABEL, CWD, PREPARE, COMMAND.
group() {  # group NAME RUNS, then spec lines on stdin
  python3 "$HERE/interleave.py" "$1" "$2" "$RES"
}
line() { printf '%s\t%s\t%s\t%s\n' "$@"; }

setup() {
  mkdir -p "$TOOLS"
  gcc -O2 -o "$TOOLS/spawn_limit" "$SHARED/spawn_limit.c"
  gcc -O2 -Wall -o "$TOOLS/spawn_pipes" "$HERE/spawn_pipes.c"
  g++ -O2 -std=c++20 -o "$TOOLS/yaml_parse_bare" "$HERE/yaml_parse_bare.cpp" -lyaml-cpp
  [[ -f $WORK/w4/layered100k/sluice.yaml ]] || python3 "$HERE/gen_run.py" "$SHARED" "$WORK"
  echo "sluice: $SLUICE ($("$SLUICE" --version))"
}

NINJA_PREP='rm -f .ninja_log .ninja_deps'
Q="--output quiet -q"   # sluice's own talk off; task output is still captured

w1() {
  local d=$WORK/w1
  for j in 2 8; do
    line "spawn_limit_j$j" "$d" true "$TOOLS/spawn_limit 2000 $j posix_spawn"
    line "spawn_pipes_j$j" "$d" true "$TOOLS/spawn_pipes 2000 $j"
    line "make_j$j" "$d" true "make -r -j$j -f Makefile > /dev/null"
    line "ninja_j$j" "$d" "$NINJA_PREP" "ninja -j$j -f build.ninja > /dev/null"
    line "sluice_j$j" "$d" true "$SLUICE run -j$j $Q > /dev/null"
    line "sluice_prefixed_j$j" "$d" true "$SLUICE run -j$j > /dev/null"
  done | group w1 "$RUNS"
  line parallel_j2 "$d" true "parallel -j2 /bin/true :::: args.txt > /dev/null" |
    group w1_parallel "$RUNS_SLOW"
}

w1x() {
  local targets; targets=$(cat "$WORK/w1x/targets.txt")
  {
    line sluice_load_only_100k "$WORK/w1x" true "$SLUICE run -n $Q $targets > /dev/null"
    line sluice_100k_j2 "$WORK/w1x" true "$SLUICE run -j2 $Q $targets > /dev/null"
    line sluice_small_j2 "$WORK/w1" true "$SLUICE run -j2 $Q > /dev/null"
  } | group w1x "$RUNS"
}

w2() {  # W1's sluice runs again here: W2/W1 compares runs of the same rounds
  for j in 2 8; do
    line "make_j$j" "$WORK/w2" true "make -r -j$j -f Makefile > /dev/null"
    line "ninja_j$j" "$WORK/w2" "$NINJA_PREP" "ninja -j$j -f build.ninja > /dev/null"
    line "sluice_j$j" "$WORK/w2" true "$SLUICE run -j$j $Q > /dev/null"
    line "sluice_w1_j$j" "$WORK/w1" true "$SLUICE run -j$j $Q > /dev/null"
  done | group w2 "$RUNS"
}

chain() {
  local d=$WORK/chain
  {
    line spawn_limit_j1 "$d" true "$TOOLS/spawn_limit 1000 1 posix_spawn"
    line spawn_pipes_j1 "$d" true "$TOOLS/spawn_pipes 1000 1"
    line make_j1 "$d" true "make -r -j1 -f Makefile > /dev/null"
    line ninja_j1 "$d" "$NINJA_PREP" "ninja -j1 -f build.ninja > /dev/null"
    line sluice_j1 "$d" true "$SLUICE run -j1 $Q > /dev/null"
  } | group chain "$RUNS"
}

w3() {
  local d=$WORK/w3
  {
    line relay_cat "$d" true "sh -c 'sh cmd.sh | cat' > /dev/null"
    line sluice_prefixed "$d" true "$SLUICE run --output prefixed -q > /dev/null"
    line sluice_interleaved "$d" true "$SLUICE run --output interleaved -q > /dev/null"
    line plain_sh "$d" true "sh cmd.sh > /dev/null"
  } | group w3 "$RUNS_SLOW"
}

plan() {
  local d=$WORK/w4/layered100k
  {
    line sluice_run_n_100k "$d" true "$SLUICE run -n $Q > /dev/null"
    line sluice_validate_100k "$d" true "$SLUICE validate > /dev/null"
    line yaml_cpp_bare_100k "$d" true "$TOOLS/yaml_parse_bare sluice.yaml"
    line ninja_n_100k "$d" "$NINJA_PREP" "ninja -n -f build.ninja > /dev/null"
  } | group plan "$RUNS_SLOW"
}

main() {
  local what=("$@")
  [[ ${#what[@]} == 0 ]] && what=(w1 w1x w2 chain w3 plan)
  setup
  for w in "${what[@]}"; do echo "=== $w ==="; "$w"; done
  python3 "$HERE/summarize_run.py" "$RES" | tee "$RES/summary.md"
}
main "$@"
