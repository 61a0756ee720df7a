#!/usr/bin/python3
"""Hostile sizes and values for the keel CLI (issue #24 item 5; results in docs/limits.md).

Generates each hostile input in a scratch folder, runs the keel binary on it under
`/usr/bin/time -v` (peak resident memory, wall and CPU time) with an address-space cap
(`prlimit --as`, so that a runaway allocation fails inside keel instead of waking the OOM killer
of a shared machine) and a wall-time cap, and prints one Markdown table row per run: case, command, exit
code, wall time, CPU time (user + system), peak RSS, first line of stderr.

    /usr/bin/python3 scripts/hostile-sizes.py --keel build/ci/apps/keel/keel            # small
    /usr/bin/python3 scripts/hostile-sizes.py --keel build/ci/apps/keel/keel --big      # + big
    /usr/bin/python3 scripts/hostile-sizes.py --keel ... --big-only --only rows-1m     # one case

Exit codes other than 0, 2 and 3 (1 = internal error, 124 = timeout, 137/-9 = killed) are the
findings: the script prints them and ends with status 1 when any case produced one.

The small cases are also CLI tests (tests/cli/cli_hostile_inputs_test.cpp); the big ones (a
2 GB file, a million rows, thousands of assets) take minutes and gigabytes, so they run here only,
by hand, and their measured rows are copied into docs/limits.md.
"""

import argparse
import datetime
import os
import re
import shutil
import subprocess
import sys
import tempfile

import numpy as np

GIB = 1024**3


def write_wide(path, names, prices, start=datetime.datetime(2020, 1, 1), step_minutes=1440):
    """Wide CSV: ISO date (daily) or timestamp column, one column per asset, %.8g prices."""
    step = datetime.timedelta(minutes=step_minutes)
    daily = step_minutes == 1440
    with open(path, "w") as f:
        f.write("date," + ",".join(names) + "\n")
        for i, row in enumerate(prices):
            t = start + i * step
            stamp = t.date().isoformat() if daily else t.strftime("%Y-%m-%dT%H:%M:%SZ")
            f.write(stamp + "," + ",".join(repr(float(x)) for x in row) + "\n")


def random_prices(rows, assets, seed, scale=100.0, vol=0.03):
    rng = np.random.default_rng(seed)
    return scale * np.exp(np.cumsum(rng.normal(0.0005, vol, (rows, assets)), axis=0))


def write_big_wide(path, rows, assets, step_minutes, seed=7, target_bytes=None):
    """A large wide CSV (timestamps as Unix seconds, so that millions of minute rows stay before
    year 9999). For speed, one block of 10,000 rows of a random walk is formatted once and
    written again and again with advancing timestamps (the prices jump back at each block's
    start: a size test, not a market). Stops early when `target_bytes` is reached."""
    rng = np.random.default_rng(seed)
    start = int(datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc).timestamp())
    block = min(10000, rows)
    p = 100.0 * np.exp(np.cumsum(rng.normal(0.0, 0.001, (block, assets)), axis=0))
    cells = ["," + ",".join(f"{x:.6f}" for x in row) + "\n" for row in p]
    written = 0
    done = 0
    with open(path, "w") as f:
        f.write("timestamp," + ",".join(f"A{j}" for j in range(assets)) + "\n")
        while done < rows:
            n = min(block, rows - done)
            stamps = start + (done + np.arange(n)) * step_minutes * 60
            text = "".join(str(int(t)) + c for t, c in zip(stamps, cells[:n]))
            f.write(text)
            written += len(text)
            done += n
            if target_bytes and written >= target_bytes:
                break
    return done


