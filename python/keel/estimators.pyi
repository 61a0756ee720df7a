# Type stubs of keel.estimators (python/keel/estimators.py): scikit-learn estimators over the core.
from typing import Any, Iterator, Literal, Mapping, Optional, Sequence, Union

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin

from . import CovarianceMethod, ExpectedReturnMethod, Linkage, Missing, Model, PortfolioResult

def prices_from_returns(X: pd.DataFrame) -> pd.DataFrame: ...

class Covariance(BaseEstimator):
    method: CovarianceMethod
    covariance_: pd.DataFrame              # annualised
    covariance_per_period_: pd.DataFrame
    diagnostics_: dict[str, Any]
    periods_per_year_: float
    def __init__(self, method: CovarianceMethod = "sample", *, span: Optional[float] = None,
                 half_life: Optional[float] = None, decay: Optional[float] = None,
                 semicovariance_threshold: float = 0.0,
                 psd_repair: Literal["none", "clip", "higham", "spectral"] = "none",
                 missing: Missing = "error", periods_per_year: Optional[float] = None) -> None: ...
    def fit(self, X: pd.DataFrame, y: Any = None) -> "Covariance": ...

class ExpectedReturns(BaseEstimator):
    method: ExpectedReturnMethod
    mu_: pd.Series                         # annualised
    periods_per_year_: float
    def __init__(self, method: ExpectedReturnMethod = "mean", *, span: Optional[float] = None,
                 half_life: Optional[float] = None, compounding: bool = True,
                 benchmark: Optional[str] = None, market_caps: Optional[pd.Series] = None,
                 risk_free_rate: float = 0.0, risk_aversion: float = 1.0,
                 missing: Missing = "error", periods_per_year: Optional[float] = None) -> None: ...
    def fit(self, X: pd.DataFrame, y: Any = None) -> "ExpectedReturns": ...

Fallback = Union[BaseEstimator, Literal["previous_weights"]]

class Portfolio(BaseEstimator):
    weights_: Optional[pd.Series]
    result_: Optional[PortfolioResult]
    fallback_: Optional[Fallback]
    fallback_chain_: list[tuple[str, str]]
    periods_per_year_: float
    def __init__(self, model: Model = "min-variance", *,
                 covariance_estimator: Optional[Covariance] = None,
                 expected_returns_estimator: Optional[ExpectedReturns] = None,
                 constraints: Optional[Mapping[str, Any]] = None, risk_free_rate: float = 0.0,
                 risk_aversion: float = 1.0, target_return: Optional[float] = None,
                 target_volatility: Optional[float] = None, l2: float = 0.0,
                 linkage: Linkage = "single", clusters: int = 0, alpha: float = 0.95,
                 max_risk: Optional[float] = None, tau: float = 0.05,
                 risk_measure: Literal["variance", "cvar"] = "variance",
                 budgets: Optional[pd.Series] = None, market_caps: Optional[pd.Series] = None,
                 missing: Missing = "error", periods_per_year: Optional[float] = None,
                 fallback: Union[None, Fallback, Sequence[Fallback]] = None,
                 previous_weights: Optional[pd.Series] = None,
                 raise_on_failure: bool = True) -> None: ...
    def fit(self, X: pd.DataFrame, y: Any = None) -> "Portfolio": ...
    def predict(self, X: pd.DataFrame) -> pd.Series: ...
    def score(self, X: pd.DataFrame, y: Any = None) -> float: ...

class SelectComplete(BaseEstimator, TransformerMixin):
    assets_: list[str]
    def __init__(self, max_missing: float = 0.0) -> None: ...
    def fit(self, X: pd.DataFrame, y: Any = None) -> "SelectComplete": ...
    def transform(self, X: pd.DataFrame) -> pd.DataFrame: ...

class WalkForward:
    train_size: int
    test_size: int
    purged_size: int
    expand_train: bool
    reduce_test: bool
    def __init__(self, train_size: int, test_size: int, *, purged_size: int = 0,
                 expand_train: bool = False, reduce_test: bool = False) -> None: ...
    def split(self, X: Any, y: Any = None,
              groups: Any = None) -> Iterator[tuple[np.ndarray, np.ndarray]]: ...
    def get_n_splits(self, X: Any = None, y: Any = None, groups: Any = None) -> int: ...
