"""The functional API: estimators, optimize and risk_profile over pandas objects."""

from __future__ import annotations

import json
import math
import warnings as _warnings

import numpy as np
import pandas as pd

from . import _frames, _keel


class KeelWarning(UserWarning):
    """A warning of the library (short history, heavy shrinkage, implausible performance, ...).

    Results also carry their warnings (``diagnostics["warnings"]``); this category lets callers
    filter them, e.g. ``warnings.simplefilter("error", keel.KeelWarning)``.
    """


class SolveError(_keel.NoSolutionError):
    """An optimisation with no usable answer, raised by ``optimize(..., raise_on_failure=True)``.

    ``.result`` holds the PortfolioResult (status, explanation, conflicting constraints).
    """

    def __init__(self, message, result):
        super().__init__(message)
        self.result = result


def _warn(messages, stacklevel=3):
    for message in messages:
        _warnings.warn(message, KeelWarning, stacklevel=stacklevel)


# ---- estimation -----------------------------------------------------------------------------------

_ESTIMATOR_KEYS = {
    "span", "half_life", "decay", "semicovariance_threshold", "compounding", "benchmark",
    "market_caps", "psd_repair", "clean_returns", "min_history", "drop_short_history",
}


def _estimate(prices, *, mu, cov, missing, periods_per_year, log_returns, duplicates, sort,
              risk_free_rate, risk_aversion, options, model=None):
    """keel::prepare_market then keel::estimate_inputs on a DataFrame: (the compiled Estimates,
    their dict: market, annualised mu and covariance, warnings, repairs)."""
    options = dict(options or {})
    unknown = sorted(set(options) - _ESTIMATOR_KEYS)
    if unknown:
        raise ValueError(f"unknown estimator option(s) {', '.join(unknown)}; known: "
                         f"{', '.join(sorted(_ESTIMATOR_KEYS))}")
    if options.get("market_caps") is not None:
        options["market_caps"] = _frames.by_name(options["market_caps"], "market_caps")
    if "decay" in options:  # `lambda` is a Python keyword
        options["lambda"] = options.pop("decay")
    est_options = dict(options, mu=mu or "", cov=cov or "", model=model or "",
                       risk_free_rate=float(risk_free_rate), risk_aversion=float(risk_aversion))
    names, stamps, values = _frames.table_arrays(prices, "prices")
    market_options = _frames.market_options(missing=missing, periods_per_year=periods_per_year,
                                            log_returns=log_returns, duplicates=duplicates,
                                            sort=sort)
    estimates = _keel.estimate(names, stamps, values, "prices", market_options, est_options)
    return estimates, estimates.to_dict()


def expected_returns(prices, method="mean", *, missing="error", periods_per_year=None,
                     log_returns=False, duplicates="error", sort=False, risk_free_rate=0.0,
                     risk_aversion=1.0, **options):
    """Annualised expected returns of each asset, estimated from a price table.

    prices: DataFrame, dates × assets (DatetimeIndex, naive read as UTC or tz-aware), positive
        prices, NaN = no quote.
    method: "mean" (default; arithmetic × periods_per_year), "geometric" (compounded, as
        PyPortfolioOpt's mean_historical_return), "ewma", "capm", "james-stein", "equilibrium".
    missing: missing-data policy, "error" (default), "drop-rows", "ffill:N", "drop-assets:F",
        "pairwise"; every repair applied is listed in the result's ``attrs["repairs"]``.
    periods_per_year: None (default) infers it from the dates (365 daily 24/7, 252 weekdays,
        8760 hourly, 52 weekly, 12 monthly).
    risk_free_rate: annual, for capm and equilibrium (default 0). risk_aversion: δ, equilibrium
        (default 1).
    options: span, half_life (periods; ewma, default span 500), compounding (default True),
        benchmark (asset name; capm market), market_caps (Series by asset; equilibrium),
        clean_returns ("none" or "clip:K"), min_history (returns per asset, 0 = a quarter of a
        year), drop_short_history (default False).

    Returns a Series by asset (annualised, fraction per year), named "expected_return", with
    ``attrs`` periods_per_year and repairs. Library warnings are issued as keel.KeelWarning.
    """
    _, est = _estimate(prices, mu=method, cov=None, missing=missing,
                       periods_per_year=periods_per_year, log_returns=log_returns,
                       duplicates=duplicates, sort=sort, risk_free_rate=risk_free_rate,
                       risk_aversion=risk_aversion, options=options)
    _warn(est["warnings"])
    market = est["market"]
    out = pd.Series(est["expected_returns"], index=pd.Index(market["assets"], name="asset"),
                    name="expected_return")
    out.attrs.update(periods_per_year=market["periods_per_year"], repairs=_repairs(est))
    return out


