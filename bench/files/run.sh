#!/usr/bin/env bash
# File actions beside the system tools (issue [3/10]): copy vs cp, concat vs
# cat, sha256 vs openssl dgst, xxh3 vs xxhsum -H3, gzip/zstd compression and
# decompression vs gzip/zstd -T1 at the same level, and 8 files hashed at
# once on the pool vs one at a time. Medians of RUNS interleaved rounds
# (bench/files/measure.py), with peak RSS.
#
#   bench/files/run.sh [copy concat sha256 xxh3 gzip zstd parallel]  (default: all)
#
# Environment: BUILD (default build/release, configured already; the
# sluice_file_bench target is built here), RUNS (default 5), FILES_BENCH_DIR
# (default build/bench-data: it must be on a real disk, not a tmpfs, and
# have ~10 GiB free; removed at the end).
#
# sluice fsyncs each output before renaming it into place (an atomic
# output); the tools do not. So every writing case is timed twice for the
# tool: alone, and followed by `sync FILE` (coreutils: fsync of that file).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILD=${BUILD:-$ROOT/build/release}
RUNS=${RUNS:-5}
DIR=${FILES_BENCH_DIR:-$ROOT/build/bench-data}
CASES=${*:-copy concat sha256 xxh3 gzip zstd parallel}

mkdir -p "$DIR"
if [[ $(stat -f -c %T "$DIR") == tmpfs ]]; then
  echo "run.sh: $DIR is a tmpfs: set FILES_BENCH_DIR to a directory on a disk" >&2
  exit 2
fi
trap 'rm -rf "$DIR"' EXIT
cmake --build "$BUILD" -j "${JOBS:-2}" --target sluice_file_bench >/dev/null
FB=$BUILD/sluice_file_bench

MiB=$((1 << 20))
gen() { [[ -f $DIR/$1 ]] || "$FB" gen $(($2 * MiB)) "$3" "$DIR/$1"; }
gen in2g 2048 1
gen in1g 1024 2
for i in 1 2 3 4 5 6 7 8; do gen part$i 256 $((10 + i)); done
gen in256m 256 3
[[ -f $DIR/in.gz ]] || gzip -6 -c "$DIR/in256m" > "$DIR/in.gz"
[[ -f $DIR/in.zst ]] || zstd -q -3 -T1 -c "$DIR/in1g" > "$DIR/in.zst"
cat "$DIR"/* > /dev/null  # every input in the page cache, for both sides alike
O=$DIR/out
CLEAN="rm -f $O $DIR/.out.sluice-*; sync"
PARTS=$(printf "$DIR/part%s " 1 2 3 4 5 6 7 8)

line() { printf '%s\t%s\t%s\t%s\n' "$@"; }
# A tool that writes $O: timed alone and followed by `sync $O`.
writes() {
  line "$1" "$2" "$CLEAN" "sh -c '$3'"
  line "$1" "$2; sync out" "$CLEAN" "sh -c '$3 && sync $O'"
}
cases() {
  for c in $CASES; do
    case $c in
      copy)
        line copy-2GiB sluice "$CLEAN" "$FB copy $DIR/in2g $O"
        writes copy-2GiB "cp" "cp $DIR/in2g $O" ;;
      concat)
        line concat-8x256MiB sluice "$CLEAN" "$FB concat $O $PARTS"
        writes concat-8x256MiB "cat" "cat $PARTS > $O" ;;
      sha256)
        line sha256-1GiB sluice "$CLEAN" "$FB hash sha256 $O $DIR/in1g"
        line sha256-1GiB "openssl dgst -sha256" "$CLEAN" "sh -c 'openssl dgst -sha256 $DIR/in1g > $O'"
        line sha256-1GiB sha256sum "$CLEAN" "sh -c 'sha256sum $DIR/in1g > $O'" ;;
      xxh3)
        line xxh3-1GiB sluice "$CLEAN" "$FB hash xxh3 $O $DIR/in1g"
        line xxh3-1GiB "xxhsum -H3" "$CLEAN" "sh -c 'xxhsum -H3 $DIR/in1g > $O 2>/dev/null'" ;;
      gzip)
        line gzip-6-256MiB sluice "$CLEAN" "$FB compress gzip 6 $DIR/in256m $O"
        writes gzip-6-256MiB "gzip -6" "gzip -6 -c $DIR/in256m > $O"
        line gunzip-256MiB sluice "$CLEAN" "$FB decompress $DIR/in.gz $O"
        writes gunzip-256MiB "gzip -dc" "gzip -dc $DIR/in.gz > $O" ;;
      zstd)
        line zstd-3-1GiB sluice "$CLEAN" "$FB compress zstd 3 $DIR/in1g $O"
        writes zstd-3-1GiB "zstd -3 -T1" "zstd -q -3 -T1 -c $DIR/in1g > $O"
        line unzstd-1GiB sluice "$CLEAN" "$FB decompress $DIR/in.zst $O"
        writes unzstd-1GiB "zstd -dc" "zstd -q -dc $DIR/in.zst > $O" ;;
      parallel)
        line hash-8x256MiB "sluice, pool of $(nproc)" "$CLEAN" "$FB hash sha256 $O $PARTS"
        line hash-8x256MiB "sluice, one at a time" "$CLEAN" "$FB --threads 1 hash sha256 $O $PARTS" ;;
      *) echo "run.sh: unknown case '$c'" >&2; exit 2 ;;
    esac
  done
}

echo "machine: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg); dir $DIR ($(stat -f -c %T "$DIR"))"
cases | python3 "$HERE/measure.py" "$RUNS"
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
