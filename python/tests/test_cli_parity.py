"""The Python API gives the CLI's answer on the same inputs (keel optimize --format json).

Runs the ci build's keel (KEEL_CLI or build/ci/apps/keel/keel; skipped when absent) on a CSV
written from the same DataFrame. The binary is built with other flags (RelWithDebInfo), so
numbers agree to rounding, not bit for bit."""

import json
import subprocess
import warnings

import numpy as np
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
]


@pytest.mark.parametrize("kwargs,flags", CASES, ids=["max-sharpe", "drop-rows", "hrp", "efficient-risk",
                                                     "infeasible", "hrp-pairwise"])
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
