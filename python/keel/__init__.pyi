# Type stubs of the public keel API (python/keel/_api.py, python/src/module.cpp).
from typing import Any, Iterable, Literal, Mapping, Optional, Sequence, Union

import numpy as np
import pandas as pd

__version__: str

Missing = str  # "error", "drop-rows", "ffill:N", "drop-assets:F", "pairwise", "ffill:N,STEP"
Duplicates = Literal["error", "keep-first", "keep-last"]
ExpectedReturnMethod = Literal["mean", "geometric", "ewma", "capm", "james-stein", "equilibrium"]
CovarianceMethod = Literal["sample", "ewma", "semicovariance", "ledoit-wolf",
                           "ledoit-wolf-constant-correlation", "ledoit-wolf-single-factor", "oas",
                           "nonlinear-shrinkage", "denoised", "garch-dcc", "factor", "factor-pca"]
Model = Literal["min-variance", "max-sharpe", "max-utility", "efficient-return", "efficient-risk",
                "max-diversification", "risk-parity", "risk-budget", "hrp", "herc", "nco",
                "equal-weight", "inverse-volatility", "market-cap", "black-litterman", "min-cvar",
                "min-cdar", "min-mad", "minimax", "min-semivariance", "max-ratio", "kelly"]
Linkage = Literal["single", "complete", "average", "ward"]
VarMethod = Literal["historical", "gaussian", "cornish-fisher", "monte-carlo"]
ByAsset = Union[pd.Series, Mapping[str, float]]

class KeelError(Exception): ...
class InvalidInputError(KeelError, ValueError): ...
class NoSolutionError(KeelError, RuntimeError): ...
class NumericalError(KeelError, ArithmeticError): ...
class InternalError(KeelError, RuntimeError): ...
class KeelWarning(UserWarning): ...

class SolveError(NoSolutionError):
    result: PortfolioResult
    def __init__(self, message: str, result: PortfolioResult) -> None: ...

class PortfolioResult:
    model: str
    status: str
    weights: pd.Series
    weights_array: np.ndarray
    assets: list[str]
    performance: dict[str, float]
    diagnostics: dict[str, Any]
    details: dict[str, Any]
    inputs: dict[str, Any]
    def is_usable(self) -> bool: ...
    def to_dict(self) -> dict[str, Any]: ...

class RiskProfile(dict[str, Any]): ...

def returns(prices: pd.DataFrame, *, missing: Missing = "error",
            periods_per_year: Optional[float] = None, log_returns: bool = False,
            duplicates: Duplicates = "error", sort: bool = False) -> pd.DataFrame: ...

def expected_returns(prices: pd.DataFrame, method: ExpectedReturnMethod = "mean", *,
                     missing: Missing = "error", periods_per_year: Optional[float] = None,
                     log_returns: bool = False, duplicates: Duplicates = "error",
                     sort: bool = False, risk_free_rate: float = 0.0, risk_aversion: float = 1.0,
                     span: Optional[float] = None, half_life: Optional[float] = None,
                     compounding: bool = True, benchmark: Optional[str] = None,
                     market_caps: Optional[ByAsset] = None, clean_returns: str = "none",
                     min_history: int = 0, drop_short_history: bool = False) -> pd.Series: ...

def covariance(prices: pd.DataFrame, method: CovarianceMethod = "sample", *,
               annualise: bool = True, missing: Missing = "error",
               periods_per_year: Optional[float] = None, log_returns: bool = False,
               duplicates: Duplicates = "error", sort: bool = False,
               psd_repair: Literal["none", "clip", "higham", "spectral"] = "none",
               span: Optional[float] = None, half_life: Optional[float] = None,
               decay: Optional[float] = None, semicovariance_threshold: float = 0.0,
               clean_returns: str = "none",
               min_history: int = 0, drop_short_history: bool = False,
               **options: Any) -> pd.DataFrame: ...

def optimize(prices: Optional[pd.DataFrame] = None, *, mu: Optional[ByAsset] = None,
             cov: Optional[pd.DataFrame] = None, model: Model = "min-variance",
             constraints: Optional[Mapping[str, Any]] = None,
             expected_returns: ExpectedReturnMethod = "mean",
             covariance: CovarianceMethod = "sample",
             estimator_options: Optional[Mapping[str, Any]] = None, missing: Missing = "error",
             periods_per_year: Optional[float] = None, log_returns: bool = False,
             duplicates: Duplicates = "error", sort: bool = False, risk_free_rate: float = 0.0,
             risk_aversion: float = 1.0, target_return: Optional[float] = None,
             target_volatility: Optional[float] = None, l2: float = 0.0,
             linkage: Linkage = "single", clusters: int = 0, alpha: float = 0.95,
             max_risk: Optional[float] = None, tau: float = 0.05,
             risk_measure: Literal["variance", "cvar", "cdar", "mad", "minimax",
                                   "semivariance"] = "variance",
             kelly_fraction: float = 1.0,
             budgets: Optional[ByAsset] = None, market_caps: Optional[ByAsset] = None,
             raise_on_failure: bool = False) -> PortfolioResult: ...

