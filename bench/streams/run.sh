#!/usr/bin/env bash
# Stream edges (issue [3/10] item 4) beside the shell: a plain pair
# (`seq 1 N` into `wc -l`, a kernel pipe between the two) vs `seq | wc -l`,
# and a tee to two consumers (sluice reads the producer and writes each
# consumer's pipe, with backpressure) vs `seq | tee >(wc -l) | wc -l`.
# Medians of RUNS interleaved rounds (bench/files/measure.py), with peak
# RSS: GNU time's %M of the whole command, i.e. the largest of sluice and
# the children it reaped (seq and wc stay near 2 MiB, so above that it is
# sluice's own).
#
#   bench/streams/run.sh [pair tee]  (default: both)
#
# Environment: BUILD (default build/release, sluice built there), RUNS
# (default 5), N (default 100000000: 848 MiB of digits and newlines).
# Goals: pair >= 0.9x the shell pipe, tee >= 0.5x the shell tee, sluice's
# peak RSS <= 32 MiB.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILD=${BUILD:-$ROOT/build/release}
RUNS=${RUNS:-5}
N=${N:-100000000}
CASES=${*:-pair tee}
SLUICE=$BUILD/sluice
[[ -x $SLUICE ]] || { echo "run.sh: build $SLUICE first" >&2; exit 2; }

DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
cat > "$DIR/pair.yaml" <<YAML
tasks:
  numbers: {cmd: [seq, "1", "$N"]}
  count: {cmd: [wc, -l], stdin: {task: numbers}}
YAML
cat > "$DIR/tee.yaml" <<YAML
tasks:
  numbers: {cmd: [seq, "1", "$N"]}
  count_a: {cmd: [wc, -l], stdin: {task: numbers}}
  count_b: {cmd: [wc, -l], stdin: {task: numbers}}
YAML

line() { printf '%s\t%s\t%s\t%s\n' "$@"; }
cases() {
  for c in $CASES; do
    case $c in
      pair)
        line "pair: seq 1 $N into wc -l" sluice true "$SLUICE run -q -f $DIR/pair.yaml > /dev/null"
        line "pair: seq 1 $N into wc -l" "sh pipe" true "sh -c 'seq 1 $N | wc -l > /dev/null'" ;;
      tee)
        line "tee to 2 x wc -l" sluice true "$SLUICE run -q -f $DIR/tee.yaml > /dev/null"
        line "tee to 2 x wc -l" "bash tee" true \
          "bash -c 'seq 1 $N | tee >(wc -l > /dev/null) | wc -l > /dev/null'" ;;
      *) echo "run.sh: unknown case '$c'" >&2; exit 2 ;;
    esac
  done
}

echo "machine: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
cases | python3 "$ROOT/bench/files/measure.py" "$RUNS"
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
