"""Shared fixtures of the keel Python tests (run against the installed package)."""

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
SHARED_DATA = Path(os.environ.get("KEEL_SHARED_DATA_DIR", ROOT.parent / "shared" / "data"))
PYPFOPT_DIR = SHARED_DATA / "reference" / "pyportfolioopt"


@pytest.fixture(scope="session")
def pypfopt_prices():
    """PyPortfolioOpt's tests/resources/stock_prices.csv (MIT), as its tests read it."""
    path = PYPFOPT_DIR / "stock_prices.csv"
    if not path.is_file():
        pytest.skip(f"shared data not found: {path}")
    return pd.read_csv(path, parse_dates=True, index_col="date")


@pytest.fixture(scope="session")
def pypfopt_csv():
    path = PYPFOPT_DIR / "stock_prices.csv"
    if not path.is_file():
        pytest.skip(f"shared data not found: {path}")
    return path


@pytest.fixture(scope="session")
def keel_cli():
    """The command-line keel of a ci build (KEEL_CLI, else build/ci/apps/keel/keel)."""
    path = Path(os.environ.get("KEEL_CLI", ROOT / "build" / "ci" / "apps" / "keel" / "keel"))
    if not os.access(path, os.X_OK):
        pytest.skip(f"no keel binary at {path} (build the ci preset, or set KEEL_CLI)")
    return path


def simulated_prices(days=400, assets=("BTC", "ETH", "SOL", "ADA", "XRP", "DOGE"), seed=7,
                     freq="D", start="2022-01-01", tz=None):
    """Geometric random walks with correlated shocks: a complete daily 24/7 price table."""
    rng = np.random.default_rng(seed)
    n = len(assets)
    vols = np.linspace(0.03, 0.06, n)
    corr = 0.5 * np.ones((n, n)) + 0.5 * np.eye(n)
    chol = np.linalg.cholesky(corr * np.outer(vols, vols))
    shocks = rng.standard_normal((days - 1, n)) @ chol.T + np.linspace(0.0005, 0.0015, n)
    levels = 100.0 * np.exp(np.vstack([np.zeros(n), np.cumsum(shocks, axis=0)]))
    index = pd.date_range(start, periods=days, freq=freq, tz=tz)
    return pd.DataFrame(levels, index=index, columns=list(assets))


@pytest.fixture
def prices():
    return simulated_prices()