def _repairs(est):
    """The market's repairs (read, missing-data policy) then the estimation step's."""
    return list(est["market"]["repairs"]) + json.loads(est["repairs_json"])


def covariance(prices, method="sample", *, annualise=True, missing="error",
               periods_per_year=None, log_returns=False, duplicates="error", sort=False,
               **options):
    """Covariance matrix of the assets' returns, estimated from a price table.

    method: "sample" (default; T − 1 divisor, pairwise-complete with missing="pairwise"), "ewma",
        "semicovariance", "ledoit-wolf", "ledoit-wolf-constant-correlation",
        "ledoit-wolf-single-factor", "oas", "nonlinear-shrinkage", "denoised", "garch-dcc".
    annualise: True (default) multiplies the per-period estimate by periods_per_year (inferred
        from the dates unless given); False returns it per period.
    options: psd_repair ("none", "clip", "higham", "spectral"; pairwise only), span, half_life,
        decay (ewma: set one of span, half_life (periods) and decay λ; default decay 0.94), semicovariance_threshold (per period, default 0),
        clean_returns, min_history, drop_short_history.
    Other arguments as in expected_returns().

    Returns a DataFrame labelled by asset on both axes. The estimator's diagnostics (shrinkage,
    min eigenvalue, condition number, rank) are in ``result.attrs["diagnostics"]``, the repairs
    applied (missing data, PSD repair) in ``attrs["repairs"]``.
    """
    _, est = _estimate(prices, mu=None, cov=method, missing=missing,
                       periods_per_year=periods_per_year, log_returns=log_returns,
                       duplicates=duplicates, sort=sort, risk_free_rate=0.0,
                       risk_aversion=1.0, options=options)
    _warn(est["warnings"])
    market = est["market"]
    names = pd.Index(market["assets"], name="asset")
    matrix = est["covariance"] if annualise else est["covariance_per_period"]
    out = pd.DataFrame(matrix, index=names, columns=names.rename(None))
    out.attrs["diagnostics"] = dict(est["covariance_diagnostics"],
                                    periods_per_year=market["periods_per_year"],
                                    annualised=bool(annualise))
    out.attrs.update(periods_per_year=market["periods_per_year"], repairs=_repairs(est))
    return out


def returns(prices, *, missing="error", periods_per_year=None, log_returns=False,
            duplicates="error", sort=False):
    """Per-period returns (simple p_t/p_{t-1} − 1, or log) after the missing-data policy.

    Returns a DataFrame indexed by the later price's date (in the input's time zone), one column
    per kept asset; ``attrs`` holds periods_per_year, frequency and repairs.
    """
    market, index = _frames.prepare(prices, missing=missing, periods_per_year=periods_per_year,
                                    log_returns=log_returns, duplicates=duplicates, sort=sort)
    out = pd.DataFrame(market["returns"], columns=market["assets"],
                       index=_frames.to_index(market["return_timestamps"], index))
    out.attrs.update(periods_per_year=market["periods_per_year"],
                     frequency=market["frequency"], repairs=list(market["repairs"]))
    return out


# ---- optimize -------------------------------------------------------------------------------------

