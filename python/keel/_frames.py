"""pandas in and out: price tables to the library's arrays and back, assets matched by name."""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import _keel

#: Missing-data policies of the library (keel/data/missing.hpp), for messages.
MISSING_POLICIES = "error, drop-rows, ffill:N, drop-assets:F, pairwise (or ffill:N,STEP)"


def _type_name(value) -> str:
    return type(value).__name__


def asset_names(columns, what: str) -> list[str]:
    """Column labels as asset names; every label must be a non-empty str (no silent str())."""
    names = []
    for label in columns:
        if not isinstance(label, str):
            raise TypeError(
                f"{what}: column {label!r} is a {_type_name(label)}, not a str; assets are matched "
                f"by name, so name the columns, e.g. df.columns = df.columns.astype(str)")
        names.append(label)
    return names


def seconds(index: pd.DatetimeIndex) -> np.ndarray:
    """UTC seconds since 1970 of a DatetimeIndex (tz-aware converted to UTC, naive read as UTC)."""
    if index.tz is not None:
        index = index.tz_convert("UTC").tz_localize(None)
    return index.values.astype("datetime64[s]").astype(np.int64)


def to_index(stamps: np.ndarray, like: pd.DatetimeIndex) -> pd.DatetimeIndex:
    """UTC seconds back to a DatetimeIndex in the time zone of `like` (naive stays naive)."""
    index = pd.DatetimeIndex(pd.to_datetime(np.asarray(stamps, dtype=np.int64), unit="s", utc=True))
    if like.tz is None:
        return index.tz_localize(None)
    return index.tz_convert(like.tz)


def table_arrays(frame, what: str):
    """(asset names, UTC seconds, float matrix) of a dates × assets DataFrame, checked."""
    if isinstance(frame, pd.Series):
        raise TypeError(f"{what} must be a DataFrame (dates × assets), not a Series; "
                        f"use series.to_frame(name) for one asset")
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{what} must be a pandas DataFrame (dates × assets), "
                        f"not a {_type_name(frame)}")
    if not isinstance(frame.index, pd.DatetimeIndex):
        raise TypeError(
            f"{what} must have a DatetimeIndex, not a {_type_name(frame.index)}; parse the dates, "
            f"e.g. pd.read_csv(path, index_col=0, parse_dates=True) or "
            f"df.index = pd.to_datetime(df.index)")
    if frame.shape[1] == 0:
        raise ValueError(f"{what} has no asset columns")
    names = asset_names(frame.columns, what)
    if frame.index.hasnans:
        row = int(np.flatnonzero(frame.index.isna())[0])
        raise ValueError(f"{what}: the date of row {row} is missing (NaT); drop or fix that row")
    for name, dtype in zip(names, frame.dtypes):
        if not (pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)):
            raise TypeError(f"{what}: column '{name}' holds {dtype} values, not numbers; "
                            f"convert it, e.g. pd.to_numeric(df['{name}'], errors='coerce')")
    values = frame.to_numpy(dtype=np.float64, na_value=np.nan)
    return names, seconds(frame.index), np.asfortranarray(values)


def market_options(*, missing="error", periods_per_year=None, log_returns=False,
                   duplicates="error", sort=False) -> dict:
    """The compiled layer's market options (keel::MarketOptions and the row rules)."""
    return dict(missing=missing, duplicates=duplicates, sort=bool(sort),
                periods_per_year=_periods(periods_per_year), log_returns=bool(log_returns))


def prepare(prices, *, source="prices", **options):
    """The compiled prepare_market on a DataFrame: (result dict, original index). options: those
    of market_options()."""
    names, stamps, values = table_arrays(prices, source)
    return (_keel.prepare_market(names, stamps, values, source, market_options(**options)),
            prices.index)


def _periods(periods_per_year) -> float:
    if periods_per_year is None:
        return 0.0
    value = float(periods_per_year)
    if not value > 0 or not np.isfinite(value):
        raise ValueError(f"periods_per_year must be a positive number, not {periods_per_year!r} "
                         f"(None infers it from the dates: 365 for daily crypto)")
    return value


def by_name(values, what: str) -> dict[str, float]:
    """A Series/dict by asset as a dict of floats, checked (str names, no duplicate)."""
    if isinstance(values, pd.Series):
        labels = asset_names(values.index, what)
        if values.index.has_duplicates:
            dup = values.index[values.index.duplicated()][0]
            raise ValueError(f"{what}: asset '{dup}' appears twice")
        mapping = dict(zip(labels, values.to_numpy(dtype=np.float64)))
    elif isinstance(values, dict):
        asset_names(values.keys(), what)
        mapping = {k: float(v) for k, v in values.items()}
    else:
        raise TypeError(f"{what} must be a pandas Series or a dict by asset name, "
                        f"not a {_type_name(values)} (positions are never matched by order)")
    return mapping


def vector_by_name(values, assets: list[str], what: str, *, fill=None) -> np.ndarray:
    """A Series/dict by asset aligned to `assets` by name. Unknown names are an error; a missing
    name is an error unless `fill` is given."""
    mapping = by_name(values, what)
    known = set(assets)
    unknown = [k for k in mapping if k not in known]
    if unknown:
        raise ValueError(f"{what}: asset(s) {', '.join(map(repr, unknown))} are not among the "
                         f"assets ({', '.join(assets[:8])}{', ...' if len(assets) > 8 else ''})")
    out = np.empty(len(assets))
    for i, a in enumerate(assets):
        if a in mapping:
            out[i] = mapping[a]
        elif fill is not None:
            out[i] = fill
        else:
            raise ValueError(f"{what}: no value for asset '{a}'")
    return out


def matrix_by_name(frame, what: str):
    """(assets, matrix) of a square DataFrame whose index and columns name the same assets; the
    columns are matched to the index by name."""
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{what} must be a pandas DataFrame labelled by asset on both axes, "
                        f"not a {_type_name(frame)}")
    rows = asset_names(frame.index, f"{what} (index)")
    cols = asset_names(frame.columns, what)
    if len(set(rows)) != len(rows) or len(set(cols)) != len(cols):
        raise ValueError(f"{what}: an asset appears twice in the labels")
    if set(rows) != set(cols):
        extra = sorted(set(rows) ^ set(cols))
        raise ValueError(f"{what}: the index and the columns name different assets "
                         f"({', '.join(extra)})")
    values = frame.loc[rows, rows].to_numpy(dtype=np.float64)
    return rows, values


def mu_cov_by_name(mu, cov):
    """(assets, Σ, μ, index) of a covariance DataFrame and an optional expected-return Series/dict, μ
    aligned to Σ's labels by name (an empty array without μ). The common case (Σ's columns in the
    order of its index, μ in that order too) is read without a pandas reindex, and `index` is
    Σ's own index, reusable for the weights (None otherwise)."""
    if isinstance(cov, pd.DataFrame):
        rows = cov.index.tolist()
        if (rows == cov.columns.tolist() and all(type(a) is str and a for a in rows)
                and len(set(rows)) == len(rows)):
            matrix = np.asarray(cov.values, dtype=np.float64)
            if mu is None:
                return rows, matrix, np.empty(0), cov.index
            if isinstance(mu, pd.Series) and mu.index.tolist() == rows:
                return rows, matrix, np.asarray(mu.values, dtype=np.float64), cov.index
            return rows, matrix, vector_by_name(mu, rows, "mu"), cov.index
    assets, matrix = matrix_by_name(cov, "cov")
    vector = np.empty(0) if mu is None else vector_by_name(mu, assets, "mu")
    return assets, matrix, vector, None
