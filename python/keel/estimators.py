"""scikit-learn estimators over the same core as the functional API (skfolio-like).

    >>> from sklearn.model_selection import GridSearchCV
    >>> from keel.estimators import Covariance, Portfolio, WalkForward
    >>> model = Portfolio("max-sharpe", covariance_estimator=Covariance("ledoit-wolf"))
    >>> search = GridSearchCV(model, {"covariance_estimator__method": ["sample", "oas"]},
    ...                       cv=WalkForward(train_size=365, test_size=30))
    >>> search.fit(returns)          # returns: DataFrame dates × assets, per-period simple returns

Conventions (as skfolio's):
  * X is a DataFrame of per-period simple returns, dates × assets (DatetimeIndex, increasing);
    NaN = no return (e.g. before a listing; the `missing` policy decides). y is ignored.
  * Every parameter is stored verbatim by ``__init__``; ``get_params``/``set_params``/``clone``
    work, and nested parameters (``covariance_estimator__method``) can be searched.
  * ``Portfolio.fit(X)`` sets ``weights_`` (Series by asset), ``predict(X)`` returns the
    portfolio's per-period returns (Series), ``score(X)`` its annualised Sharpe ratio.

The numbers come from the library through the functional API: ``Portfolio(m, ...).fit(R)``
gives the weights of ``keel.optimize(P, model=m, ...)`` for the prices P whose returns are R.
"""

from __future__ import annotations

import math
import warnings as _warnings

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin, clone

from . import _api, _frames, _keel

__all__ = ["Covariance", "ExpectedReturns", "Portfolio", "SelectComplete", "WalkForward",
           "prices_from_returns"]


# ---- returns → prices -----------------------------------------------------------------------------

def _check_returns(X, what="X"):
    if not isinstance(X, pd.DataFrame):
        raise TypeError(f"{what} must be a pandas DataFrame of per-period returns (dates × "
                        f"assets), not a {type(X).__name__}")
    if not isinstance(X.index, pd.DatetimeIndex):
        raise TypeError(f"{what} must have a DatetimeIndex, not a {type(X.index).__name__}")
    if len(X) < 2:
        raise ValueError(f"{what} has {len(X)} row(s); at least 2 returns are needed")
    if not X.index.is_monotonic_increasing or X.index.has_duplicates:
        raise ValueError(f"{what}: the dates must be strictly increasing; sort them "
                         f"(X.sort_index()) and drop duplicated dates")
    _frames.asset_names(X.columns, what)


def prices_from_returns(X: pd.DataFrame) -> pd.DataFrame:
    """The price table whose simple returns are X: each column starts at 1 one period before its
    first return (one step before the first date, at the first step's spacing, for the columns
    with a first-row return) and compounds; NaN returns stay NaN prices. keel.returns() of the
    result gives X back (to rounding) with the same dates.
    """
    _check_returns(X)
    values = X.to_numpy(dtype=np.float64, na_value=np.nan)
    rows, cols = values.shape
    prices = np.full((rows + 1, cols), np.nan)
    bad = values <= -1.0
    if bad.any():
        t, j = np.argwhere(bad)[0]
        raise ValueError(f"X: asset '{X.columns[j]}' has return {values[t, j]} on {X.index[t]}; "
                         f"a simple return must exceed -1 (the price stays positive)")
    for j in range(cols):
        missing = np.isnan(values[:, j])
        valid = np.flatnonzero(~missing)
        if valid.size == 0:
            continue
        k = valid[0]
        levels = np.cumprod(np.where(missing[k:], 1.0, 1.0 + values[k:, j]))
        levels[missing[k:]] = np.nan
        prices[k, j] = 1.0  # the price before the first return
        prices[k + 1:, j] = levels
    step = X.index[1] - X.index[0]
    index = X.index[:1].shift(-1, freq=step).append(X.index)
    return pd.DataFrame(prices, index=index, columns=X.columns)


def _periods_per_year(X, given):
    if given is not None:
        return _frames._periods(given)
    ppy, _ = _keel.infer_frequency(_frames.seconds(X.index))
    return ppy


# ---- moment estimators ----------------------------------------------------------------------------