class PortfolioResult:
    """The answer of optimize(): a value, not an exception, whatever the solve's outcome.

    status: "optimal", "optimal-inaccurate" (both usable), "infeasible", "unbounded",
        "iteration-limit", "time-limit", "numerical-error".
    weights: Series by asset (fractions of the book; empty when the model produced none).
    weights_array: the same as a NumPy array in the order of ``assets`` (no pandas object made).
    performance: dict of expected_return, volatility (annualised) and sharpe (NaN when not
        computed, e.g. no expected returns).
    diagnostics: dict (solver, iterations, solve_ms, max_constraint_violation, warnings, repairs,
        explanation and conflicting_constraints when unusable, ...).
    details: model-specific results (risk contributions, linkage, posterior returns, ...).
    inputs: what was estimated from (assets, observations, periods_per_year, start, end, ...).

    The library's JSON document behind performance, diagnostics and details is built and parsed
    on first access, and the weights Series on first access of ``weights``: a small solve's
    result costs little until it is read.
    """

    def __init__(self, solved, assets, inputs, warnings=(), repairs=(), index=None):
        self._solved = solved
        self._index = index  # a pandas Index of the assets to reuse, when the caller had one
        self._assets = assets
        self._inputs = inputs
        self._warnings = list(warnings)
        self._repairs = list(repairs)
        self._document = None
        self._weights = None
        self._report_inputs = None
        self.model = solved.model
        self.status = solved.status

    @property
    def weights_array(self) -> np.ndarray:
        return self._solved.weights

    @property
    def assets(self) -> list:
        return list(self._assets) if len(self._solved.weights) else []

    @property
    def weights(self) -> pd.Series:
        if self._weights is None:
            w = self._solved.weights
            if len(w) and self._index is not None:
                index = self._index if self._index.name == "asset" \
                    else self._index.rename("asset")
            else:
                index = pd.Index(list(self._assets) if len(w) else [], name="asset",
                                 dtype=object)
            self._weights = pd.Series(np.asarray(w, dtype=float) if len(w) else [],
                                      index=index, name="weight", dtype=float)
        return self._weights

    def _doc(self) -> dict:
        if self._document is None:
            document = json.loads(self._solved.to_json())
            diagnostics = document.setdefault("diagnostics", {})
            diagnostics["warnings"] = self._warnings + list(diagnostics.get("warnings", []))
            for repair in self._repairs:
                diagnostics.setdefault("repairs", []).append(repair)
            document["inputs"] = self._inputs
            self._document = document
        return self._document

    @property
    def performance(self) -> dict:
        return {k: (math.nan if v is None else v)
                for k, v in self._doc().get("performance", {}).items()}

    @property
    def diagnostics(self) -> dict:
        return self._doc().get("diagnostics", {})

    @property
    def inputs(self) -> dict:
        return self._doc().get("inputs", {})

    @property
    def details(self) -> dict:
        reserved = {"model", "status", "weights", "performance", "diagnostics", "inputs"}
        return {k: v for k, v in self._doc().items() if k not in reserved}

    def is_usable(self) -> bool:
        """True when the status is optimal or optimal-inaccurate and there are weights."""
        return self.status in ("optimal", "optimal-inaccurate") and len(self._solved.weights) > 0

    def to_dict(self) -> dict:
        """The result as the JSON document of `keel optimize --format json`."""
        return json.loads(json.dumps(self._doc()))

    def __repr__(self):
        perf = ", ".join(f"{k}={v:.4g}" for k, v in self.performance.items())
        return f"PortfolioResult(model={self.model!r}, status={self.status!r}, {perf})"


_CONSTRAINT_KEYS = ("budget", "bounds", "max_weight", "max_short", "max_gross_leverage",
                    "net_exposure", "groups", "linear", "current_weights", "max_turnover",
                    "metadata")
_GROUP_KEYS = ("name", "members", "tag", "value", "min", "max")


def _metadata_frame(metadata):
    """The metadata as a DataFrame indexed by asset (a `symbol` column becomes the index)."""
    if metadata is None:
        return None
    if not isinstance(metadata, pd.DataFrame):
        raise TypeError("constraints['metadata'] must be a pandas DataFrame indexed by asset "
                        f"(or with a 'symbol' column), not a {type(metadata).__name__}")
    if "symbol" in metadata.columns:
        metadata = metadata.set_index("symbol")
    metadata = metadata.copy()
    metadata.index = metadata.index.map(str)
    if metadata.index.has_duplicates:
        dup = metadata.index[metadata.index.duplicated()][0]
        raise ValueError(f"constraints['metadata']: asset '{dup}' has more than one row")
    return metadata


