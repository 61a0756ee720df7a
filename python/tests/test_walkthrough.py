"""examples/walkthrough.py runs end to end and its answers agree with the peers it times."""

import re
import subprocess
import sys

from conftest import ROOT


def test_walkthrough_runs(tmp_path):
    done = subprocess.run([sys.executable, str(ROOT / "examples" / "walkthrough.py"),
                           "--out", str(tmp_path)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    print(out)
    for step in ("weights", "risk profile", "backtest"):
        assert re.search(rf"^{step}\s+keel\s+[0-9.]+ ms", out, re.M), step
    # The peers' answers beside Keel's: the same weights (cvxopt's interior point to ~1e-6) ...
    match = re.search(r"max \|Δw\| ([0-9.e+-]+)", out)
    if match:  # cvxopt and scikit-learn present
        assert float(match.group(1)) < 1e-5
        gap = float(re.search(r"max gap ([0-9.e+-]+)", out).group(1))
        assert gap < 1e-6, gap  # the same timeline: decisions, lag, drift
    # ... and the same historical VaR, CVaR and drawdown (printed to 6 decimals).
    figures = re.search(r"VaR ([0-9.]+) vs ([0-9.]+), CVaR ([0-9.]+) vs ([0-9.]+), max DD "
                        r"([0-9.]+) vs ([0-9.]+)", out)
    values = [float(v) for v in figures.groups()]
    for keel_value, peer_value in zip(values[::2], values[1::2]):
        assert abs(keel_value - peer_value) <= 1.5e-6
    if "skipped" not in out.split("report", 1)[-1].splitlines()[0]:
        assert (tmp_path / "walkthrough_backtest.html").is_file()
