"""The functional API beyond one portfolio: frontier, stress, backtest and HTML reports."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd

from . import _api, _frames, _keel

CancelToken = _keel.CancelToken


def _stamp_to_seconds(value, what):
    if value is None:
        return 0
    ts = pd.Timestamp(value)
    if ts.tzinfo is not None:
        ts = ts.tz_convert("UTC").tz_localize(None)
    seconds = int(ts.value // 1_000_000_000)
    if seconds == 0:
        raise ValueError(f"{what}: {value!r} is the epoch, which the library reads as 'not given'")
    return seconds


# ---- frontier -------------------------------------------------------------------------------------

class Frontier:
    """The efficient frontier: ``points`` (DataFrame, one row per portfolio in increasing expected
    return: expected_return, volatility (annualised), sharpe), ``weights`` (DataFrame points ×
    assets), ``max_sharpe`` (Series of weights, or None with the reason in diagnostics),
    ``turning_points`` (exact frontier only), ``status``, ``diagnostics`` (solver, exact,
    iterations, solve_ms, ...), ``inputs``; ``to_dict()`` is the JSON of `keel frontier`.
    """

    def __init__(self, run, document, inputs, meta):
        self._run = run
        self._meta = meta
        document["inputs"] = inputs
        self._document = document
        self.status = document["status"]
        self.assets = list(document["assets"])
        self.diagnostics = document.get("diagnostics", {})
        self.inputs = inputs
        rows = document["points"]
        self.points = pd.DataFrame(
            [{k: (math.nan if p.get(k) is None else p[k])
              for k in ("expected_return", "volatility", "sharpe")} for p in rows],
            columns=["expected_return", "volatility", "sharpe"], dtype=float)
        self.weights = pd.DataFrame([p["weights"] for p in rows], columns=self.assets,
                                    dtype=float)
        self.turning_points = pd.DataFrame(
            [p["weights"] for p in document.get("turning_points", [])], columns=self.assets,
            dtype=float)
        best = document.get("max_sharpe")
        self.max_sharpe = None if best is None else pd.Series(
            best["weights"], name="weight", dtype=float).reindex(self.assets)
        self.max_sharpe_performance = None if best is None else {
            k: best[k] for k in ("expected_return", "volatility", "sharpe")}

    def is_usable(self) -> bool:
        return self.status in ("optimal", "optimal-inaccurate") and len(self.points) > 0

    def to_dict(self) -> dict:
        return json.loads(json.dumps(self._document))

    def __repr__(self):
        return (f"Frontier(status={self.status!r}, points={len(self.points)}, "
                f"exact={self.diagnostics.get('exact')})")


def frontier(prices=None, *, mu=None, cov=None, points=20, constraints=None,
             expected_returns="mean", covariance="sample", estimator_options=None,
             missing="error", periods_per_year=None, log_returns=False, duplicates="error",
             sort=False, risk_free_rate=0.0, risk_aversion=1.0, volatility_cap=None):
    """The efficient frontier, as `keel frontier` computes it: exact (critical line algorithm,
    every turning point) with a budget of 1 and bounds only, otherwise traced by efficient-return
    solves under any constraints of optimize().

    Inputs: prices (DataFrame; μ and Σ estimated as in optimize()) or mu= (Series) and cov=
    (DataFrame), annualised. points: portfolios from the minimum-variance to the maximum-return
    end, evenly spaced in expected return (default 20). constraints: the dict of optimize().
    risk_free_rate: annual (default 0), for the Sharpe ratios and the max-Sharpe portfolio.
    volatility_cap: annual, where the traced sweep stops when the return is unbounded (None:
    the library's default).

    Returns a Frontier; an infeasible frontier has status "infeasible" and the conflicting
    constraints in diagnostics. Estimation warnings are issued as keel.KeelWarning.
    """
    warnings_list = []
    if prices is not None:
        if mu is not None or cov is not None:
            raise ValueError("give either prices or mu/cov, not both")
        _, est = _api._estimate(prices, mu=expected_returns, cov=covariance, missing=missing,
                                periods_per_year=periods_per_year, log_returns=log_returns,
                                duplicates=duplicates, sort=sort, risk_free_rate=risk_free_rate,
                                risk_aversion=risk_aversion, options=estimator_options)
        market = est["market"]
        assets = list(market["assets"])
        mu_vec, cov_mat = est["expected_returns"], est["covariance"]
        warnings_list = list(est["warnings"])
        stamps = market["timestamps"]
        inputs = {"assets": len(assets), "observations": int(market["returns"].shape[0]),
                  "periods_per_year": market["periods_per_year"],
                  "start": _api._format_stamp(stamps[0]), "end": _api._format_stamp(stamps[-1]),
                  "expected_returns": expected_returns, "covariance": covariance,
                  "repairs": _api._repairs(est)}
        meta = [f"{len(assets)} assets, {inputs['start']} .. {inputs['end']}, "
                f"{inputs['observations']} returns; expected returns: {expected_returns}, "
                f"covariance: {covariance}"]
    else:
        if mu is None or cov is None:
            raise ValueError("no input: pass prices (a DataFrame), or mu= and cov= (annualised)")
        assets, cov_mat = _frames.matrix_by_name(cov, "cov")
        mu_vec = _frames.vector_by_name(mu, assets, "mu")
        inputs = {"assets": len(assets), "expected_returns": "mu", "covariance": "cov"}
        meta = [f"{len(assets)} assets, given expected returns and covariance"]
    _api._warn(warnings_list)
    options = dict(constraints=_api._constraints(constraints, assets), points=int(points),
                   risk_free_rate=float(risk_free_rate))
    if volatility_cap is not None:
        options["volatility_cap"] = float(volatility_cap)
    run = _keel.frontier(assets, np.asarray(mu_vec, dtype=float),
                         np.asarray(cov_mat, dtype=float), options)
    document = json.loads(run.to_json())
    document.setdefault("diagnostics", {})["warnings"] = \
        warnings_list + list(document["diagnostics"].get("warnings", []))
    _api._warn(document["diagnostics"]["warnings"][len(warnings_list):])
    return Frontier(run, document, inputs, meta)


# ---- stress ---------------------------------------------------------------------------------------

class StressResult(dict):
    """The stress suite of one portfolio: a dict with the keys of `keel stress --format json`
    (historical (a list of windows), hypothetical, correlation_stress, liquidity_stress; P&L as
    fractions of the portfolio value, losses negative; money amounts too when portfolio_value >
    0) plus ``assets``, ``periods_per_year``, ``warnings``, ``repairs``. ``windows`` is the
    historical replays as a DataFrame (one row per window).
    """

    @property
    def windows(self) -> pd.DataFrame:
        rows = [{k: v for k, v in w.items() if k not in ("assets", "missing_history")}
                for w in self.get("historical", [])]
        return pd.DataFrame(rows).set_index("name") if rows else pd.DataFrame()


def stress(weights, prices, *, windows="all", custom_windows=None, missing_history="exclude",
           scenarios=None, missing="error", periods_per_year=None, duplicates="error",
           sort=False, alpha=0.95, horizon=1, correlation_shift=0.5, vol_multiplier=1.5,
           zero_mean=False, liquidity_multiplier=3.0, portfolio_value=0.0,
           max_participation=0.1):
    """Stresses a portfolio as `keel stress` does (keel/risk/stress_suite.hpp): historical crash
    windows replayed, hypothetical shocks at the last prices, the correlation stress and the
    liquidity stress.

    weights: Series/dict by asset (fractions of the portfolio value; the rest is cash).
    prices: DataFrame dates × assets, raw (NaN = no quote); only the held assets' columns (and the
        proxy of missing_history="proxy:ASSET") are used.
    windows: "all" (default, the built-in crypto crash windows the data covers), "none", or a
        comma-separated list of built-in names (each required). custom_windows: list of
        "NAME:START:END". missing_history: "exclude" (default), "cash" or "proxy:ASSET".
    scenarios: list of {"name", "description", "shocks": [{"all": True | "assets": [...],
        "return": r | "price": p}]} (group shocks need metadata: use the CLI).
    missing: the missing-data policy of the correlation and liquidity stress (not "pairwise").
    alpha: VaR/CVaR/LVaR confidence (0.95). horizon: periods (1). correlation_shift: λ (0.5),
        correlations (1 − λ)C + λ. vol_multiplier: 1.5. zero_mean: ignore the sample mean.
    liquidity_multiplier: K (3). portfolio_value: quote currency (0 = fractions only).
    max_participation: impact model, fraction of daily volume (0.1).

    Returns a StressResult (dict). Warnings are issued as keel.KeelWarning.
    """
    if not isinstance(prices, pd.DataFrame):
        raise TypeError(f"prices must be a pandas DataFrame, not a {type(prices).__name__}")
    columns = _frames.asset_names(prices.columns, "prices")
    mapping = _frames.by_name(weights, "weights")
    absent = [a for a in mapping if a not in set(columns)]
    if absent:
        raise ValueError(f"weights: asset(s) {', '.join(map(repr, absent))} have no column in "
                         f"prices")
    keep = [c for c in columns if c in mapping]
    if str(missing_history).startswith("proxy:"):
        proxy = str(missing_history)[len("proxy:"):]
        if proxy in columns and proxy not in keep:
            keep.append(proxy)
    names, stamps, values = _frames.table_arrays(prices[keep], "prices")
    market = _frames.market_options(missing=missing, periods_per_year=periods_per_year,
                                    duplicates=duplicates, sort=sort)
    options = dict(windows=str(windows), custom_windows=[str(w) for w in custom_windows or []],
                   missing_history=str(missing_history), scenarios=list(scenarios or []),
                   alpha=float(alpha), horizon=int(horizon),
                   correlation_shift=float(correlation_shift),
                   vol_multiplier=float(vol_multiplier), zero_mean=bool(zero_mean),
                   liquidity_multiplier=float(liquidity_multiplier),
                   portfolio_value=float(portfolio_value),
                   max_participation=float(max_participation))
    run = _keel.stress(names, stamps, values, "prices", market, list(mapping),
                       np.array(list(mapping.values()), dtype=float), options)
    out = StressResult(json.loads(run.to_json()))
    out._run = run
    _api._warn(out.get("warnings", []))
    return out


# ---- backtest -------------------------------------------------------------------------------------

_ESTIMATION_KEYS = {"mu", "cov", "span", "half_life", "decay", "semicovariance_threshold",
                    "psd_repair"}
_MODEL_KEYS = {"constraints", "target_return", "target_volatility", "l2", "linkage", "clusters",
               "alpha", "max_risk", "tau", "risk_measure", "budgets"}
_STRATEGY_KEYS = {"name", "kind", "asset", "model", "rebalance", "fallback", "cost_aware",
                  "risk_aversion", "benchmark", "lots"}


def _strategy(spec, assets):
    if not isinstance(spec, dict):
        raise TypeError(f"each strategy must be a dict (name, model, ...), not a "
                        f"{type(spec).__name__}")
    unknown = sorted(set(spec) - _ESTIMATION_KEYS - _MODEL_KEYS - _STRATEGY_KEYS)
    if unknown:
        raise ValueError(f"strategy {spec.get('name', '?')!r}: unknown key(s) "
                         f"{', '.join(unknown)}; known: "
                         f"{', '.join(sorted(_ESTIMATION_KEYS | _MODEL_KEYS | _STRATEGY_KEYS))}")
    out = {k: v for k, v in spec.items() if k in _STRATEGY_KEYS and v is not None}
    estimation = {k: v for k, v in spec.items() if k in _ESTIMATION_KEYS and v is not None}
    if "decay" in estimation:
        estimation["lambda"] = float(estimation.pop("decay"))
    for key in ("span", "half_life", "semicovariance_threshold"):
        if key in estimation:
            estimation[key] = float(estimation[key])
    options = {}
    for key in _MODEL_KEYS:
        value = spec.get(key)
        if value is None:
            continue
        if key == "constraints":
            options[key] = _api._constraints(value, assets)
        elif key == "budgets":
            options[key] = _frames.vector_by_name(value, assets, "budgets")
        elif key in ("linkage", "risk_measure"):
            options[key] = str(value)
        elif key == "clusters":
            options[key] = int(value)
        else:
            options[key] = float(value)
    out["estimation"] = estimation
    out["options"] = options
    return out


class BacktestResult:
    """A walk-forward backtest's result (keel::run_backtest), as DataFrames:

    equity: dates × strategies, portfolio value (quote currency; the first row the initial value).
    returns: dates × strategies, net per-period returns (gross − costs); gross_returns,
        cost_returns likewise (fractions of the previous value).
    weights: {strategy: DataFrame dates × assets}, end-of-period weights (fractions).
    trades: one row per executed rebalance and asset: strategy, decision_date, execution_date,
        asset, target (the weight traded to).
    rebalances: one row per decision: strategy, decision_date, execution_date, outcome,
        model_status, turnover (Σ|Δw|), fees, spread, impact, financing, cost (quote currency),
        message.
    costs: strategies × (fees, spread, impact, financing, total), quote currency.
    metrics: strategies × metrics of `keel backtest` (cagr, volatility, sharpe, max_drawdown, ...).
    to_dict(include_weights=False): the JSON of `keel backtest --format json` (strategies part).
    """

    def __init__(self, run, index_like, meta):
        self._run = run
        self._meta = meta
        self.assets = list(run.assets())
        self.periods_per_year = run.periods_per_year()
        self.elapsed_ms = run.elapsed_ms()
        index = _frames.to_index(run.timestamps(), index_like)
        self._index_like = index_like
        strategies = run.strategies()
        names = [s["name"] for s in strategies]
        self.strategies = names

        def frame(key):
            return pd.DataFrame({s["name"]: np.asarray(s[key]) for s in strategies}, index=index,
                                columns=pd.Index(names, name="strategy"))

        self.equity = frame("equity")
        self.returns = frame("net_returns")
        self.gross_returns = frame("gross_returns")
        self.cost_returns = frame("cost_returns")
        self.weights = {s["name"]: pd.DataFrame(np.asarray(s["weights"]), index=index,
                                                 columns=pd.Index(self.assets, name="asset"))
                        for s in strategies}
        self.cash_weight = frame("cash_weight")
        self.costs = pd.DataFrame([s["costs"] for s in strategies],
                                  index=pd.Index(names, name="strategy"))
        rows, trades = [], []
        for s in strategies:
            for r in s["rebalances"]:
                decision = self._date(r["decision_date"])
                execution = self._date(r["execution_date"]) if r["execution_date"] else pd.NaT
                rows.append(dict(strategy=s["name"], decision_date=decision,
                                 execution_date=execution, outcome=r["outcome"],
                                 model_status=r["model_status"], turnover=r["turnover"],
                                 fees=r["costs"]["fees"], spread=r["costs"]["spread"],
                                 impact=r["costs"]["impact"],
                                 financing=r["costs"]["financing"], cost=r["costs"]["total"],
                                 message=r["message"] or r["fallback_reason"]))
                target = np.asarray(r["target"])
                if r["execution_date"] and target.size:
                    for asset, w in zip(self.assets, target):
                        trades.append(dict(strategy=s["name"], decision_date=decision,
                                           execution_date=execution, asset=asset, target=w))
        self.rebalances = pd.DataFrame(rows, columns=[
            "strategy", "decision_date", "execution_date", "outcome", "model_status", "turnover",
            "fees", "spread", "impact", "financing", "cost", "message"])
        self.trades = pd.DataFrame(trades, columns=["strategy", "decision_date", "execution_date",
                                                    "asset", "target"])
        document = json.loads(run.to_json(False))
        self.metrics = pd.DataFrame({s["name"]: s["metrics"] for s in document["strategies"]}).T
        self.metrics.index.name = "strategy"
        self.warnings = {s["name"]: list(s["warnings"]) for s in strategies}

    def _date(self, seconds):
        return _frames.to_index(np.array([seconds]), self._index_like)[0]

    def to_dict(self, include_weights=False) -> dict:
        return json.loads(self._run.to_json(bool(include_weights)))

    def __repr__(self):
        last = ", ".join(f"{n}={v:,.0f}" for n, v in self.equity.iloc[-1].items())
        return (f"BacktestResult({len(self.equity)} dates, {len(self.assets)} assets; final "
                f"equity {last})")


def backtest(prices, strategies, *, rebalance="monthly", window=365, expanding=False,
             min_history=0, lag=1, initial_value=1_000_000.0, risk_free_rate=0.0, costs=None,
             missing="pairwise", periods_per_year=None, duplicates="error", sort=False,
             market_caps=None, start=None, end=None, warm_start=True, threads=1, cancel=None):
    """Walk-forward backtest of strategies (keel::run_backtest), as `keel backtest` runs a
    strategies file: decisions at each rebalance close on the trailing `window` rows, executed
    `lag` periods later at that close with costs; positions drift in between.

    prices: DataFrame dates × assets (NaN = not listed / no quote; missing="pairwise", the
        default, keeps the gaps: an asset is eligible after min_history returns).
    strategies: list of dicts, one per strategy (the keys of a [[strategy]] table):
        name (required), model (any optimize() model) or kind="buy-and-hold" with asset,
        rebalance ("every:K", "weekly", "monthly", "drift:B", "never"; default the `rebalance`
        argument), fallback ("equal-weight" default, "keep-previous" or a model name),
        mu ("mean"), cov ("ledoit-wolf-constant-correlation"), span, half_life, decay,
        constraints (dict of optimize()), target_return, target_volatility, l2, linkage,
        clusters, alpha, max_risk, tau, risk_measure, budgets, risk_aversion (1),
        cost_aware (False), lots (False), benchmark (False: reported as a benchmark).
    window: estimation rows (365); expanding: all rows instead. min_history: returns an asset
        needs (0 = window). lag: periods from decision to execution (1).
    initial_value: quote currency (1e6). risk_free_rate: annual (0), for Sharpe/Sortino.
    costs: dict with fee_bps, half_spread_bps (bps per unit traded, 0), impact_coefficient (0),
        impact_exponent (0.5), adv_window (30), min_trade_value (0), short_rate, borrow_rate,
        cash_rate (annual, 0).
    market_caps: Series by asset (market-cap models). start, end: first decision date and last
        evaluated date (None: the first full window, the last date).
    threads: strategies run in parallel on this many threads (1; 0 = all cores).
    cancel: a keel.CancelToken; its cancel() from another thread stops the run within one period
        (raises keel.NoSolutionError "cancelled"). Ctrl-C (KeyboardInterrupt) also cancels it.

    Returns a BacktestResult. Call errors raise ValueError naming the strategy and option.
    """
    if not isinstance(prices, pd.DataFrame):
        raise TypeError(f"prices must be a pandas DataFrame, not a {type(prices).__name__}")
    if isinstance(strategies, dict):
        strategies = [strategies]
    names, stamps, values = _frames.table_arrays(prices, "prices")
    specs = [_strategy(s, names) for s in strategies]
    market = _frames.market_options(missing=missing, periods_per_year=periods_per_year,
                                    duplicates=duplicates, sort=sort)
    options = dict(rebalance=str(rebalance), window=int(window), expanding=bool(expanding),
                   min_history=int(min_history), lag=int(lag),
                   initial_value=float(initial_value), risk_free_rate=float(risk_free_rate),
                   costs=dict(costs or {}), warm_start=bool(warm_start), threads=int(threads),
                   start=_stamp_to_seconds(start, "start"), end=_stamp_to_seconds(end, "end"))
    if market_caps is not None:
        options["market_caps"] = _frames.vector_by_name(market_caps, names, "market_caps",
                                                        fill=0.0)
    run = _keel.backtest(names, stamps, values, "prices", market, specs, options, cancel)
    meta = [f"{len(names)} assets, {len(specs)} strategies, window {window}, "
            f"rebalance {rebalance}"]
    result = BacktestResult(run, prices.index, meta)
    for name, messages in result.warnings.items():
        _api._warn([f"{name}: {m}" for m in messages])
    return result


# ---- reports --------------------------------------------------------------------------------------

def report(result, path, *, title=None):
    """Writes the self-contained HTML report of a result (the library's report module, as the
    CLI's --report): a PortfolioResult (of keel.optimize), a BacktestResult, a Frontier or a
    StressResult. Returns the path.

    The charts inline the Vega bundles the library was built with; a build without them
    (scripts/setup.sh not run) raises keel.InvalidInputError saying so.
    """
    path = str(path)
    if isinstance(result, _api.PortfolioResult):
        if result._report_inputs is None:
            raise ValueError("this PortfolioResult has no inputs to draw; use keel.optimize's")
        (cov, mu), rf = result._report_inputs
        meta = [f"{len(result._assets)} assets, model {result.model}"] + ([title] if title else [])
        result._solved.write_report(path, np.asarray(cov, dtype=float),
                                    np.asarray(mu, dtype=float), rf, meta)
    elif isinstance(result, BacktestResult):
        result._run.write_report(path, title or "keel backtest", list(result._meta))
    elif isinstance(result, Frontier):
        result._run.write_report(path, list(result._meta) + ([title] if title else []))
    elif isinstance(result, StressResult) and hasattr(result, "_run"):
        result._run.write_report(path, [title] if title else [])
    else:
        raise TypeError(f"keel.report takes a PortfolioResult, BacktestResult, Frontier or "
                        f"StressResult, not a {type(result).__name__}")
    return path
