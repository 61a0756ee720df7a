#!/usr/bin/env bash
# Sets up, builds the release binary and runs `keel demo` on the embedded simulated market.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" --target keel_cli
./build/release/keel demo "$@"