def _tag_value(value):
    """A metadata cell as the book file compares it: booleans as true/false, the rest as text."""
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    return str(value).strip()


def _tag_groups(entry, where, assets, metadata):
    """One group per value of a metadata tag among `assets` (docs/book.md, [[groups]] by tag)."""
    tag = str(entry["tag"])
    if metadata is None:
        raise ValueError(f"{where}: a group by tag '{tag}' needs constraints['metadata'] "
                         "(a DataFrame of tags indexed by asset)")
    # As in the metadata file, the stablecoin tag is the is_stablecoin column.
    column = "is_stablecoin" if tag == "stablecoin" and "is_stablecoin" in metadata.columns \
        else tag
    if column not in metadata.columns:
        raise ValueError(f"{where}: the metadata has no column '{tag}'; columns: "
                         f"{', '.join(map(str, metadata.columns))}")
    values = {}
    for asset in assets:
        if asset not in metadata.index:
            continue
        cell = metadata.at[asset, column]
        if cell is None or (isinstance(cell, float) and math.isnan(cell)) or str(cell) == "":
            continue
        values.setdefault(_tag_value(cell), []).append(asset)
    wanted = entry.get("value")
    if wanted is not None:
        key = _tag_value(wanted)
        if key not in values:
            raise ValueError(f"{where}: no asset in use has {tag} = {key!r} (a typo?); values "
                             f"present: {', '.join(sorted(values)) or 'none'}")
        values = {key: values[key]}
    name = entry.get("name")
    return [(f"{name}" if name is not None and len(values) == 1 else f"{tag}={value}", members)
            for value, members in sorted(values.items())]


def _pair(value, what):
    try:
        lo, hi = value
        return (-math.inf if lo is None else float(lo)), (math.inf if hi is None else float(hi))
    except (TypeError, ValueError):
        raise TypeError(f"{what} must be a pair (low, high), not {value!r}") from None


