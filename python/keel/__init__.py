"""Keel: portfolio construction and risk for crypto-asset portfolios, over the Keel C++ core.

    >>> import keel
    >>> w = keel.optimize(prices, model="max-sharpe", constraints={"max_weight": 0.2}).weights

Prices are pandas DataFrames (dates × assets, DatetimeIndex); weights and expected returns are
Series by asset; covariances are DataFrames labelled by asset. Assets are always matched by
name, never by position. Everything computed comes from the compiled library (keel._keel).
"""

from . import _keel
from ._analysis import (BacktestResult, CancelToken, Frontier, StressResult, backtest, frontier,
                        report, stress)
from ._api import (KeelWarning, PortfolioResult, RiskProfile, SolveError, covariance,
                   expected_returns, hrp, optimize, returns, risk_profile)
from ._keel import (InternalError, InvalidInputError, KeelError, NoSolutionError,
                    NumericalError)

__version__: str = _keel.__version__


def __getattr__(name):
    # scikit-learn is imported only when its estimators are used (keel.estimators).
    if name == "estimators":
        from . import estimators
        return estimators
    if name == "WalkForward":
        from .estimators import WalkForward
        return WalkForward
    raise AttributeError(f"module 'keel' has no attribute {name!r}")


__all__ = [
    "__version__", "expected_returns", "covariance", "returns", "optimize", "hrp", "risk_profile",
    "PortfolioResult", "RiskProfile", "KeelWarning", "KeelError", "InvalidInputError",
    "NoSolutionError", "NumericalError", "InternalError", "SolveError", "WalkForward",
    "frontier", "stress", "backtest", "report", "Frontier", "StressResult", "BacktestResult",
    "CancelToken",
]
