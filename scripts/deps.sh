#!/usr/bin/env bash
# Installs the Debian packages sluice needs, only those that are missing.
# As root it runs apt-get (with one `apt-get update` first, only when
# something is missing); otherwise it prints the exact command to run.
set -euo pipefail

# Only what the build uses (CMakeLists.txt): add a package with the code
# that first includes it.
packages=(
  cmake g++ make pkg-config
  libuv1-dev libyaml-cpp-dev libcli11-dev nlohmann-json3-dev
  libgtest-dev libgmock-dev
  # The file actions (actions/): gzip, zstd, xxh3, sha256 (libcrypto).
  zlib1g-dev libzstd-dev libxxhash-dev libssl-dev
  # The tools the file-action tests check their output with (xxhsum -c, zstd -dc).
  xxhash zstd
  python3-jsonschema python3-yaml  # tests/schema: the corpus through the schema
)
# Extra sets, asked for by name: `deps.sh fuzz`, `deps.sh bench`.
for extra in "$@"; do
  case "$extra" in
    fuzz) packages+=(clang libclang-rt-14-dev) ;;
    bench) packages+=(hyperfine ninja-build make parallel time python3 gcc libc6-dev) ;;
    *) echo "deps.sh: unknown set '$extra' (known: fuzz, bench)" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "sluice needs these Debian packages, which are not installed:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
