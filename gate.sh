#!/usr/bin/env bash
# The README's two commands. On a fresh Debian 12 machine they install what is missing, configure, build, then
#   ./gate.sh verify [verify args...]   run `verify --all` (or the given verify arguments)
#   ./gate.sh test   [ctest args...]    run every test through ctest
#   ./gate.sh build                     only the set-up and build
# BUILD_DIR (default build) picks the build folder; extra CMake options go in CMAKE_ARGS.
set -euo pipefail
cd "$(dirname "$0")"
mode=${1:-}
[ $# -gt 0 ] && shift
build_dir=${BUILD_DIR:-build}

packages=(cmake g++ make pkg-config libeigen3-dev libhwy-dev catch2 libmpfr-dev nlohmann-json3-dev libbenchmark-dev
          libdnnl-dev libsleef-dev clang python3-numpy python3-torch)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "gate.sh: installing missing Debian packages: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

jobs=$(nproc)
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release ${CMAKE_ARGS:-} >/dev/null
cmake --build "$build_dir" -j "$jobs"

case "$mode" in
  verify)
    if [ $# -eq 0 ]; then set -- --all; fi
    exec "$build_dir/verify/verify" "$@" ;;
  test)
    cd "$build_dir"
    exec ctest --output-on-failure -j "$jobs" "$@" ;;
  build) ;;
  *) echo "usage: ./gate.sh verify|test|build [args...]" >&2; exit 2 ;;
esac