def make_small_cases(folder):
    """(name, [(verb, args)]) for the small hostile inputs."""
    ok = random_prices(200, 3, seed=1)
    names = ["A", "B", "C"]
    p = lambda name: os.path.join(folder, name)  # noqa: E731
    write_wide(p("one-row.csv"), names, ok[:1])
    with open(p("single-column.csv"), "w") as f:
        f.write("date\n" + "".join(f"2020-01-{d:02d}\n" for d in range(1, 21)))
    write_wide(p("one-asset.csv"), ["A"], ok[:, :1])
    write_wide(p("tiny-1e-300.csv"), names, ok * 1e-300)
    write_wide(p("huge-1e300.csv"), names, ok * 1e300)
    mixed = ok.copy()
    mixed[:, 0] *= 1e-300
    mixed[:, 1] *= 1e300
    write_wide(p("mixed-1e-300-1e300.csv"), names, mixed)
    write_wide(p("duplicate-assets.csv"), ["A", "B", "A"], ok)
    with open(p("weights.csv"), "w") as f:
        f.write("asset,weight\nA,0.3\nB,0.3\nC,0.4\n")
    with open(p("holdings.csv"), "w") as f:
        f.write("asset,quantity\nA,1e10\nB,1e10\nC,1\n")
    # Covariance with condition number 1e16: Q diag(1, ..., 1e-16) Q' (annualised).
    rng = np.random.default_rng(3)
    q, _ = np.linalg.qr(rng.normal(size=(5, 5)))
    cov = q @ np.diag([0.1, 0.05, 0.02, 0.01, 0.1e-16]) @ q.T
    cov = (cov + cov.T) / 2
    assets = [f"X{j}" for j in range(5)]
    with open(p("cond-1e16-cov.csv"), "w") as f:
        f.write("," + ",".join(assets) + "\n")
        for i, a in enumerate(assets):
            f.write(a + "," + ",".join(repr(float(v)) for v in cov[i]) + "\n")
    with open(p("cond-1e16-mu.csv"), "w") as f:
        f.write("asset,value\n" + "".join(f"{a},{0.05 + 0.01 * j}\n" for j, a in enumerate(assets)))
    wide10k = random_prices(30, 10000, seed=4)
    write_wide(p("assets-10k-rows-30.csv"), [f"A{j}" for j in range(10000)], wide10k)

    cases = []
    for name in ["one-row", "single-column", "one-asset", "tiny-1e-300", "huge-1e300",
                 "mixed-1e-300-1e300", "duplicate-assets"]:
        f = p(name + ".csv")
        cases.append((name, [("inspect", f"--prices {f}"), ("estimate", f"--prices {f}"),
                             ("optimize", f"--prices {f} --model max-sharpe"),
                             ("risk", f"--prices {f} --weights {p('weights.csv')}")]))
    for name in ["huge-1e300", "tiny-1e-300"]:
        f = p(name + ".csv")
        cases.append((name + " holdings",
                      [("risk", f"--prices {f} --holdings {p('holdings.csv')}")]))
    cov, mu = p("cond-1e16-cov.csv"), p("cond-1e16-mu.csv")
    cases.append(("cond-1e16 covariance",
                  [("optimize", f"--covariance {cov}"),
                   ("optimize", f"--covariance {cov} --expected-returns {mu} --model max-sharpe")]))
    f = p("assets-10k-rows-30.csv")
    cases.append(("10k assets x 30 rows",
                  [("inspect", f"--prices {f}"), ("estimate", f"--prices {f}"),
                   ("optimize", f"--prices {f}"), ("optimize", f"--prices {f} --model hrp")]))
    return cases


def make_big_cases(folder, only=None):
    """Generates only the files of the cases whose key contains `only` (all when None)."""
    p = lambda name: os.path.join(folder, name)  # noqa: E731
    want = lambda key: only is None or only in key  # noqa: E731
    cases = []
    if want("rows-1m"):
        f = p("rows-1m.csv")
        rows = write_big_wide(f, 1_000_000, 5, step_minutes=1)
        cases.append((f"rows-1m: {rows:,} rows x 5 assets (minute bars)",
                      [("inspect", f"--prices {f}"), ("estimate", f"--prices {f}"),
                       ("optimize", f"--prices {f} --model max-sharpe"),
                       ("optimize", f"--prices {f} --model min-cvar"),
                       ("risk", f"--prices {f} --weights {p('weights5.csv')}")]))
        with open(p("weights5.csv"), "w") as out:
            out.write("asset,weight\n" + "".join(f"A{j},0.2\n" for j in range(5)))
    if want("file-2gb"):
        f = p("file-2gb.csv")
        if os.path.exists(f) and os.path.getsize(f) >= 2 * 10**9:  # kept by --folder: reuse
            with open(f, "rb") as text:
                rows = sum(1 for _ in text) - 1
        else:
            rows = write_big_wide(f, 10_000_000, 200, step_minutes=1, target_bytes=2 * 10**9)
        size = os.path.getsize(f)
        cases.append((f"file-2gb: {size / 1e9:.2f} GB, {rows:,} rows x 200 assets",
                      [("inspect", f"--prices {f}"), ("estimate", f"--prices {f}")]))
    for n in (500, 1000, 2000, 3000):
        if not want(f"assets-{n}"):
            continue
        g = p(f"assets-{n}.csv")
        write_wide(g, [f"A{j}" for j in range(n)], random_prices(730, n, seed=n, vol=0.02))
        cases.append((f"assets-{n}: {n} assets x 730 days",
                      [("estimate", f"--prices {g} --cov ledoit-wolf"),
                       ("optimize", f"--prices {g} --cov ledoit-wolf"),
                       ("optimize", f"--prices {g} --cov ledoit-wolf --model max-sharpe")]))
    return cases


