#!/usr/bin/env bash
# Sets up, builds (warnings are errors) and runs the whole test suite.
# KEEL_TEST_LABELS narrows it, e.g. KEEL_TEST_LABELS=unit scripts/run-tests.sh; the Python
# package's pytest suite (python/tests, against the package installed in .venv by setup.sh) runs
# with every label set that includes "python", and when no labels are given. The reliability stages
# (scripts/run-reliability.sh: unit tests under ASan+UBSan, the threaded parts under TSan, the
# fuzz targets for a fixed time; docs/reliability.md) run last when the label set includes
# "reliability" (KEEL_TEST_LABELS=reliability scripts/run-tests.sh). They join the default run, and
# so CI, once a whole run from a fresh clone has been timed within CI's 45 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
# Four builds share the compiler cache (ci, asan, tsan, fuzz): room for all of them.
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-20G}
scripts/setup.sh
cmake --preset ci >/dev/null
cmake --build --preset ci -j "$(nproc)"
label_args=()
[ -n "${KEEL_TEST_LABELS:-}" ] && label_args=(-L "$KEEL_TEST_LABELS")
ctest --preset ci -j "$(nproc)" "${label_args[@]}"
if [ -z "${KEEL_TEST_LABELS:-}" ] || [[ "$KEEL_TEST_LABELS" == *python* ]]; then
  KEEL_CLI="$PWD/build/ci/apps/keel/keel" .venv/bin/python -m pytest -q python/tests
fi
if [[ "${KEEL_TEST_LABELS:-}" == *reliability* ]]; then
  scripts/run-reliability.sh
fi
