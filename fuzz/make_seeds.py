#!/usr/bin/python3
"""Writes the seed corpora of the fuzz targets into fuzz/corpus/<target>/ (docs/reliability.md).

usage: fuzz/make_seeds.py [SHARED_DATA_DIR]   (default: ../shared/data beside the repository)

Sources, each seed truncated to its first lines / 4 KiB (libFuzzer's -max_len in
scripts/run-reliability.sh):
- tests/data/bad_inputs/*           every bad price file of the reader tests, as is;
- SHARED_DATA_DIR/**/*.csv[.gz]     the first 30 lines of each shared data file (headers and a few
                                    rows of every real layout: wide, long, CryptoDataDownload,
                                    Bitstamp, CoinMarketCap, the PyPortfolioOpt covariance);
- docs/*.md toml blocks with file=  the book, strategies, views and shocks examples of the docs;
- tests/cli/*.cpp raw strings       the TOML and CSV snippets of the CLI tests;
- the timestamp formats listed in include/keel/data/read_prices.hpp.
Targets whose input starts with a mode byte (see each fuzz/*.cpp) get one seed per useful mode.
Crash regressions live in fuzz/corpus/<target>/regression-* and are never rewritten here.
"""
import glob
import gzip
import hashlib
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "data")
OUT = os.path.join(ROOT, "fuzz", "corpus")
MAX = 4096


def head(data: bytes, lines: int = 30) -> bytes:
    return b"".join(data.splitlines(keepends=True)[:lines])[:MAX]


def put(target: str, data: bytes) -> None:
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    name = "seed-" + hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(d, name), "wb") as f:
        f.write(data[: MAX + 1])


def clean() -> None:
    for path in glob.glob(os.path.join(OUT, "*", "seed-*")):
        os.remove(path)


def read(path: str) -> bytes:
    with open(path, "rb") as f:
        data = f.read()
    return gzip.decompress(data) if path.endswith(".gz") and data[:2] == b"\x1f\x8b" else data


