#!/usr/bin/env bash
# The real-browser test of the HTML reports (ctest label `browser`): generates one report of each
# kind with the built keel on a simulated market, then opens them in headless Chromium
# (tests/browser/check_reports.mjs): no console errors, every chart drawn with marks, a screenshot
# of each under OUT_DIR. Exits 77 (skipped) only when Chromium or web/node_modules is missing.
#
# usage: tests/browser/run_browser_test.sh KEEL_BINARY OUT_DIR
set -euo pipefail
keel="$1"
out="$2"
root="$(cd "$(dirname "$0")/../.." && pwd)"

if [ ! -x /usr/bin/chromium ]; then
  echo "SKIP: /usr/bin/chromium is not installed; run scripts/setup.sh (Debian package chromium)"
  exit 77
fi
if [ ! -d "$root/web/node_modules/playwright-core" ] || ! command -v node >/dev/null 2>&1; then
  echo "SKIP: node or web/node_modules (playwright-core) is missing; run scripts/setup.sh"
  exit 77
fi

rm -rf "$out"
mkdir -p "$out"
cd "$out"
run() {
  echo "+ keel $*"
  "$keel" "$@" >/dev/null
}

# A simulated market with late listings, a stablecoin and liquidity columns.
run simulate --assets 24 --days 1200 --seed 17 -o prices.csv
data=(--prices prices.csv --missing drop-assets:0.5)

# One report of each kind.
run optimize "${data[@]}" --model hrp --metadata prices_metadata.csv -o hrp.json --report optimize-hrp.html
run optimize "${data[@]}" --model max-sharpe --max-weight 0.3 --metadata prices_metadata.csv -o max-sharpe.json \
  --report optimize-max-sharpe.html
run frontier "${data[@]}" --points 25 --report frontier.html
run risk --prices prices_market.csv --missing drop-assets:0.5 --weights max-sharpe.json \
  --portfolio-value 1e7 --report risk.html
cat > shocks.toml <<'TOML'
[[scenario]]
name = "broad crash"
[[scenario.shock]]
all = true
return = -0.4
[[scenario.shock]]
group = "stablecoin"
return = -0.05
TOML
run stress --prices prices_market.csv --missing drop-assets:0.5 --weights max-sharpe.json \
  --shocks shocks.toml --metadata prices_metadata.csv --portfolio-value 1e7 --report stress.html
cat > strategies.toml <<'TOML'
window = 180
rebalance = "weekly"
[trading]
fee_bps = 10
[[strategy]]
name = "max-sharpe"
model = "max-sharpe"
max_weight = 0.3
[[strategy]]
name = "hrp"
model = "hrp"
[[benchmark]]
name = "equal-weight"
model = "equal-weight"
rebalance = "monthly"
TOML
run backtest --prices prices.csv --config strategies.toml --metadata prices_metadata.csv --group-tag sector \
  --quiet --report backtest.html
run demo --sim-assets 20 --days 900 --output-dir demo
cp demo/report.html demo.html

# The positions and hedge reports on the book of docs/positions.md (an LP range, an inverse perp,
# an inverse put and spot) over its simulated market; the TOML blocks are read from the page.
run simulate --assets 6 --days 730 --seed 7 -o positions_prices.csv
/usr/bin/python3 - "$root/docs/positions.md" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
for name in ("book.toml", "hedges.toml"):
    block = re.search(r"```toml file=" + re.escape(name) + r"\n(.*?)```", text, re.S)
    if block is None:
        sys.exit(f"docs/positions.md has no ```toml file={name} block")
    open(name, "w").write(block.group(1))
PY
run positions --book book.toml --prices positions_prices.csv --report positions.html
run hedge --book book.toml --hedges hedges.toml --prices positions_prices.csv --report hedge.html

node "$root/tests/browser/check_reports.mjs" --screenshots "$out/screenshots" ./*.html
