#!/usr/bin/env bash
# Sets up, builds the keel binary and runs `keel demo` on the embedded simulated market.
# Arguments are passed to `keel demo` (e.g. --prices FILE --benchmark BTC -o DIR).
#
# It takes the build it finds: the release preset (-O3 -march=native) when build/release exists or
# no build exists yet; otherwise the ci build that scripts/run-tests.sh made, so the two README
# commands share one compile. KEEL_PRESET=release|ci|dev chooses explicitly.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
preset="${KEEL_PRESET:-}"
if [ -z "$preset" ]; then
  preset=release
  if [ ! -f build/release/CMakeCache.txt ]; then
    for p in ci dev; do
      if [ -f "build/$p/CMakeCache.txt" ]; then preset=$p; break; fi
    done
  fi
fi
echo "run-demo: building keel with the '$preset' preset (build/$preset)"
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j "$(nproc)" --target keel_cli
keel="build/$preset/apps/keel/keel"
"$keel" demo "$@"