class Covariance(BaseEstimator):
    """Covariance estimator: ``fit(X)`` sets ``covariance_`` (annualised DataFrame by asset).

    method: "sample" (default), "ewma", "semicovariance", "ledoit-wolf",
        "ledoit-wolf-constant-correlation", "ledoit-wolf-single-factor", "oas",
        "nonlinear-shrinkage", "denoised", "garch-dcc" (keel.covariance's methods).
    span, half_life (periods) or decay (λ): the EWMA weights (ewma; default decay 0.94).
    semicovariance_threshold: per period (default 0). psd_repair: "none" (default), "clip",
        "higham", "spectral" (pairwise missing policy only).
    missing: "error" (default), "drop-rows", "ffill:N", "drop-assets:F", "pairwise".
    periods_per_year: None (default) infers it from the dates.

    Fitted: covariance_ (annualised), covariance_per_period_, diagnostics_ (shrinkage, min
    eigenvalue, condition number, rank), periods_per_year_, feature_names_in_, n_features_in_.
    """

    def __init__(self, method="sample", *, span=None, half_life=None, decay=None,
                 semicovariance_threshold=0.0, psd_repair="none", missing="error",
                 periods_per_year=None):
        self.method = method
        self.span = span
        self.half_life = half_life
        self.decay = decay
        self.semicovariance_threshold = semicovariance_threshold
        self.psd_repair = psd_repair
        self.missing = missing
        self.periods_per_year = periods_per_year

    def _estimator_options(self):
        out = {}
        for key in ("span", "half_life", "decay"):
            if getattr(self, key) is not None:
                out[key] = float(getattr(self, key))
        if self.semicovariance_threshold:
            out["semicovariance_threshold"] = float(self.semicovariance_threshold)
        if self.psd_repair not in (None, "none"):
            out["psd_repair"] = self.psd_repair
        return out

    def fit(self, X, y=None):
        prices = prices_from_returns(X)
        cov = _api.covariance(prices, self.method, missing=self.missing,
                              periods_per_year=self.periods_per_year,
                              **self._estimator_options())
        self.covariance_ = cov
        ppy = cov.attrs["periods_per_year"]
        self.covariance_per_period_ = cov / ppy
        self.diagnostics_ = cov.attrs["diagnostics"]
        self.periods_per_year_ = ppy
        self.feature_names_in_ = np.asarray(X.columns, dtype=object)
        self.n_features_in_ = X.shape[1]
        return self


class ExpectedReturns(BaseEstimator):
    """Expected-return estimator: ``fit(X)`` sets ``mu_`` (annualised Series by asset).

    method: "mean" (default), "geometric", "ewma", "capm", "james-stein", "equilibrium".
    span, half_life: periods (ewma). compounding: capm/equilibrium compounding (default True).
    benchmark: asset name (capm's market). market_caps: Series by asset (equilibrium).
    risk_free_rate: annual (default 0). risk_aversion: δ (default 1, equilibrium).
    missing, periods_per_year: as Covariance.
    """

    def __init__(self, method="mean", *, span=None, half_life=None, compounding=True,
                 benchmark=None, market_caps=None, risk_free_rate=0.0, risk_aversion=1.0,
                 missing="error", periods_per_year=None):
        self.method = method
        self.span = span
        self.half_life = half_life
        self.compounding = compounding
        self.benchmark = benchmark
        self.market_caps = market_caps
        self.risk_free_rate = risk_free_rate
        self.risk_aversion = risk_aversion
        self.missing = missing
        self.periods_per_year = periods_per_year

    def _estimator_options(self):
        out = {}
        for key in ("span", "half_life"):
            if getattr(self, key) is not None:
                out[key] = float(getattr(self, key))
        if not self.compounding:
            out["compounding"] = False
        if self.benchmark is not None:
            out["benchmark"] = self.benchmark
        if self.market_caps is not None:
            out["market_caps"] = self.market_caps
        return out

    def fit(self, X, y=None):
        prices = prices_from_returns(X)
        mu = _api.expected_returns(prices, self.method, missing=self.missing,
                                   periods_per_year=self.periods_per_year,
                                   risk_free_rate=self.risk_free_rate,
                                   risk_aversion=self.risk_aversion, **self._estimator_options())
        self.mu_ = mu
        self.periods_per_year_ = mu.attrs["periods_per_year"]
        self.feature_names_in_ = np.asarray(X.columns, dtype=object)
        self.n_features_in_ = X.shape[1]
        return self


# ---- portfolio models -----------------------------------------------------------------------------