def _constraints(constraints, assets):
    """The user's constraint dict (names) as the compiled layer's (indices and arrays)."""
    if constraints is None:
        return {}
    if not isinstance(constraints, dict):
        raise TypeError(f"constraints must be a dict, not a {type(constraints).__name__}")
    unknown = [k for k in constraints if k not in _CONSTRAINT_KEYS]
    if unknown:
        raise ValueError(f"unknown constraint(s) {', '.join(map(repr, unknown))}; known: "
                         f"{', '.join(_CONSTRAINT_KEYS)}")
    out = {}
    c = constraints
    if "budget" in c:
        out["budget"] = None if c["budget"] is None else float(c["budget"])
    lower, upper = 0.0, 1.0
    per_asset = None
    if c.get("bounds") is not None:
        bounds = c["bounds"]
        if isinstance(bounds, dict):
            per_asset = bounds
        else:
            lower, upper = _pair(bounds, "constraints['bounds']")
    if c.get("max_weight") is not None:
        upper = min(upper, float(c["max_weight"]))
    out["lower_bound"], out["upper_bound"] = lower, upper
    if per_asset is not None:
        lo = np.full(len(assets), lower)
        hi = np.full(len(assets), upper)
        known = {a: i for i, a in enumerate(assets)}
        for name, pair in per_asset.items():
            if name not in known:
                raise ValueError(f"constraints['bounds']: asset '{name}' is not among the assets")
            lo[known[name]], hi[known[name]] = _pair(pair, f"constraints['bounds']['{name}']")
            hi[known[name]] = min(hi[known[name]], upper if c.get("max_weight") is None
                                  else float(c["max_weight"]))
        out["lower_bounds"], out["upper_bounds"] = lo, hi
    for key in ("max_short", "max_gross_leverage", "max_turnover"):
        if c.get(key) is not None:
            out[key] = float(c[key])
    if c.get("net_exposure") is not None:
        out["net_exposure_min"], out["net_exposure_max"] = _pair(c["net_exposure"],
                                                                 "constraints['net_exposure']")
    if c.get("current_weights") is not None:
        out["current_weights"] = _frames.vector_by_name(c["current_weights"], assets,
                                                        "constraints['current_weights']", fill=0.0)
    index = {a: i for i, a in enumerate(assets)}
    metadata = _metadata_frame(c.get("metadata"))
    # Groups: a dict name -> (members, min, max) or {"assets", "min", "max"}; or, mirroring the
    # book file's [[groups]], a list of dicts with "members" or "tag" (+ "value"), "min", "max".
    specs = []
    raw_groups = c.get("groups") or {}
    if isinstance(raw_groups, dict):
        for name, spec in raw_groups.items():
            where = f"constraints['groups']['{name}']"
            if isinstance(spec, dict):
                specs.append((where, str(name), spec.get("assets"), spec.get("min"),
                              spec.get("max")))
            else:
                members, lo, hi = spec
                specs.append((where, str(name), members, lo, hi))
    else:
        for i, entry in enumerate(raw_groups):
            where = f"constraints['groups'][{i}]"
            if not isinstance(entry, dict):
                raise TypeError(f"{where} must be a dict like the book file's [[groups]]")
            unknown = [k for k in entry if k not in _GROUP_KEYS]
            if unknown:
                raise ValueError(f"{where}: unknown key(s) {', '.join(map(repr, unknown))}; "
                                 f"known: {', '.join(_GROUP_KEYS)}")
            if ("members" in entry) == ("tag" in entry):
                raise ValueError(f"{where}: give either 'members' or 'tag'")
            if "members" in entry:
                specs.append((where, str(entry.get("name", f"group-{i}")), entry["members"],
                              entry.get("min"), entry.get("max")))
            else:
                for name, members in _tag_groups(entry, where, assets, metadata):
                    specs.append((where, name, members, entry.get("min"), entry.get("max")))
    groups = []
    for where, name, members, lo, hi in specs:
        missing = [m for m in members if m not in index]
        if missing:
            raise ValueError(f"{where}: asset(s) "
                             f"{', '.join(map(repr, missing))} are not among the assets")
        groups.append((name, [index[m] for m in members],
                       -math.inf if lo is None else float(lo), math.inf if hi is None else float(hi)))
    out["groups"] = groups
    linear = []
    for i, row in enumerate(c.get("linear") or []):
        name = str(row.get("name", f"linear-{i}"))
        coef = _frames.vector_by_name(row["coefficients"], assets,
                                      f"constraints['linear'][{name!r}]", fill=0.0)
        linear.append((name, coef, str(row.get("sense", "<=")), float(row["rhs"])))
    out["linear"] = linear
    return out