def main() -> None:
    clean()
    # Price text (fuzz_read_prices, in memory): mode byte 0 (defaults), 4 (sort) or 16 (raw
    # symbols kept). The file layer
    # (fuzz_read_file): mode 0 (written as is), 1 (deflated by the target), 2 (raw bytes under a
    # .gz name).
    for path in sorted(glob.glob(os.path.join(ROOT, "tests", "data", "bad_inputs", "*"))):
        if path.endswith((".csv", ".gz")):
            with open(path, "rb") as f:
                raw = f.read()
            if path.endswith(".gz"):
                put("fuzz_read_file", bytes([2]) + raw[:MAX])
            else:
                put("fuzz_read_prices", bytes([0]) + raw[:MAX])
                put("fuzz_read_file", bytes([0]) + raw[:MAX])
    shared = sorted(glob.glob(os.path.join(SHARED, "**", "*.csv*"), recursive=True))
    for path in shared:
        text = head(read(path))
        put("fuzz_read_prices", bytes([0]) + text)
        put("fuzz_read_prices", bytes([4]) + text)
        put("fuzz_read_file", bytes([1]) + head(text, 8))
        put("fuzz_read_file", bytes([2]) + gzip.compress(head(text, 8), mtime=0))
        put("fuzz_labeled_csv", bytes([2]) + head(text, 8))
        if "metadata" in path or "meta" in os.path.basename(path):
            put("fuzz_metadata", text)
        if "cov" in os.path.basename(path):
            put("fuzz_labeled_csv", bytes([0]) + text)
            put("fuzz_labeled_csv", bytes([1]) + text)
    # Exchange exports (docs/inputs.md): Binance klines in ms and µs and both in one file,
    # headerless 6- and 5-field bars, a headed OHLCV file, pair names that normalise to one base
    # (mode 0: an error; mode 16: raw symbols kept) and a long file with pair symbols.
    kline_ms = b"1704067200000,1,2,0.5,1.5,10,1704153599999,15,3,5,7.5,0\n"
    kline_us = b"1704153600000000,1.5,2,1,1.8,12,1704239999999999,20,4,6,9,0\n"
    exchange = [kline_ms + b"1704153600000,1.5,2,1,1.8,12,1704239999999,20,4,6,9,0\n",
                kline_us, kline_ms + kline_us,
                b"1704067200,1,2,0.5,1.5,10\n1704153600,1.5,2,1,1.8,12\n",
                b"20240101 00:00,1,2,0.5,1.5\n20240102 00:00,1.5,2,1,1.8\n",
                b"Timestamp,Open,High,Low,Close,Volume\n2024-01-01,1,2,0.5,1.5,10\n"
                b"2024-01-02,1.5,2,1,1.8,12\n",
                b"date,BTCUSDT,BTCEUR\n2024-01-01,42000,39000\n2024-01-02,43000,39500\n",
                b"date,symbol,close\n2024-01-01,BTC/USDT,42000\n2024-01-01,ETHBTC,0.05\n"
                b"2024-01-02,BTC/USDT,43000\n2024-01-02,ETHBTC,0.051\n"]
    for text in exchange:
        put("fuzz_read_prices", bytes([0]) + text)
        put("fuzz_read_prices", bytes([16]) + text)
    # Timestamps: the formats of read_prices.hpp, and the first cells of the shared files.
    stamps = [b"2024-01-02", b"2024-01-02 13:00:00", b"2024-01-02T13:00:00Z",
              b"2024-01-02T13:00:00+05:30", b"2024/01/02", b"20240102", b"20240102 13:00",
              b"2017-09-22 08-PM", b"1502942400.0", b"1623283200000", b"1623283200000000",
              b"1623283200000000000", b"1969-12-31T23:59:59Z"]
    for s in stamps:
        put("fuzz_timestamp", s)
    for path in shared[:20]:
        lines = read(path).splitlines()[1:3]
        for line in lines:
            put("fuzz_timestamp", line.split(b",")[0][:64])
    # Metadata and labelled vectors: the simulator's metadata layout and weight files.
    put("fuzz_metadata", b"symbol,sector,chain,protocol,is_stablecoin,lot_size,min_notional,"
                         b"market_cap,min_quantity,custody\nBTC,L1,bitcoin,,false,0.00001,5,"
                         b"1e12,0,cold\nUSDT,stable,ethereum,tether,true,1,5,1e11,,hot\n")
    for path in sorted(glob.glob(os.path.join(ROOT, "tests", "data", "allocate", "*.csv"))):
        put("fuzz_metadata", head(read(path)))
    put("fuzz_labeled_csv", b"\x02asset,weight\nBTC,0.6\nETH,0.4\n")
    put("fuzz_labeled_csv", b"\x03BTC,0.6\nETH,0.4\n")
    put("fuzz_labeled_csv", b"\x01,A,B\nA,0.04,0.01\nB,0.01,0.09\n")
    # CLI inputs: scenario byte (fuzz/fuzz_cli_inputs.cpp) + file; positions books (scenario 10)
    # and hedges files (11) from docs/positions.md and tests/cli/cli_positions*_test.cpp. Seeds with '/' are useless
    # there (skipped), so slashes in comments are dropped.
    def cli(scenario: int, text: bytes) -> None:
        text = b"\n".join(l for l in text.splitlines() if b"/" not in l) + b"\n"
        put("fuzz_cli_inputs", bytes([scenario]) + text[:MAX])

    for md in sorted(glob.glob(os.path.join(ROOT, "docs", "*.md"))):
        src = open(md, "rb").read()
        for m in re.finditer(rb"```toml file=(\S+)\n(.*?)```", src, re.S):
            name, body = m.group(1), m.group(2)
            if b"[[strategy]]" in body or b"[[benchmark]]" in body:
                cli(2, body)
            elif b"[[views]]" in body:
                cli(3, body)
            elif b"[[scenario]]" in body:
                cli(4, body)
                cli(5, body)
            elif b"[[position]]" in body:
                cli(10, body)
            elif b"[[candidate]]" in body:
                cli(11, body)
            else:
                cli(0, body)
                cli(1, body)
    for test in sorted(glob.glob(os.path.join(ROOT, "tests", "cli", "*.cpp"))):
        src = open(test, "rb").read()
        for m in re.finditer(rb'R"\((.*?)\)"', src, re.S):
            body = m.group(1)
            if b"[[strategy]]" in body or b"[[benchmark]]" in body:
                cli(2, body)
            elif b"[[views]]" in body:
                cli(3, body)
            elif b"[[scenario]]" in body:
                cli(4, body)
            elif b"[[position]]" in body:
                cli(10, body)
            elif b"[[candidate]]" in body:
                cli(11, body)
            elif b"=" in body and b"[" in body:
                cli(0, body)
    # Position kinds and keys the examples above do not use (docs/positions.md's key table).
    cli(10, b'quote = "USD"\n[[position]]\nname = "cp"\nkind = "amm_lp"\n'
            b'pool = "constant-product"\ntokens = ["KBT", "ETR"]\nliquidity = 10\n'
            b'[[position]]\nname = "ss"\nkind = "amm_lp"\npool = "stableswap"\n'
            b'tokens = ["KBT", "USD"]\namplification = 100\nliquidity = 5\n'
            b'[[position]]\nname = "p"\nkind = "perp"\nunderlying = "ETR"\n'
            b'contract = "linear"\ncontracts = 3\nentry_price = 10\nmargin = 50\n'
            b'margin_mode = "cross"\nfunding_interval_hours = 1\ncurrency = "USD"\n'
            b'[[position]]\nname = "c"\nkind = "option"\nunderlying = "KBT"\ntype = "call"\n'
            b'strike = 1\nexpiry = "2030-01-01T12:00:00Z"\nimplied_vol = 0.5\nquantity = -2\n'
            b'rate = 0.01\n')
    cli(11, b'objective = "variance"\nalpha = 0.9\nvega = [-1, 1]\n[[candidate]]\n'
            b'name = "o"\nkind = "option"\nunderlying = "KBT"\ntype = "call"\nstrike = 1\n'
            b'expiry = "2030-01-01"\nimplied_vol = 0.5\nfee_bps = 1\n')
    cli(6, b"asset,weight\nA,0.5\nB,0.5\n")
    cli(7, b'{"weights": {"A": 0.5, "B": 0.5}}')
    cli(8, b"asset,quantity\nA,1.5\nB,10\n")
    cli(9, b"asset,quantity\nA,1.5\nB,10\n")
    for t in sorted(os.listdir(OUT)):
        print(f"{t}: {len(os.listdir(os.path.join(OUT, t)))} files")


if __name__ == "__main__":
    main()