def _merge_options(mu_options, cov_options):
    """One estimator_options dict for the library (span and half_life are shared by the mean
    and the covariance there): a conflict is an error naming the option."""
    merged = dict(cov_options)
    for key, value in mu_options.items():
        if key in merged and merged[key] != value:
            raise ValueError(f"expected_returns_estimator and covariance_estimator set {key} to "
                             f"{value!r} and {merged[key]!r}; the library uses one {key} for "
                             f"both: give it once")
        merged[key] = value
    return merged


class Portfolio(BaseEstimator):
    """A portfolio model as a scikit-learn estimator (keel.optimize over the training window).

    model: any model of keel.optimize ("min-variance" default, "max-sharpe", "hrp",
        "risk-parity", "min-cvar", ...).
    covariance_estimator: a Covariance (default Covariance("sample")); its method and options
        estimate Σ. expected_returns_estimator: an ExpectedReturns (default
        ExpectedReturns("mean")). Both may be searched with GridSearchCV
        ("covariance_estimator__method").
    constraints: the constraint dict of keel.optimize (bounds, max_weight, groups, linear, ...).
    risk_free_rate (annual, default 0), risk_aversion (δ, 1), target_return, target_volatility
        (annual), l2, linkage, clusters, alpha, max_risk, tau, risk_measure, budgets,
        market_caps: as keel.optimize.
    missing: the missing-data policy of the training window ("error" default, "pairwise", ...).
    periods_per_year: None (default) infers it from the dates.
    fallback: None, or an estimator, or "previous_weights", or a list of those, tried in order
        when the model fails (no usable weights, or an error of the library) — as skfolio's.
        The successful one is ``fallback_`` (the estimator or "previous_weights"), and
        ``fallback_chain_`` lists every attempt as (name, "success" or the error).
    previous_weights: Series by asset (absent assets 0), for the "previous_weights" fallback.
    raise_on_failure: True (default) raises when the model and every fallback fail (the last
        error); False issues a keel.KeelWarning instead and sets ``weights_`` to None, and
        predict() then returns NaN returns.

    Fitted: weights_ (Series by asset), result_ (keel.PortfolioResult of the model that gave the
    weights; None for previous_weights), periods_per_year_, feature_names_in_, n_features_in_.
    """

    def __init__(self, model="min-variance", *, covariance_estimator=None,
                 expected_returns_estimator=None, constraints=None, risk_free_rate=0.0,
                 risk_aversion=1.0, target_return=None, target_volatility=None, l2=0.0,
                 linkage="single", clusters=0, alpha=0.95, max_risk=None, tau=0.05,
                 risk_measure="variance", budgets=None, market_caps=None, missing="error",
                 periods_per_year=None, fallback=None, previous_weights=None,
                 raise_on_failure=True):
        self.model = model
        self.covariance_estimator = covariance_estimator
        self.expected_returns_estimator = expected_returns_estimator
        self.constraints = constraints
        self.risk_free_rate = risk_free_rate
        self.risk_aversion = risk_aversion
        self.target_return = target_return
        self.target_volatility = target_volatility
        self.l2 = l2
        self.linkage = linkage
        self.clusters = clusters
        self.alpha = alpha
        self.max_risk = max_risk
        self.tau = tau
        self.risk_measure = risk_measure
        self.budgets = budgets
        self.market_caps = market_caps
        self.missing = missing
        self.periods_per_year = periods_per_year
        self.fallback = fallback
        self.previous_weights = previous_weights
        self.raise_on_failure = raise_on_failure

    # The keel.optimize call of this model on a price table, raising on an unusable answer.
    def _solve(self, prices):
        cov_est = self.covariance_estimator if self.covariance_estimator is not None \
            else Covariance()
        mu_est = self.expected_returns_estimator if self.expected_returns_estimator is not None \
            else ExpectedReturns()
        if not isinstance(cov_est, Covariance):
            raise TypeError(f"covariance_estimator must be a keel.estimators.Covariance, not a "
                            f"{type(cov_est).__name__}")
        if not isinstance(mu_est, ExpectedReturns):
            raise TypeError(f"expected_returns_estimator must be a keel.estimators."
                            f"ExpectedReturns, not a {type(mu_est).__name__}")
        options = _merge_options(mu_est._estimator_options(), cov_est._estimator_options())
        market_caps = options.pop("market_caps", None)
        if self.market_caps is not None:
            if market_caps is not None:
                raise ValueError("give market_caps once: to the Portfolio or to its "
                                 "ExpectedReturns, not both")
            market_caps = self.market_caps
        return _api.optimize(
            prices, model=self.model, constraints=self.constraints,
            expected_returns=mu_est.method, covariance=cov_est.method,
            estimator_options=options, missing=self.missing,
            periods_per_year=self.periods_per_year, risk_free_rate=self.risk_free_rate,
            risk_aversion=self.risk_aversion, target_return=self.target_return,
            target_volatility=self.target_volatility, l2=self.l2, linkage=self.linkage,
            clusters=self.clusters, alpha=self.alpha, max_risk=self.max_risk, tau=self.tau,
            risk_measure=self.risk_measure, budgets=self.budgets, market_caps=market_caps,
            raise_on_failure=True)

    def fit(self, X, y=None):
        prices = prices_from_returns(X)
        self.feature_names_in_ = np.asarray(X.columns, dtype=object)
        self.n_features_in_ = X.shape[1]
        self.periods_per_year_ = _periods_per_year(X, self.periods_per_year)
        chain = [] if self.fallback is None else (
            list(self.fallback) if isinstance(self.fallback, (list, tuple)) else [self.fallback])
        self.fallback_chain_ = []
        self.fallback_ = None
        self.weights_ = None
        self.result_ = None
        errors = []
        for attempt, candidate in enumerate([self] + chain):
            name = ("primary" if attempt == 0 else
                    candidate if isinstance(candidate, str) else type(candidate).__name__
                    + (f"({candidate.model!r})" if hasattr(candidate, "model") else ""))
            try:
                weights, result = self._attempt(candidate, X, prices, attempt == 0)
            except (_keel.KeelError, _api.SolveError) as error:
                self.fallback_chain_.append((name, f"{type(error).__name__}: {error}"))
                errors.append(error)
                continue
            self.fallback_chain_.append((name, "success"))
            self.weights_ = weights
            self.result_ = result
            self.fallback_ = None if attempt == 0 else candidate
            return self
        if self.raise_on_failure:
            raise errors[-1]
        _warnings.warn(f"{self.model}: no usable weights (the model and {len(chain)} "
                       f"fallback(s) failed: {errors[-1]}); weights_ is None",
                       _api.KeelWarning, stacklevel=2)
        return self

    def _attempt(self, candidate, X, prices, primary):
        if primary:
            result = self._solve(prices)
            return result.weights.copy(), result
        if isinstance(candidate, str):
            if candidate != "previous_weights":
                raise ValueError(f"fallback {candidate!r} is unknown; use an estimator or "
                                 f"'previous_weights'")
            if self.previous_weights is None:
                raise _keel.InvalidInputError("fallback 'previous_weights' needs "
                                              "previous_weights (a Series by asset)")
            w = _frames.vector_by_name(self.previous_weights, list(X.columns),
                                       "previous_weights", fill=0.0)
            return pd.Series(w, index=pd.Index(list(X.columns), name="asset"),
                             name="weight"), None
        fitted = clone(candidate).fit(X)
        if getattr(fitted, "weights_", None) is None:
            raise _api.SolveError(f"fallback {type(candidate).__name__} gave no weights",
                                  getattr(fitted, "result_", None))
        return fitted.weights_.copy(), getattr(fitted, "result_", None)

    def _check_fitted(self):
        if not hasattr(self, "fallback_chain_"):
            from sklearn.exceptions import NotFittedError
            raise NotFittedError(f"this {type(self).__name__} is not fitted yet; call fit(X)")

    def predict(self, X):
        """The portfolio's per-period returns over X (Series by date): Σ_i w_i r_i with the
        fitted weights held constant (rebalanced every period). A held asset missing from X is
        an error naming it; NaN returns of unheld assets are ignored; NaN when weights_ is None.
        """
        self._check_fitted()
        if not isinstance(X, pd.DataFrame):
            raise TypeError(f"X must be a pandas DataFrame of returns, not a {type(X).__name__}")
        if self.weights_ is None:
            return pd.Series(np.nan, index=X.index, name="portfolio_return")
        held = self.weights_[self.weights_ != 0.0]
        absent = [a for a in held.index if a not in set(X.columns)]
        if absent:
            raise ValueError(f"X: held asset(s) {', '.join(map(repr, absent))} have no column")
        values = X[list(held.index)].to_numpy(dtype=np.float64, na_value=np.nan)
        return pd.Series(values @ held.to_numpy(), index=X.index, name="portfolio_return")

    def score(self, X, y=None):
        """Annualised Sharpe ratio of predict(X): (mean − rf/ppy) / std (ddof 1) · √ppy, with
        ppy = periods_per_year_ (of the training data) and rf = risk_free_rate (annual)."""
        r = self.predict(X).to_numpy()
        if len(r) < 2 or np.isnan(r).any():
            return math.nan
        ppy = self.periods_per_year_
        sd = r.std(ddof=1)
        if sd == 0:
            return math.nan
        return float((r.mean() - self.risk_free_rate / ppy) / sd * math.sqrt(ppy))


