#!/usr/bin/env bash
# Installs everything Keel needs from Debian packages, skipping what is already present.
#   scripts/setup.sh           build and test dependencies
#   scripts/setup.sh --peers   also the peer libraries used by tests/reference generators and bench/peers
# It also installs Chromium (for the browser test of the HTML reports) and the npm packages in web/
# (Vega, Vega-Lite, vega-embed, inlined into reports at build time; playwright-core for the test).
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  g++ cmake ninja-build pkg-config ccache
  libeigen3-dev libfmt-dev nlohmann-json3-dev libcli11-dev libtomlplusplus-dev zlib1g-dev
  coinor-libclp-dev coinor-libcbc-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  clang-14 libclang-rt-14-dev libfuzzer-14-dev   # fuzz preset: libFuzzer + ASan/UBSan runtimes (scripts/run-reliability.sh)
  chromium
  python3 python3-dev python3-venv python3-pip python3-setuptools python3-wheel   # the Python package (python/)
  python3-pybind11 python3-numpy python3-pandas python3-pytest
)
peer_packages=(
  python3 python3-numpy python3-pandas python3-scipy python3-sklearn python3-cvxopt python3-statsmodels
  r-base-core r-cran-quadprog r-cran-fgarch r-cran-rglpk
  libopenblas0-serial   # numpy on an optimised single-thread BLAS, for fair bench/peers ratios
)

want=("${packages[@]}")
for arg in "$@"; do
  case "$arg" in
    --peers) want+=("${peer_packages[@]}") ;;
    *) echo "setup.sh: unknown option '$arg' (known: --peers)" >&2; exit 2 ;;
  esac
done

# Node and npm only when no npm is on PATH (a newer Node from elsewhere is kept as it is).
command -v npm >/dev/null 2>&1 || want+=(nodejs npm)

missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#want[@]} packages present"
else
  echo "setup: installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  echo "setup: done"
fi

# web/node_modules from the lock file, when missing or older than package-lock.json. A rebuild
# then re-embeds the bundles (CMake tracks them).
if [ ! -d web/node_modules ] || [ web/package-lock.json -nt web/node_modules ]; then
  echo "setup: npm ci in web/"
  (cd web && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  touch web/node_modules
fi

# The Python package (python/): a virtual environment in .venv that sees Debian's numpy, pandas
# and pytest (--system-site-packages), with keel pip-installed from python/ (its setup.py compiles
# the extension with the project's CMake in build/python; the first build compiles the library
# once, later ones only what changed). Skipped when the installed package is newer than every
# source it is built from.
venv=.venv
stamp=$venv/.keel-installed
if [ ! -x "$venv/bin/python" ]; then
  echo "setup: creating $venv (python3 -m venv --system-site-packages)"
  /usr/bin/python3 -m venv --system-site-packages "$venv"
fi
if [ ! -f "$stamp" ] || [ -n "$(find python/keel python/src python/setup.py python/pyproject.toml \
      python/CMakeLists.txt src include cmake CMakeLists.txt -newer "$stamp" -print -quit)" ]; then
  echo "setup: building and installing the keel Python package into $venv (see build/python)"
  "$venv/bin/python" -m pip install --quiet --no-build-isolation --no-deps --no-index ./python
  touch "$stamp"
fi
