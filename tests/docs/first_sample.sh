#!/usr/bin/env bash
# The README's first pipeline runs as copied: the first ```yaml block of
# README.md, saved as hello.yaml in a fresh directory, run with the command
# the README shows, prints what the README says it prints (durations aside).
#
#   tests/docs/first_sample.sh README.md build/release/sluice
set -euo pipefail
readme=$(realpath "$1")
sluice=$(realpath "$2")
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
awk '/^```yaml$/ && !done { inside = 1; next }
     /^```$/ && inside { inside = 0; done = 1 }
     inside' "$readme" > "$dir/hello.yaml"
[ -s "$dir/hello.yaml" ] || { echo "no yaml block in $readme" >&2; exit 1; }
awk '/^\$ build\/release\/sluice run -f hello.yaml$/ { inside = 1; next }
     /^```$/ && inside { exit }
     inside' "$readme" > "$dir/expected"
[ -s "$dir/expected" ] || { echo "README no longer shows the output of hello.yaml" >&2; exit 1; }
cd "$dir"
"$sluice" run -f hello.yaml --color never > actual
times='s/ +[0-9]+\.[0-9]s/ T/g'
diff <(sed -E "$times" expected) <(sed -E "$times" actual) ||
  { echo "the output differs from the README's (< README, > sluice)" >&2; exit 1; }
[ "$(cat build/hello/world.txt)" = "hello, world" ] || { echo "build/hello/world.txt is wrong" >&2; exit 1; }
