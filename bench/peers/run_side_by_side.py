#!/usr/bin/python3
"""One-command side by side: Keel as a user gets it against cvxopt on the same problems.

    /usr/bin/python3 bench/peers/run_side_by_side.py [--keel build/release/apps/keel/keel]
        [--sizes 100,500,1000] [--periods 1500] [--repeats 5] [--workdir DIR]

Books (prices of T = 1500 days, simulated here with a fixed numpy seed per book and size):
  * sparse: crypto-like, a dominant market factor and idiosyncratic volatilities spread over a
    decade (lognormal), so long-only min variance holds a few assets (≈ 10 of 500);
  * dense:  similar volatilities and a weak market factor, so min variance holds hundreds;
  * capped: the sparse book with a 5% cap on every weight (--max-weight 0.05), which then binds
    on most assets held (max Sharpe holds 20 or more instead of a handful).
Problems: long-only fully invested min variance and max Sharpe (risk-free 0.02) on each book.

For each problem the script
  1. writes the price CSV and runs `keel estimate --format csv` once, so that cvxopt solves
     exactly the Σ and μ that Keel estimates from those prices;
  2. runs one fresh `keel optimize --prices ... --format json` process per repeat and records
     `diagnostics.solve_ms` (the CLI first call: what a user gets) and the whole-process wall
     time (parse, estimate, solve, output); the minimum over repeats is reported (the machine is
     shared; the minimum is the least disturbed run);
  3. times Keel in-process warm: bench/side_by_side_benchmark (release build, beside the keel
     binary's build tree) repeats the same model calls on the same Σ, μ inside one process;
     "–" when it is not built;
  4. times cvxopt.solvers.qp on the same Σ, μ (min variance: min wᵀΣw s.t. 1ᵀw = 1, 0 ≤ w ≤ cap;
     max Sharpe: the homogenised min yᵀΣy s.t. (μ − rf)ᵀy = 1, y ≥ 0, y_i ≤ cap·1ᵀy, w = y/1ᵀy)
     in a child process with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset and
     OPENBLAS_NUM_THREADS=1 (the machine's overrides are for Keel's build, not the peers'), best
     of the repeats, and checks the objective (variance, or Sharpe ratio) against Keel's.

Prints a Markdown table: cvxopt ms, Keel CLI solve_ms, Keel whole-process wall ms, ratios, and
the relative objective difference.
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

import numpy as np

PEER = r"""
import json, sys, time
import numpy as np
from cvxopt import matrix, solvers, spmatrix
solvers.options.update(dict(show_progress=False, abstol=1e-10, reltol=1e-10, feastol=1e-10))

def read_cov(path):
    with open(path) as f:
        lines = [l for l in f if not l.startswith('#')]
    names = lines[0].strip().split(',')[1:]
    return names, np.array([[float(v) for v in l.strip().split(',')[1:]] for l in lines[1:]])

def read_mu(path, names):
    vals = {}
    with open(path) as f:
        for l in f:
            if l.startswith('#'): continue
            k, v = l.strip().split(',')[:2]
            try: vals[k] = float(v)
            except ValueError: pass
    return np.array([vals[k] for k in names])

cfg = json.loads(sys.argv[1])
names, sigma = read_cov(cfg['cov'])
mu = read_mu(cfg['mu'], names)
n = len(names)
cap = cfg['cap']
rf = cfg['rf']
P = matrix(sigma)
times, cpu = [], []
for _ in range(cfg['repeats']):
    t0, c0 = time.perf_counter(), time.process_time()
    if cfg['model'] == 'min-variance':
        G = np.vstack([-np.eye(n), np.eye(n)]) if cap < 1 else -np.eye(n)
        h = np.concatenate([np.zeros(n), cap * np.ones(n)]) if cap < 1 else np.zeros(n)
        sol = solvers.qp(P, matrix(np.zeros(n)), matrix(G), matrix(h),
                         matrix(np.ones((1, n))), matrix(1.0))
        w = np.array(sol['x']).ravel()
    else:
        G = -np.eye(n)
        h = np.zeros(n)
        if cap < 1:
            G = np.vstack([G, np.eye(n) - cap * np.ones((n, n))])
            h = np.concatenate([h, np.zeros(n)])
        sol = solvers.qp(P, matrix(np.zeros(n)), matrix(G), matrix(h),
                         matrix((mu - rf).reshape(1, n)), matrix(1.0))
        y = np.array(sol['x']).ravel()
        w = y / y.sum()
    times.append(1e3 * (time.perf_counter() - t0))
    cpu.append(1e3 * (time.process_time() - c0))