def optimize(prices=None, *, mu=None, cov=None, model="min-variance", constraints=None,
             expected_returns="mean", covariance="sample", estimator_options=None,
             missing="error", periods_per_year=None, log_returns=False, duplicates="error",
             sort=False, risk_free_rate=0.0, risk_aversion=1.0, target_return=None,
             target_volatility=None, l2=0.0, linkage="single", clusters=0, alpha=0.95,
             max_risk=None, tau=0.05, risk_measure="variance", kelly_fraction=1.0, budgets=None,
             market_caps=None,
             raise_on_failure=False):
    """One portfolio with any of Keel's models (the library's optimize_portfolio).

    Inputs, one of:
      prices: DataFrame dates × assets; expected returns and covariance are estimated with
        `expected_returns` (default "mean") and `covariance` (default "sample") after the
        `missing` policy, annualised with periods_per_year (inferred from the dates unless
        given). estimator_options: dict passed to the estimators (see expected_returns()).
      mu=Series (annualised, by asset) and cov=DataFrame (annualised, labelled by asset): used
        as given, aligned by name to cov's labels.
    model: "min-variance" (default), "max-sharpe", "max-utility", "efficient-return",
        "efficient-risk", "max-diversification", "risk-parity", "risk-budget", "hrp", "herc",
        "nco", "equal-weight", "inverse-volatility", "market-cap", "black-litterman",
        "min-cvar", "min-cdar", "min-mad", "minimax", "min-semivariance", "max-ratio" (with
        risk_measure), "kelly" (with kelly_fraction); docs/ratios_and_growth.md.
    constraints: dict with any of budget (1 default; 0 market neutral; None free), bounds
        ((lo, hi) for all, default (0, 1); or {asset: (lo, hi)}), max_weight, max_short,
        max_gross_leverage, net_exposure (lo, hi) with a free budget, groups
        ({name: {"assets": [...], "min": x, "max": y}}, or as the book file's [[groups]] a list
        of {"members": [...] | "tag": column, "value": v, "name", "min", "max"}, a tag needing
        metadata), metadata (DataFrame of tags indexed by asset or with a symbol column; the
        stablecoin tag is its is_stablecoin column), linear ([{"name", "coefficients":
        {asset: a}, "sense": "<=" | ">=" | "=", "rhs"}]), current_weights (Series by asset,
        absent assets 0), max_turnover (Σ|w − w0|).
    risk_free_rate: annual (default 0), for Sharpe ratios. risk_aversion: δ (default 1).
    target_return / target_volatility: annual, for efficient-return / efficient-risk.
    l2: L2 regularisation γ (default 0). linkage: "single" (default), "complete", "average",
        "ward" (hrp, herc, nco). clusters: herc/nco (0 = automatic). alpha: CVaR/CDaR confidence
        (default 0.95). max_risk: tail-risk cap per period. tau: Black–Litterman τ (0.05).
    risk_measure: "variance" or "cvar" (risk-parity, risk-budget); for max-ratio "variance"
        (= max-sharpe), "cvar", "cdar", "mad", "minimax" or "semivariance" (Sortino).
    kelly_fraction: kelly, share of the growth-optimal weights held, in (0, 1] (default 1).
    budgets: Series by asset
        (risk-budget). market_caps: Series by asset (market-cap; with prices also the
        equilibrium prior, like the CLI's --market-caps: then not in estimator_options too).
    raise_on_failure: False (default) returns an unusable result with its status; True raises
        keel.SolveError instead.

    Returns a PortfolioResult. Library warnings are issued as keel.KeelWarning. Invalid input
    raises ValueError/TypeError naming the asset, date or option.
    """
    est_warnings = []
    index = None
    if prices is not None:
        if mu is not None or cov is not None:
            raise ValueError("give either prices or mu/cov, not both")
        estimator_options = dict(estimator_options or {})
        if market_caps is not None:  # one set of caps for the estimates and the model, as the CLI
            if estimator_options.get("market_caps") is not None:
                raise ValueError("give market_caps once: as optimize(market_caps=...) or in "
                                 "estimator_options, not both")
            estimator_options["market_caps"] = market_caps
        estimates, est = _estimate(
            prices, mu=expected_returns, cov=covariance, missing=missing,
            periods_per_year=periods_per_year, log_returns=log_returns, duplicates=duplicates,
            sort=sort, risk_free_rate=risk_free_rate, risk_aversion=risk_aversion,
            options=estimator_options, model=model)
        market = est["market"]
        assets = list(market["assets"])
        est_warnings = list(est["warnings"])
        stamps = market["timestamps"]
        inputs = {
            "assets": len(assets), "observations": int(market["returns"].shape[0]),
            "periods_per_year": market["periods_per_year"],
            "start": _format_stamp(stamps[0]), "end": _format_stamp(stamps[-1]),
            "source": "prices", "returns": "log" if log_returns else "simple",
            "expected_returns": expected_returns, "covariance": covariance,
            "clean_returns": estimator_options.get("clean_returns", "none"),
            "repairs": _repairs(est),
        }
    else:
        if cov is None:
            raise ValueError("no input: pass prices (a DataFrame), or cov= (annualised "
                             "covariance DataFrame) with mu= (annualised expected returns)")
        assets, cov_mat, mu_vec, index = _frames.mu_cov_by_name(mu, cov)
        ppy = 0.0 if periods_per_year is None else _frames._periods(periods_per_year)
        caps = (np.empty(0) if market_caps is None
                else _frames.vector_by_name(market_caps, assets, "market_caps"))
        inputs = {"assets": len(assets), "covariance": "cov", "expected_returns":
                  "mu" if mu is not None else ""}
    # Only what differs from the compiled layer's defaults crosses over (a small solve's call
    # overhead is mostly conversions).
    options = {}
    if constraints is not None:
        options["constraints"] = _constraints(constraints, assets)
    for key, value, default in (("risk_free_rate", risk_free_rate, 0.0),
                                ("risk_aversion", risk_aversion, 1.0), ("l2", l2, 0.0),
                                ("alpha", alpha, 0.95), ("tau", tau, 0.05)):
        if value != default:
            options[key] = float(value)
    if linkage != "single":
        options["linkage"] = linkage
    if clusters:
        options["clusters"] = int(clusters)
    if risk_measure != "variance":
        options["risk_measure"] = risk_measure
    if kelly_fraction != 1.0:
        options["kelly_fraction"] = float(kelly_fraction)
    if target_return is not None:
        options["target_return"] = float(target_return)
    if target_volatility is not None:
        options["target_volatility"] = float(target_volatility)
    if max_risk is not None:
        options["max_risk"] = float(max_risk)
    if budgets is not None:
        options["budgets"] = _frames.vector_by_name(budgets, assets, "budgets")
    if prices is not None:
        solved = _keel.optimize_estimates(estimates, model, options)
    else:
        solved = _keel.optimize(assets, mu_vec, cov_mat, ppy, caps, model, options)
    result = PortfolioResult(solved, assets, inputs, est_warnings, inputs.get("repairs", ()),
                             index=index)
    # What keel.report() draws beside the weights (references, not copies).
    result._report_inputs = ((est["covariance"], est["expected_returns"]) if prices is not None
                             else (cov_mat, mu_vec), float(risk_free_rate))
    if est_warnings or solved.warnings:
        _warn(est_warnings + list(solved.warnings))
    if raise_on_failure and not result.is_usable():
        diagnostics = result.diagnostics
        conflicts = diagnostics.get("conflicting_constraints") or []
        raise SolveError(f"{result.model} is {result.status}: {diagnostics.get('explanation', '')}"
                         + (f" (conflicting: {', '.join(conflicts)})" if conflicts else ""),
                         result)
    return result


