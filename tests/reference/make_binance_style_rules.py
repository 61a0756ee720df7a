#!/usr/bin/python3
"""Exchange rules for the 100 largest coins of ../shared/data/crypto_cmc_top120, Binance style.

Writes tests/data/allocate/binance_style_rules.csv (symbol,lot_size,min_quantity,min_notional),
the metadata the 100-asset allocation test (tests/optimize/allocation_reference_test.cpp) uses
with that folder's last prices (2024-02-02) and market caps. Only rules derived from the prices are
written, not the prices.

The rules follow the pattern of Binance's spot filters for USDT pairs (the project cannot fetch
the exchange's live table, which changes anyway):
  - LOT_SIZE stepSize: a power of ten, coarser for cheaper coins. Here: the power of ten that
    makes one step worth 0.1 to 1 USDT at the last price, capped to [1e-8, 1] coins (BTC at 43k
    gets 0.00001 as on Binance, ETH at 2.3k 0.0001, BNB at 300 0.001, XRP at 0.5 1 coin, SHIB
    1 coin);
  - LOT_SIZE minQty: one step;
  - NOTIONAL minNotional: 5 USDT (Binance's minimum for USDT spot pairs since 2023), 10 USDT for
    every seventh coin in market-cap order (the older filter some pairs kept).
Coins without a price on the last date are skipped; the first 100 with one are kept.

Run:  /usr/bin/python3 tests/reference/make_binance_style_rules.py [path/to/prices_close_usd.csv]
"""
import math
import os
import sys

import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT = os.path.join(HERE, "..", "..", "..", "shared", "data", "crypto_cmc_top120",
                       "prices_close_usd.csv")


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else DEFAULT
    last = pd.read_csv(path, index_col="date").iloc[-1].dropna()
    rows = []
    for k, (symbol, price) in enumerate(list(last.items())[:100]):
        lot = min(1.0, max(1e-8, 10.0 ** math.floor(math.log10(1.0 / price))))
        min_notional = 10 if k % 7 == 0 else 5
        rows.append(f"{symbol},{lot:.8g},{lot:.8g},{min_notional}")
    out_dir = os.path.join(HERE, "..", "data", "allocate")
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "binance_style_rules.csv"), "w") as f:
        f.write("# Binance-style exchange rules; written by tests/reference/make_binance_style_rules.py\n")
        f.write("symbol,lot_size,min_quantity,min_notional\n")
        f.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