# ---- pre-selection --------------------------------------------------------------------------------

class SelectComplete(BaseEstimator, TransformerMixin):
    """Keeps the assets with at most `max_missing` (fraction, default 0) NaN returns in the
    training window; transform(X) returns those columns (an error naming a kept asset absent
    from X). Use before a Portfolio in a Pipeline when assets list during the sample."""

    def __init__(self, max_missing=0.0):
        self.max_missing = max_missing

    def fit(self, X, y=None):
        _check_returns(X)
        share = X.isna().mean()
        self.assets_ = [c for c in X.columns if share[c] <= self.max_missing]
        if not self.assets_:
            raise ValueError(f"SelectComplete: no asset has at most {self.max_missing:.0%} "
                             f"missing returns in the training window")
        self.feature_names_in_ = np.asarray(X.columns, dtype=object)
        self.n_features_in_ = X.shape[1]
        return self

    def transform(self, X):
        absent = [a for a in self.assets_ if a not in set(X.columns)]
        if absent:
            raise ValueError(f"X: selected asset(s) {', '.join(map(repr, absent))} have no column")
        return X[self.assets_]

    def get_feature_names_out(self, input_features=None):
        return np.asarray(self.assets_, dtype=object)


# ---- cross-validation -----------------------------------------------------------------------------