TIME_RSS = re.compile(r"Maximum resident set size \(kbytes\): (\d+)")
TIME_USER = re.compile(r"User time \(seconds\): ([\d.]+)")
TIME_SYS = re.compile(r"System time \(seconds\): ([\d.]+)")
TIME_WALL = re.compile(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)")


def wall_seconds(text):
    parts = [float(x) for x in text.split(":")]
    s = 0.0
    for x in parts:
        s = s * 60 + x
    return s


def run(keel, verb, args, folder, cap_bytes, timeout):
    timing = os.path.join(folder, "time.txt")
    out = os.path.join(folder, f"out-{verb}.json")
    command = (f"prlimit --as={cap_bytes} /usr/bin/time -v -o {timing} "
               f"timeout {timeout} {keel} {verb} {args} -o {out} >/dev/null")
    proc = subprocess.run(command, shell=True, stderr=subprocess.PIPE, text=True,
                          errors="replace")
    code = proc.returncode
    with open(timing) as f:
        t = f.read()
    rss = TIME_RSS.search(t)
    wall = TIME_WALL.search(t)
    lines = [ln for ln in proc.stderr.splitlines() if ln.startswith("keel")]
    first = next((ln for ln in lines if "error" in ln), lines[0] if lines else "")
    if os.path.exists(out):
        os.remove(out)
    user, system = TIME_USER.search(t), TIME_SYS.search(t)
    cpu = float(user.group(1)) + float(system.group(1)) if user and system else float("nan")
    return (code, wall_seconds(wall.group(1)) if wall else float("nan"), cpu,
            int(rss.group(1)) / 1024 if rss else float("nan"), first)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--keel", required=True, help="path of the keel binary")
    parser.add_argument("--big", action="store_true", help="also the big cases (minutes, GBs)")
    parser.add_argument("--big-only", action="store_true", help="only the big cases")
    parser.add_argument("--cap-gib", type=float, default=8.0, help="address-space cap (GiB)")
    parser.add_argument("--timeout", type=int, default=900, help="seconds per run")
    parser.add_argument("--only", help="run only cases whose name contains this text")
    parser.add_argument("--folder", help="scratch folder (default: a fresh temporary one)")
    args = parser.parse_args()
    keel = os.path.abspath(args.keel)
    folder = args.folder or tempfile.mkdtemp(prefix="keel-hostile-")
    os.makedirs(folder, exist_ok=True)
    cap = int(args.cap_gib * GIB)
    cases = [] if args.big_only else make_small_cases(folder)
    if args.big or args.big_only:
        cases += make_big_cases(folder, args.only)
    print(f"keel {keel}; cap {args.cap_gib} GiB address space; timeout {args.timeout} s;"
          f" {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC")
    print("| case | command | exit | wall s | CPU s | peak RSS MiB | first message |")
    print("| --- | --- | ---: | ---: | ---: | ---: | --- |")
    bad = 0
    for name, runs in cases:
        if args.only and args.only not in name:
            continue
        for verb, verb_args in runs:
            code, wall, cpu, rss, first = run(keel, verb, verb_args, folder, cap, args.timeout)
            shown = verb_args.replace(folder + "/", "")
            first = first.replace(folder + "/", "").replace("|", "\\|")
            if len(first) > 160:
                first = first[:157] + "..."
            print(f"| {name} | `{verb} {shown}` | {code} | {wall:.2f} | {cpu:.2f} | {rss:.0f} |"
                  f" {first} |",
                  flush=True)
            if code not in (0, 2, 3):
                bad += 1
    if not args.folder:
        shutil.rmtree(folder, ignore_errors=True)
    if bad:
        print(f"{bad} run(s) ended with an exit code other than 0, 2 or 3", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