def _format_stamp(stamp) -> str:
    ts = pd.Timestamp(int(stamp), unit="s")
    return ts.strftime("%Y-%m-%d") if ts == ts.normalize() else ts.strftime("%Y-%m-%dT%H:%M:%SZ")


# ---- risk -----------------------------------------------------------------------------------------

class RiskProfile(dict):
    """The risk profile of one portfolio: a dict with the keys of `keel risk --format json`
    (volatility {per_period, annualised}, var and cvar by method (loss fractions, positive =
    loss), max_drawdown, average_drawdown, cdar, ulcer_index (of compounded wealth),
    uncompounded_drawdown (the same of the cumulative sum of returns, min-CDaR's), lvar,
    contributions by asset, diagnostics) plus ``portfolio_returns`` (Series, per period) and
    ``periods_per_year``.
    """


def risk_profile(weights, prices=None, *, returns=None, periods_per_year=None, confidence=0.95,
                 methods=None, horizon=1, scenarios=20000, seed=42, missing="error",
                 duplicates="error", sort=False):
    """Volatility, VaR/CVaR (historical, gaussian, cornish-fisher, monte-carlo), drawdowns and
    risk contributions of a weights vector over a return history.

    weights: Series by asset (fractions). Only the held assets' columns are used; an asset in
        weights that is not a column is an error.
    prices (DataFrame dates × assets; simple returns after `missing`) or returns (DataFrame of
        per-period simple returns, no NaN).
    periods_per_year: None infers it from the dates. confidence: of VaR/CVaR/CDaR (0.95).
    methods: list of VaR methods (default all four). horizon: periods (1). scenarios, seed:
        Monte Carlo draws (20000) and seed (42).

    Returns a RiskProfile (dict). Warnings of the estimates are issued as keel.KeelWarning.
    """
    if (prices is None) == (returns is None):
        raise ValueError("give exactly one of prices and returns")
    frame = prices if prices is not None else returns
    what = "prices" if prices is not None else "returns"
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{what} must be a pandas DataFrame (dates × assets), "
                        f"not a {type(frame).__name__}")
    columns = _frames.asset_names(frame.columns, what)
    if isinstance(weights, (pd.Series, dict)):
        names = (_frames.asset_names(weights.index, "weights") if isinstance(weights, pd.Series)
                 else list(weights.keys()))
    else:
        raise TypeError(f"weights must be a pandas Series or a dict by asset name, not a "
                        f"{type(weights).__name__} (positions are never matched by order)")
    absent = [n for n in names if n not in set(columns)]
    if absent:
        raise ValueError(f"weights: asset(s) {', '.join(map(repr, absent))} have no column in "
                         f"{what}")
    held = [c for c in columns if c in set(names)]
    w = _frames.vector_by_name(weights, held, "weights")
    if prices is not None:
        market, index = _frames.prepare(prices[held], missing=missing,
                                        periods_per_year=periods_per_year,
                                        duplicates=duplicates, sort=sort)
        held = list(market["assets"])
        w = _frames.vector_by_name(weights, held, "weights")
        values, stamps, ppy = market["returns"], market["return_timestamps"], \
            market["periods_per_year"]
    else:
        held_names, stamps, values = _frames.table_arrays(returns[held], "returns")
        index = returns.index
        if periods_per_year is None:
            ppy, _ = _keel.infer_frequency(stamps)
        else:
            ppy = _frames._periods(periods_per_year)
    options = dict(periods_per_year=ppy, confidence=float(confidence), horizon=int(horizon),
                   scenarios=int(scenarios), seed=int(seed))
    if methods is not None:
        options["methods"] = [str(m) for m in methods]
    text, portfolio = _keel.risk_profile(held, np.asarray(values, dtype=float), w, options)
    out = RiskProfile(json.loads(text))
    out["portfolio_returns"] = pd.Series(portfolio, index=_frames.to_index(stamps, index),
                                         name="portfolio_return")
    out["periods_per_year"] = ppy
    _warn(out.get("diagnostics", {}).get("warnings", []))
    return out


