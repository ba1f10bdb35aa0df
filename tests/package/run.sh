#!/usr/bin/env bash
# The installed library, used from outside the tree as an embedder would:
# stage `cmake --install` of BUILD_DIR, then build examples/embed_run.cpp
# against it with find_package(sluice) and with pkg-config, each linked to
# libsluice.so and to libsluice.a, and run all four.
#
#   tests/package/run.sh build/release build/package
set -euo pipefail
build=$(realpath "$1")
out=$(realpath -m "$2")
here=$(cd "$(dirname "$0")" && pwd)
program="$here/../../examples/embed_run.cpp"
# What sluice.pc may ask for: the packages the library's code uses, no more.
expected_requires="libuv yaml-cpp zlib libzstd libxxhash libcrypto"
stage="$out/stage"
rm -rf "$out"
mkdir -p "$out"
cmake --install "$build" --prefix "$stage" > /dev/null

fail() { echo "test-package: $*" >&2; exit 1; }

# Runs a consumer: it must succeed and say that both tasks of its pipeline did.
run() {
  local name=${1#"$out"/} output
  output=$("$1") || fail "$name exited $?: $output"
  grep -q "succeeded: 2 succeeded" <<< "$output" || fail "$name printed: $output"
  echo "test-package: $name ok"
}
# Shared consumers load libsluice.so, static ones must not need it at all.
links_shared() {
  local name=${1#"$out"/} want=$2 got
  local libs
  libs=$(ldd "$1")  # not piped into grep -q: ldd's SIGPIPE would fail the pipeline
  if grep -q 'libsluice\.so' <<< "$libs"; then got=yes; else got=no; fi
  [ "$got" = "$want" ] || fail "$name: linked to libsluice.so: $got, expected $want"
}

# find_package(sluice): sluice::sluice and sluice::sluice_static.
cmake -S "$here" -B "$out/cmake" -DCMAKE_PREFIX_PATH="$stage" > /dev/null
cmake --build "$out/cmake" -j "${JOBS:-2}" > /dev/null
links_shared "$out/cmake/consumer_shared" yes
links_shared "$out/cmake/consumer_static" no
run "$out/cmake/consumer_shared"
run "$out/cmake/consumer_static"

# pkg-config: the .pc of the staged tree (it finds its prefix from its own place).
export PKG_CONFIG_PATH="$(dirname "$(find "$stage" -name sluice.pc)")"
requires=$(pkg-config --print-requires-private sluice | xargs)
[ "$requires" = "$expected_requires" ] ||
  fail "sluice.pc requires '$requires', expected '$expected_requires'"
libdir=$(pkg-config --variable=libdir sluice)
cxx=${CXX:-c++}
# shellcheck disable=SC2046
"$cxx" -std=c++20 -o "$out/pc_shared" "$program" $(pkg-config --cflags --libs sluice) \
  -Wl,-rpath,"$libdir"
# The documented way to pick libsluice.a when both are installed.
static_libs=$(pkg-config --static --libs sluice | sed 's/-lsluice\b/-Wl,-Bstatic -lsluice -Wl,-Bdynamic/')
# shellcheck disable=SC2086
"$cxx" -std=c++20 -o "$out/pc_static" "$program" $(pkg-config --cflags sluice) $static_libs
links_shared "$out/pc_shared" yes
links_shared "$out/pc_static" no
run "$out/pc_shared"
run "$out/pc_static"
