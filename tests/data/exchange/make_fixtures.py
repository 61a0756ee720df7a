#!/usr/bin/python3
"""Writes the small exchange-export fixtures of tests/data/exchange/ (read by
tests/data/exchange_readers_test.cpp and tests/cli/cli_exchange_test.cpp).

Provenance: hand-written values in the layouts the exchanges document:
- Binance klines (data.binance.vision, "Kline/Candlestick" columns in the Binance spot API docs):
  12 fields, no header: open time, open, high, low, close, volume, close time, quote asset volume,
  number of trades, taker buy base volume, taker buy quote volume, ignore. Spot files carry
  milliseconds before 2025 and microseconds from 2025-01-01 on (Binance announcement, Dec 2024);
  USD-M futures files carry a header line with the same names.
- LEAN trade bars (QuantConnect data-format docs): "YYYYMMDD HH:mm,open,high,low,close,volume",
  no header.
The epoch values below are computed here with Python's datetime (independent of Keel's parser);
the tests compare Keel's timestamps against the same dates written as text.
Run: /usr/bin/python3 tests/data/exchange/make_fixtures.py
"""
from datetime import datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
UTC = timezone.utc


def epoch_s(y, m, d, h=0):
    return int(datetime(y, m, d, h, tzinfo=UTC).timestamp())


def kline_rows(start, step_s, closes, unit, volume=2.0):
    """Binance kline rows; quote volume = volume * close (a stand-in, exact in binary for these)."""
    rows = []
    for i, close in enumerate(closes):
        t = start + i * step_s
        rows.append(",".join(str(x) for x in [
            t * unit, close - 1, close + 2, close - 2, close, volume, (t + step_s) * unit - 1,
            volume * close, 100 + i, volume / 2, volume * close / 2, 0]))
    return rows


def write(name, lines, crlf=False):
    end = "\r\n" if crlf else "\n"
    (HERE / name).write_text(end.join(lines) + end)


DAY = 86400
# Binance spot, daily, milliseconds (2024), no header.
write("BTCUSDT-1d-2024-01.csv", kline_rows(epoch_s(2024, 1, 1), DAY, [42000.5, 42500.0, 43000.25, 42800.0], 1000))
# The same pair's next month from 2025 on: microseconds (spot files since 2025-01-01).
write("BTCUSDT-1d-2025-01.csv", kline_rows(epoch_s(2025, 1, 1), DAY, [94000.0, 94500.5, 96000.0], 1000000))
# A second pair for the merge, starting one day later, CRLF line endings.
write("ETHUSDT-1d-2024-01.csv", kline_rows(epoch_s(2024, 1, 2), DAY, [2300.0, 2350.5, 2400.0, 2380.0], 1000), crlf=True)
# Futures (USD-M) klines with a header line, hourly, milliseconds.
futures = ["open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,"
           "taker_buy_quote_volume,ignore"] + kline_rows(epoch_s(2025, 1, 1), 3600, [3300.0, 3310.0, 3305.5], 1000, 10.0)
write("ETHUSDT-1h-2025-01.csv", futures)
# Generic OHLCV, no header, Unix seconds, newest first.
rows = [f"{epoch_s(2024, 1, 1) + i * DAY},{c - 1},{c + 1},{c - 2},{c},{v}"
        for i, (c, v) in enumerate([(100.0, 10.0), (104.0, 20.0), (102.0, 5.0)])]
write("SOL-USD_1d.csv", list(reversed(rows)))
# Generic OHLCV with a header in mixed case, ISO dates, quote volume named volume.
write("ADA-EUR.csv", ["Timestamp,Open,High,Low,Close,Volume",
                      "2024-01-01,0.5,0.6,0.4,0.55,1000",
                      "2024-01-02,0.55,0.6,0.5,0.58,1500",
                      "2024-01-03,0.58,0.7,0.55,0.65,"])
# LEAN trade bars: "YYYYMMDD HH:mm", 5 fields (no volume), no header.
write("xrpusdt_trade.csv", ["20240101 00:00,0.60,0.62,0.59,0.61",
                            "20240102 00:00,0.61,0.63,0.60,0.62",
                            "20240103 00:00,0.62,0.64,0.61,0.63"])
# A wide file whose header names exchange pairs, to overlap with the BTC klines.
write("wide_pairs.csv", ["date,BTC-USD,ETH/USDT", "2024-01-01,42010,2290", "2024-01-02,42490,2301",
                         "2024-01-03,43010,2351"])
# An hourly BTC file, to refuse merging it with the daily ETH file.
write("BNBUSDT-1h-2024-01.csv", kline_rows(epoch_s(2024, 1, 1), 3600, [310.0, 311.0, 312.0], 1000))
# Daily bars opened at 08:00 instead of 00:00: same frequency, grid not aligned with ETH's.
write("XRPUSDT-1d-2024-01.csv", kline_rows(epoch_s(2024, 1, 1, 8), DAY, [0.61, 0.62, 0.63], 1000))
# Bad inputs: a non-numeric close on line 3; a headerless file of 7 fields; an unreadable time.
bad = kline_rows(epoch_s(2024, 1, 1), DAY, [1.0, 2.0, 3.0], 1000)
bad[2] = bad[2].split(",")
bad[2][4] = "abc"
bad[2] = ",".join(bad[2])
# They live in the bad-input corpus (tests/data/bad_inputs/, listed in its expected.tsv), whose
# tests expect exit code 2 and a message naming the file and line.
write("../bad_inputs/kline_non_numeric_close.csv", bad)
write("../bad_inputs/kline_seven_fields.csv", ["1704067200000,1,2,0.5,1.5,10,3"])
write("../bad_inputs/kline_bad_time.csv", ["1704067200000,1,2,0.5,1.5,10", "2024-13-45,1,2,0.5,1.5,10"])