class WalkForward:
    """Walk-forward cross-validation: train on `train_size` rows, test on the next `test_size`,
    then move forward by `test_size` (a scikit-learn splitter: split(X) yields (train, test)
    integer positions; usable as cv= in GridSearchCV and cross_val_score).

    train_size, test_size: rows (≥ 2 and ≥ 1). purged_size: rows dropped between the train and
    the test window (default 0). expand_train: True trains on every row before the test window
    (from the first) instead of a rolling window (default False). reduce_test: True keeps a
    last, shorter test window (default False drops it).
    """

    def __init__(self, train_size, test_size, *, purged_size=0, expand_train=False,
                 reduce_test=False):
        self.train_size = train_size
        self.test_size = test_size
        self.purged_size = purged_size
        self.expand_train = expand_train
        self.reduce_test = reduce_test

    def _check(self):
        for name, low in (("train_size", 2), ("test_size", 1), ("purged_size", 0)):
            value = getattr(self, name)
            if not isinstance(value, (int, np.integer)) or value < low:
                raise ValueError(f"WalkForward: {name} must be an integer ≥ {low}, not {value!r}")

    def split(self, X, y=None, groups=None):
        self._check()
        n = len(X)
        start = self.train_size + self.purged_size
        if start + (1 if self.reduce_test else self.test_size) > n:
            raise ValueError(f"WalkForward: {n} rows are too few for train_size "
                             f"{self.train_size} + purged_size {self.purged_size} + test_size "
                             f"{self.test_size}")
        test_start = start
        while test_start < n:
            test_end = test_start + self.test_size
            if test_end > n:
                if not self.reduce_test:
                    break
                test_end = n
            train_end = test_start - self.purged_size
            train_start = 0 if self.expand_train else train_end - self.train_size
            yield np.arange(train_start, train_end), np.arange(test_start, test_end)
            test_start += self.test_size

    def get_n_splits(self, X=None, y=None, groups=None):
        if X is None:
            raise ValueError("WalkForward.get_n_splits needs X (the number of splits depends "
                             "on its length)")
        return sum(1 for _ in self.split(X))

    def __repr__(self):
        return (f"WalkForward(train_size={self.train_size}, test_size={self.test_size}, "
                f"purged_size={self.purged_size}, expand_train={self.expand_train}, "
                f"reduce_test={self.reduce_test})")