def hrp(cov: pd.DataFrame, corr: Optional[pd.DataFrame] = None, *, linkage: Linkage = "single",
        distance: Literal["correlation", "euclidean"] = "correlation") -> pd.Series: ...

def risk_profile(weights: ByAsset, prices: Optional[pd.DataFrame] = None, *,
                 returns: Optional[pd.DataFrame] = None,
                 periods_per_year: Optional[float] = None, confidence: float = 0.95,
                 methods: Optional[Sequence[VarMethod]] = None, horizon: int = 1,
                 scenarios: int = 20000, seed: int = 42,
                 missing: Missing = "error", duplicates: Duplicates = "error",
                 sort: bool = False) -> RiskProfile: ...

from . import estimators as estimators
from .estimators import WalkForward as WalkForward

class CancelToken:
    """Set from another thread to cancel a running backtest."""
    cancelled: bool
    def __init__(self) -> None: ...
    def cancel(self) -> None: ...

class Frontier:
    status: str
    assets: list[str]
    points: pd.DataFrame          # expected_return, volatility (annualised), sharpe
    weights: pd.DataFrame         # points × assets
    turning_points: pd.DataFrame  # exact frontier only
    max_sharpe: Optional[pd.Series]
    max_sharpe_performance: Optional[dict[str, float]]
    diagnostics: dict[str, Any]
    inputs: dict[str, Any]
    def is_usable(self) -> bool: ...
    def to_dict(self) -> dict[str, Any]: ...

class StressResult(dict[str, Any]):
    @property
    def windows(self) -> pd.DataFrame: ...

class BacktestResult:
    assets: list[str]
    strategies: list[str]
    periods_per_year: float
    elapsed_ms: float
    equity: pd.DataFrame          # dates × strategies, quote currency
    returns: pd.DataFrame         # net per-period returns
    gross_returns: pd.DataFrame
    cost_returns: pd.DataFrame
    cash_weight: pd.DataFrame
    weights: dict[str, pd.DataFrame]  # strategy → dates × assets
    trades: pd.DataFrame          # strategy, decision_date, execution_date, asset, target
    rebalances: pd.DataFrame
    costs: pd.DataFrame           # strategies × fees, spread, impact, financing, total
    metrics: pd.DataFrame
    warnings: dict[str, list[str]]
    def to_dict(self, include_weights: bool = False) -> dict[str, Any]: ...

def frontier(prices: Optional[pd.DataFrame] = None, *, mu: Optional[ByAsset] = None,
             cov: Optional[pd.DataFrame] = None, points: int = 20,
             constraints: Optional[Mapping[str, Any]] = None,
             expected_returns: ExpectedReturnMethod = "mean",
             covariance: CovarianceMethod = "sample",
             estimator_options: Optional[Mapping[str, Any]] = None, missing: Missing = "error",
             periods_per_year: Optional[float] = None, log_returns: bool = False,
             duplicates: Duplicates = "error", sort: bool = False, risk_free_rate: float = 0.0,
             risk_aversion: float = 1.0,
             volatility_cap: Optional[float] = None) -> Frontier: ...

def stress(weights: ByAsset, prices: pd.DataFrame, *, windows: str = "all",
           custom_windows: Optional[Sequence[str]] = None, missing_history: str = "exclude",
           scenarios: Optional[Sequence[Mapping[str, Any]]] = None, missing: Missing = "error",
           periods_per_year: Optional[float] = None, duplicates: Duplicates = "error",
           sort: bool = False, alpha: float = 0.95, horizon: int = 1,
           correlation_shift: float = 0.5, vol_multiplier: float = 1.5, zero_mean: bool = False,
           liquidity_multiplier: float = 3.0, portfolio_value: float = 0.0,
           max_participation: float = 0.1) -> StressResult: ...

def backtest(prices: pd.DataFrame,
             strategies: Union[Mapping[str, Any], Sequence[Mapping[str, Any]]], *,
             rebalance: str = "monthly", window: int = 365, expanding: bool = False,
             min_history: int = 0, lag: int = 1, initial_value: float = 1_000_000.0,
             risk_free_rate: float = 0.0, costs: Optional[Mapping[str, float]] = None,
             missing: Missing = "pairwise", periods_per_year: Optional[float] = None,
             duplicates: Duplicates = "error", sort: bool = False,
             market_caps: Optional[ByAsset] = None, start: Any = None, end: Any = None,
             warm_start: bool = True, threads: int = 1,
             cancel: Optional[CancelToken] = None) -> BacktestResult: ...

def report(result: Union[PortfolioResult, BacktestResult, Frontier, StressResult], path: Any, *,
           title: Optional[str] = None) -> str: ...
