"""The Python API gives the CLI's answer on the same inputs (keel optimize --format json).

Runs the ci build's keel (KEEL_CLI or build/ci/apps/keel/keel; skipped when absent) on a CSV
written from the same DataFrame. The binary is built with other flags (RelWithDebInfo), so
numbers agree to rounding, not bit for bit."""

import json
import subprocess
import warnings

import numpy as np
import pandas as pd
import pytest

import keel
from conftest import simulated_prices

CASES = [
    (dict(model="max-sharpe", expected_returns="mean", covariance="ledoit-wolf",
          constraints={"max_weight": 0.3}),
     ["--model", "max-sharpe", "--mu", "mean", "--cov", "ledoit-wolf", "--max-weight", "0.3"]),
    (dict(model="min-variance", covariance="sample", missing="drop-rows"),
     ["--model", "min-variance", "--missing", "drop-rows"]),
    (dict(model="hrp", expected_returns="geometric", periods_per_year=252, risk_free_rate=0.02),
     ["--model", "hrp", "--mu", "geometric", "--periods-per-year", "252", "--risk-free", "0.02"]),
    (dict(model="efficient-risk", target_volatility=0.7, covariance="oas",
          constraints={"bounds": (-0.2, 0.6)}),
     ["--model", "efficient-risk", "--target-volatility", "0.7", "--cov", "oas", "--bounds",
      "-0.2,0.6"]),
    (dict(model="min-variance", constraints={"max_weight": 0.1}),  # infeasible: 6 × 0.1 < 1
     ["--model", "min-variance", "--max-weight", "0.1"]),
    # Ragged history kept: hrp clusters on the pairwise-complete correlation, and the mean that
    # hrp does not need is skipped with a warning, in both.
    (dict(model="hrp", missing="pairwise"), ["--model", "hrp", "--missing", "pairwise"]),
    (dict(model="max-ratio", risk_measure="cvar", constraints={"max_weight": 0.5}),
     ["--model", "max-ratio", "--risk-measure", "cvar", "--max-weight", "0.5"]),
    (dict(model="kelly", kelly_fraction=0.5), ["--model", "kelly", "--kelly-fraction", "0.5"]),
]


@pytest.mark.parametrize("kwargs,flags", CASES, ids=["max-sharpe", "drop-rows", "hrp", "efficient-risk",
                                                     "infeasible", "hrp-pairwise",
                                                     "max-ratio-cvar", "half-kelly"])
def test_same_answer_as_the_cli(tmp_path, keel_cli, kwargs, flags):
    prices = simulated_prices(days=500, seed=11)
    prices.iloc[:40, 4] = np.nan  # XRP listed later (drop-rows case; others keep it complete)
    if kwargs.get("missing") not in ("drop-rows", "pairwise"):
        prices = prices.iloc[40:]
    path = tmp_path / "prices.csv"
    prices.to_csv(path, index_label="date", float_format="%.17g", date_format="%Y-%m-%d")
    done = subprocess.run([str(keel_cli), "optimize", "--prices", str(path), *flags,
                           "--format", "json"], capture_output=True, text=True)
    cli = json.loads(done.stdout)
    assert done.returncode == (0 if cli["status"] == "optimal" else 3), done.stderr
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", keel.KeelWarning)
        py = keel.optimize(prices, **kwargs).to_dict()
    assert py["status"] == cli["status"]
    if cli["status"] != "optimal":
        assert py["diagnostics"]["explanation"] == cli["diagnostics"]["explanation"]
        assert not py["weights"] and not cli["weights"]
        return
    assert list(py["weights"]) == list(cli["weights"])
    np.testing.assert_allclose(list(py["weights"].values()), list(cli["weights"].values()),
                               atol=1e-9)
    for key in ("expected_return", "volatility", "sharpe"):
        assert py["performance"][key] == pytest.approx(cli["performance"][key], rel=1e-9)
    for key in ("assets", "observations", "periods_per_year", "start", "end"):
        assert py["inputs"][key] == cli["inputs"][key], key
    assert py["diagnostics"]["warnings"] == cli["diagnostics"]["warnings"]
    assert [r["action"] for r in py["diagnostics"]["repairs"]] == \
        [r["action"] for r in cli["diagnostics"]["repairs"]]


METADATA = pd.DataFrame({"symbol": ["BTC", "ETH", "SOL", "ADA", "XRP", "DOGE"],
                         "chain": ["bitcoin", "ethereum", "solana", "cardano", "ripple", "dogecoin"],
                         "sector": ["store-of-value", "l1", "l1", "l1", "payments", "meme"],
                         "is_stablecoin": [False] * 6})


def test_groups_by_metadata_tag_give_the_book_files_answer(tmp_path, keel_cli):
    """[[groups]] by tag, as a list of dicts with the metadata as a DataFrame, against the CLI
    reading the same groups from a book file and the metadata from a CSV."""
    prices = simulated_prices(days=500, seed=11)
    path = tmp_path / "prices.csv"
    prices.to_csv(path, index_label="date", float_format="%.17g", date_format="%Y-%m-%d")
    METADATA.to_csv(tmp_path / "metadata.csv", index=False)
    (tmp_path / "book.toml").write_text(
        'metadata = "metadata.csv"\n'
        '[[groups]]\ntag = "sector"\nmax = 0.35\n'
        '[[groups]]\ntag = "sector"\nvalue = "meme"\nmin = 0.05\n')
    done = subprocess.run([str(keel_cli), "optimize", "--prices", str(path), "--model",
                           "max-sharpe", "--config", str(tmp_path / "book.toml"), "--format", "json"],
                          capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    cli = json.loads(done.stdout)
    constraints = {"metadata": METADATA,
                   "groups": [{"tag": "sector", "max": 0.35},
                              {"tag": "sector", "value": "meme", "min": 0.05}]}
    py = keel.optimize(prices, model="max-sharpe", constraints=constraints)
    assert py.status == cli["status"] == "optimal"
    np.testing.assert_allclose(py.weights[list(cli["weights"])].to_numpy(),
                               list(cli["weights"].values()), atol=1e-9)
    sectors = METADATA.set_index("symbol")["sector"]
    by_sector = py.weights.groupby(sectors).sum()
    assert (by_sector <= 0.35 + 1e-9).all(), by_sector
    assert by_sector["meme"] >= 0.05 - 1e-9
    # Without the limits some sector takes more than 35%: the groups bind.
    free = keel.optimize(prices, model="max-sharpe").weights.groupby(sectors).sum()
    assert free.max() > 0.35 + 1e-6, free


def test_groups_by_tag_name_the_problem():
    prices = simulated_prices(days=200, seed=3)
    with pytest.raises(ValueError, match="needs constraints\\['metadata'\\]"):
        keel.optimize(prices, constraints={"groups": [{"tag": "sector", "max": 0.5}]})
    with pytest.raises(ValueError, match="no column 'protocol'"):
        keel.optimize(prices, constraints={"metadata": METADATA,
                                           "groups": [{"tag": "protocol", "max": 0.5}]})
    with pytest.raises(ValueError, match="sector = 'defi'"):
        keel.optimize(prices, constraints={"metadata": METADATA,
                                           "groups": [{"tag": "sector", "value": "defi",
                                                       "max": 0.5}]})
    with pytest.raises(ValueError, match="either 'members' or 'tag'"):
        keel.optimize(prices, constraints={"groups": [{"max": 0.5}]})
    with pytest.raises(ValueError, match="unknown key"):
        keel.optimize(prices, constraints={"metadata": METADATA,
                                           "groups": [{"tag": "sector", "max_assets": 2}]})
