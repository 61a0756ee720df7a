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
                           "nonlinear-shrinkage", "denoised", "garch-dcc"]
Model = Literal["min-variance", "max-sharpe", "max-utility", "efficient-return", "efficient-risk",
                "max-diversification", "risk-parity", "risk-budget", "hrp", "herc", "nco",
                "equal-weight", "inverse-volatility", "market-cap", "black-litterman", "min-cvar",
                "min-cdar", "min-mad", "minimax"]
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
             risk_measure: Literal["variance", "cvar"] = "variance",
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