var = float(w @ sigma @ w)
print(json.dumps(dict(ms=min(times), cpu_ms=min(cpu), variance=var, sharpe=float((mu @ w - rf) / np.sqrt(var)),
                      held=int((w > 1e-6).sum()), status=sol['status'])))
"""


def make_prices(kind, n, periods, path):
    seed = {"sparse": 1, "dense": 2, "capped": 1}[kind] * 100003 + n
    rng = np.random.default_rng(seed)
    if kind in ("sparse", "capped"):
        beta = 0.6 + 0.8 * rng.random(n)
        market = 0.035 * rng.normal(size=periods)
        idio_vol = 0.01 * np.exp(1.2 * rng.normal(size=n))
        drift = 0.0005 + 0.001 * rng.normal(size=n)
    else:
        beta = 0.2 + 0.2 * rng.random(n)
        market = 0.01 * rng.normal(size=periods)
        idio_vol = 0.02 * (1.0 + 0.1 * rng.random(n))
        drift = 0.0001 + 0.0002 * np.abs(rng.normal(size=n))
    returns = np.outer(market, beta) + rng.normal(size=(periods, n)) * idio_vol + drift
    prices = 100.0 * np.exp(np.cumsum(np.log1p(np.clip(returns, -0.9, None)), axis=0))
    start = np.datetime64("2020-01-01")
    with open(path, "w") as f:
        f.write("date," + ",".join(f"A{i}" for i in range(n)) + "\n")
        for t in range(periods):
            f.write(str(start + t) + "," + ",".join(f"{p:.8g}" for p in prices[t]) + "\n")


def run_keel(keel, args):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    out = subprocess.run([keel] + args, capture_output=True, text=True)
    wall = 1e3 * (time.perf_counter() - t0)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = 1e3 * (after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    if out.returncode not in (0,):
        raise RuntimeError(f"keel {' '.join(args)} failed ({out.returncode}): {out.stderr}")
    return wall, cpu, out.stdout


def peer_env():
    env = dict(os.environ)
    env.pop("OPENBLAS_CORETYPE", None)
    env.pop("OPENBLAS_L2_SIZE", None)
    env["OPENBLAS_NUM_THREADS"] = "1"
    env["OMP_NUM_THREADS"] = "1"
    return env


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--keel", default="build/release/apps/keel/keel")
    ap.add_argument("--sizes", default="100,500,1000")
    ap.add_argument("--periods", type=int, default=1500)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--workdir", default=None)
    a = ap.parse_args()
    keel = os.path.abspath(a.keel)
    work = a.workdir or tempfile.mkdtemp(prefix="keel_side_")
    os.makedirs(work, exist_ok=True)
    sizes = [int(s) for s in a.sizes.split(",")]
    rf = 0.02
    rows = []
    print(f"# {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load {os.getloadavg()}",
          file=sys.stderr)
    for kind in ("sparse", "dense", "capped"):
        cap = 0.05 if kind == "capped" else 1.0
        for n in sizes:
            prices = os.path.join(work, f"{kind}_{n}.csv")
            if not os.path.exists(prices):
                make_prices(kind, n, a.periods, prices)
            est = os.path.join(work, f"{kind}_{n}_est")
            run_keel(keel, ["estimate", "--prices", prices, "--format", "csv", "-o", est])
            for model in ("min-variance", "max-sharpe"):
                cli = ["optimize", "--prices", prices, "--model", model, "--risk-free", str(rf),
                       "--format", "json"]
                if cap < 1:
                    cli += ["--max-weight", str(cap)]
                solve, wall, cpu, doc = [], [], [], None
                for _ in range(a.repeats):
                    w, c, out = run_keel(keel, cli)
                    doc = json.loads(out)
                    solve.append(doc["diagnostics"]["solve_ms"])
                    wall.append(w)
                    cpu.append(c)
                cfg = dict(cov=os.path.join(est, "cov.csv"), mu=os.path.join(est, "mu.csv"),
                           cap=cap, rf=rf, model=model, repeats=max(1, min(a.repeats, 3)))
                peer = subprocess.run([sys.executable, "-c", PEER, json.dumps(cfg)],
                                      capture_output=True, text=True, env=peer_env())
                if peer.returncode != 0:
                    raise RuntimeError(peer.stderr)
                p = json.loads(peer.stdout)
                perf = doc.get("performance", {})
                if model == "min-variance":
                    keel_obj = perf.get("volatility", float("nan")) ** 2
                    diff = (keel_obj - p["variance"]) / p["variance"]
                else:
                    keel_obj = perf.get("sharpe_ratio", perf.get("sharpe", float("nan")))
                    diff = (p["sharpe"] - keel_obj) / abs(p["sharpe"])
                held = sum(1 for v in doc.get("weights", {}).values() if v > 1e-6) \
                    if isinstance(doc.get("weights"), dict) else "?"
                rows.append((kind, model, n, p["ms"], p["cpu_ms"], min(solve), min(wall), min(cpu),
                             held, p["held"], diff, doc["diagnostics"].get("solver", "?")))
                r = rows[-1]
                print(f"{kind:6s} {model:12s} n={n:4d}: cvxopt {r[3]:8.2f} ms ({r[4]:.2f} CPU)  "
                      f"keel CLI solve {r[5]:7.2f} ms  process {r[6]:7.1f} ms ({r[7]:.1f} CPU)  "
                      f"ratio {r[3] / r[5]:6.1f}x  held {r[8]}/{r[9]}  obj diff {r[10]:+.1e}  "
                      f"[{r[11]}]", file=sys.stderr)
    warm = {}
    bench = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(keel))), "bench",
                         "side_by_side_benchmark")
    if os.path.exists(bench):
        env = dict(os.environ, KEEL_SIDE_BY_SIDE_DIR=work)
        out = subprocess.run([bench, "--benchmark_format=json", "--benchmark_min_time=0.2"],
                             capture_output=True, text=True, env=env)
        if out.returncode == 0:
            for b in json.loads(out.stdout)["benchmarks"]:
                warm[b["name"]] = (b["real_time"], b["cpu_time"])  # ms (the benchmarks' unit)
    print("| book | model | n | cvxopt ms (CPU) | Keel CLI solve_ms | Keel warm ms (CPU) | "
          "Keel process ms (CPU) | cvxopt / Keel CLI | held (Keel / cvxopt) | "
          "objective, Keel vs cvxopt (rel.) | Keel solver |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for kind, model, n, pm, pc, ks, kw, kc, kh, ph, diff, solver in rows:
        wm = warm.get(f"{kind}_{n}/{model}")
        wm = f"{wm[0]:.2f} ({wm[1]:.2f})" if wm is not None else "–"
        print(f"| {kind} | {model} | {n} | {pm:.1f} ({pc:.1f}) | {ks:.2f} | {wm} | {kw:.0f} "
              f"({kc:.0f}) | {pm / ks:.1f}× | {kh} / {ph} | {diff:+.1e} | {solver} |")

if __name__ == "__main__":
    main()
