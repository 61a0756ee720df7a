#!/usr/bin/env bash
# Sets up, builds (warnings are errors) and runs the whole test suite.
# KEEL_TEST_LABELS narrows it, e.g. KEEL_TEST_LABELS=unit scripts/run-tests.sh
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cmake --preset ci >/dev/null
cmake --build --preset ci -j "$(nproc)"
label_args=()
[ -n "${KEEL_TEST_LABELS:-}" ] && label_args=(-L "$KEEL_TEST_LABELS")
ctest --preset ci -j "$(nproc)" "${label_args[@]}"