def hrp(cov, corr=None, *, linkage="single", distance="correlation"):
    """Hierarchical risk parity weights (López de Prado 2016) on a labelled covariance.

    cov: DataFrame labelled by asset on both axes (any scale: per period or annualised).
    corr: optional correlation DataFrame with the same labels (matched by name), e.g. pandas'
        pairwise-complete ``returns.corr()`` to reproduce PyPortfolioOpt's HRPOpt on ragged
        data; None derives it from cov.
    linkage: "single" (default, PyPortfolioOpt's), "complete", "average", "ward".
    distance: "correlation" (default; linkage on d = sqrt((1 − ρ)/2), PyPortfolioOpt's) or
        "euclidean" (Euclidean distance between columns of d, the paper's code).

    Returns a Series of weights by asset (sum 1, long-only) with ``attrs["leaf_order"]`` (assets
    in dendrogram order) and ``attrs["linkage"]`` (scipy's (n − 1) × 4 linkage matrix). Use
    optimize(model="hrp") for the verified portfolio result with performance and diagnostics.
    """
    assets, cov_mat = _frames.matrix_by_name(cov, "cov")
    if corr is None:
        corr_mat = np.empty((0, 0))
    else:
        corr_assets, _ = _frames.matrix_by_name(corr, "corr")
        if set(corr_assets) != set(assets):
            raise ValueError("corr: its assets differ from cov's ("
                             + ", ".join(sorted(set(corr_assets) ^ set(assets))) + ")")
        corr_mat = corr.loc[assets, assets].to_numpy(dtype=np.float64)
    out = _keel.hrp(cov_mat, corr_mat, linkage, distance)
    _warn(out["warnings"])
    if out["status"] not in ("optimal", "optimal-inaccurate"):
        raise _keel.NumericalError(f"hrp is {out['status']}: {out['message']}")
    weights = pd.Series(out["weights"], index=pd.Index(assets, name="asset"), name="weight")
    weights.attrs["leaf_order"] = [assets[i] for i in out["leaf_order"]]
    weights.attrs["linkage"] = out["linkage"]
    return weights
