"""Fit both CLV models on a table of customer inputs and score customers.

The functions take and return pandas DataFrames so that the dbt Python models
(``int_clv_parameters``, ``int_customer_clv_scores``,
``int_clv_holdout_predictions``) stay a few lines long.

Small or empty inputs never raise; what each function returns then is part
of its contract:

- A window without customers gives no parameter rows, and no scores or
  holdout rows (every frame keeps its columns and their types, so the
  tables dbt writes have the same schema as on a full export).
- A model needs at least ``MIN_CUSTOMERS_TO_FIT`` customers with a repeat
  purchase day (BG/NBD), or with a repeat purchase day of positive mean
  value (Gamma-Gamma). Below that the window still has one row per
  parameter, with a null ``parameter_value`` and ``log_likelihood``,
  ``is_converged`` false and ``customers_fitted`` the customers the fit would
  have used; the scores that need the model are null (never a guess).
- Zero-amount purchase days (full-coupon orders, gifts) are purchases: they
  count in BG/NBD's frequency. Gamma-Gamma models strictly positive values,
  so a customer whose repeat purchase days have a mean value of 0 is left
  out of its fit, and valued by the model's conditional expectation at
  m = 0: ``p * gamma / (p * x + q - 1)``, the limit of the expectation as the
  mean value falls to 0. It is below the population mean and falls towards
  0 as such a customer's zero-value repeat days (x) accumulate.

Everything is deterministic: the optimisers start from fixed points and the
dbt models sort their input by user_id.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ecomops.clv.bgnbd import BgNbdParams, conditional_expected_purchases, fit_bgnbd, probability_alive
from ecomops.clv.gamma_gamma import GammaGammaParams, conditional_expected_value, fit_gamma_gamma
from ecomops.clv.value import discounted_clv

__all__ = [
    "HOLDOUT_COLUMNS",
    "MIN_CUSTOMERS_TO_FIT",
    "PARAMETER_COLUMNS",
    "SCORE_COLUMNS",
    "empty_frame",
    "fit_window",
    "fit_windows",
    "holdout_predictions",
    "params_from_table",
    "score_customers",
]

BGNBD_PARAMETERS = ("r", "alpha", "a", "b")
GAMMA_GAMMA_PARAMETERS = ("p", "q", "gamma")

# Fewer customers with a repeat purchase day than this: the model is not fitted.
MIN_CUSTOMERS_TO_FIT = 3

# Column -> pandas dtype of each frame the dbt models return (so that an
# empty frame writes the same column types as a full one).
PARAMETER_COLUMNS: dict[str, str] = {
    "fit_window": "string",
    "window_end_date": "datetime64[us]",
    "model_name": "string",
    "parameter_name": "string",
    "parameter_value": "float64",
    "customers_fitted": "int64",
    "log_likelihood": "float64",
    "is_converged": "bool",
}
SCORE_COLUMNS: dict[str, str] = {
    "user_id": "int64",
    "probability_alive": "float64",
    "expected_purchases_90d": "float64",
    "expected_purchases_365d": "float64",
    "expected_purchase_value_cny": "float64",
    "clv_12m_cny": "float64",
}
HOLDOUT_COLUMNS: dict[str, str] = {
    "user_id": "int64",
    "calibration_repeat_purchase_days": "int64",
    "holdout_days": "int64",
    "expected_holdout_repeat_purchase_days": "float64",
    "actual_holdout_repeat_purchase_days": "int64",
}

# (fit window, x, t_x, T, summed repeat value, window end) columns of int_customer_clv_inputs
WINDOWS: tuple[tuple[str, str, str, str, str, str], ...] = (
    ("as_of", "repeat_purchase_days", "recency_days", "age_days", "repeat_purchase_value_cny", "as_of_date"),
    ("calibration", "calibration_repeat_purchase_days", "calibration_recency_days", "calibration_age_days",
     "calibration_repeat_purchase_value_cny", "calibration_end_date"),
)


def empty_frame(columns: dict[str, str]) -> pd.DataFrame:
    """A frame with no rows and the given column types."""
    return pd.DataFrame({name: pd.Series([], dtype=dtype) for name, dtype in columns.items()})


def _typed(data: dict[str, Any], columns: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(data[name]).astype(dtype) for name, dtype in columns.items()})


def _floats(frame: pd.DataFrame, column: str) -> np.ndarray:
    return pd.to_numeric(frame[column], errors="coerce").astype(float).to_numpy()


def _mean_repeat_value(frame: pd.DataFrame, x: np.ndarray, value_sum_col: str) -> np.ndarray:
    """Mean value of a repeat purchase day; nan without a repeat day."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return _floats(frame, value_sum_col) / np.where(x > 0, x, np.nan)


def _fit_purchases(x: np.ndarray, t_x: np.ndarray, age: np.ndarray) -> tuple[BgNbdParams | None, int]:
    """The BG/NBD fit and the customers it uses; None below MIN_CUSTOMERS_TO_FIT repeat customers."""
    if int(np.sum(x > 0)) < MIN_CUSTOMERS_TO_FIT:
        return None, int(x.size)
    fitted = fit_bgnbd(x, t_x, age)
    return fitted, fitted.n_customers


def _fit_spend(x: np.ndarray, mean_value: np.ndarray) -> tuple[GammaGammaParams | None, int]:
    """The Gamma-Gamma fit on repeat customers with a positive mean value; None below the minimum."""
    eligible = int(np.sum((x >= 1) & (np.nan_to_num(mean_value) > 0)))
    if eligible < MIN_CUSTOMERS_TO_FIT:
        return None, eligible
    fitted = fit_gamma_gamma(np.nan_to_num(x), np.nan_to_num(mean_value))
    return fitted, fitted.n_customers


def fit_window(frame: pd.DataFrame, fit_window_name: str, window_end_date: Any,
               x_col: str, t_x_col: str, age_col: str, value_sum_col: str) -> pd.DataFrame:
    """Fit BG/NBD and Gamma-Gamma on one window; one row per parameter.

    ``value_sum_col`` holds the summed value of the repeat purchase days; the
    Gamma-Gamma model is fitted on its mean over ``x_col``. No customers: no
    rows. Too few to fit a model: its rows have null values (module docstring).
    """
    if frame.empty:
        return empty_frame(PARAMETER_COLUMNS)
    x, t_x, age = _floats(frame, x_col), _floats(frame, t_x_col), _floats(frame, age_col)
    mean_value = _mean_repeat_value(frame, x, value_sum_col)
    fits = (
        ("bgnbd", *_fit_purchases(x, t_x, age), BGNBD_PARAMETERS),
        ("gamma_gamma", *_fit_spend(x, mean_value), GAMMA_GAMMA_PARAMETERS),
    )
    rows: dict[str, list[Any]] = {name: [] for name in PARAMETER_COLUMNS}
    for model_name, fitted, customers, names in fits:
        for name in names:
            rows["fit_window"].append(fit_window_name)
            rows["window_end_date"].append(pd.Timestamp(window_end_date))
            rows["model_name"].append(model_name)
            rows["parameter_name"].append(name)
            rows["parameter_value"].append(float(getattr(fitted, name)) if fitted else np.nan)
            rows["customers_fitted"].append(customers)
            rows["log_likelihood"].append(float(fitted.log_likelihood) if fitted else np.nan)
            rows["is_converged"].append(bool(fitted.converged) if fitted else False)
    return _typed(rows, PARAMETER_COLUMNS)


def fit_windows(inputs: pd.DataFrame) -> pd.DataFrame:
    """Both fit windows of int_customer_clv_inputs: as_of (every customer) and
    calibration (customers with is_in_calibration); one row per window and parameter."""
    inputs = inputs.sort_values("user_id", ignore_index=True)
    fitted = []
    for name, x_col, t_x_col, age_col, value_col, end_col in WINDOWS:
        window = inputs if name == "as_of" else inputs[inputs["is_in_calibration"].fillna(False).astype(bool)]
        end = window[end_col].iloc[0] if not window.empty else None
        fitted.append(fit_window(window, name, end, x_col, t_x_col, age_col, value_col))
    return pd.concat(fitted, ignore_index=True).astype(PARAMETER_COLUMNS)


def params_from_table(
    table: pd.DataFrame, fit_window_name: str,
) -> tuple[BgNbdParams | None, GammaGammaParams | None]:
    """Read the parameters of one fit window back from the parameters table.

    A model whose parameters are absent or null (not fitted) is None.
    """
    rows = table[table["fit_window"] == fit_window_name]
    value = {
        (row.model_name, row.parameter_name): float(row.parameter_value)
        for row in rows.itertuples() if pd.notna(row.parameter_value)
    }

    def read(model_name: str, names: tuple[str, ...]) -> dict[str, float] | None:
        found = {name: value.get((model_name, name)) for name in names}
        return None if any(v is None for v in found.values()) else found

    purchases = read("bgnbd", BGNBD_PARAMETERS)
    spend = read("gamma_gamma", GAMMA_GAMMA_PARAMETERS)
    return (BgNbdParams(**purchases) if purchases else None,
            GammaGammaParams(**spend) if spend else None)


def score_customers(frame: pd.DataFrame, purchases: BgNbdParams | None, spend: GammaGammaParams | None,
                    monthly_discount_rate: float) -> pd.DataFrame:
    """Probability alive, expected purchases and 12-month CLV per customer (as-of window).

    Columns that need a model that was not fitted are null.
    """
    if frame.empty:
        return empty_frame(SCORE_COLUMNS)
    x = _floats(frame, "repeat_purchase_days")
    t_x = _floats(frame, "recency_days")
    age = _floats(frame, "age_days")
    mean_value = _mean_repeat_value(frame, x, "repeat_purchase_value_cny")
    missing = np.full(x.size, np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        scores = {
            "user_id": frame["user_id"].astype("int64").to_numpy(),
            "probability_alive": probability_alive(purchases, x, t_x, age) if purchases else missing,
            "expected_purchases_90d":
                conditional_expected_purchases(purchases, 90.0, x, t_x, age) if purchases else missing,
            "expected_purchases_365d":
                conditional_expected_purchases(purchases, 365.0, x, t_x, age) if purchases else missing,
            "expected_purchase_value_cny": conditional_expected_value(spend, x, mean_value) if spend else missing,
            "clv_12m_cny": (
                discounted_clv(purchases, spend, x, t_x, age, mean_value,
                               months=12, monthly_discount_rate=monthly_discount_rate)
                if purchases and spend else missing
            ),
        }
    return _typed(scores, SCORE_COLUMNS)


def holdout_predictions(frame: pd.DataFrame, purchases: BgNbdParams | None) -> pd.DataFrame:
    """Expected vs actual repeat purchase days after the calibration window.

    ``frame``: the calibration customers. Without a calibration fit the
    expected column is null.
    """
    if frame.empty:
        return empty_frame(HOLDOUT_COLUMNS)
    x = _floats(frame, "calibration_repeat_purchase_days")
    t_x = _floats(frame, "calibration_recency_days")
    age = _floats(frame, "calibration_age_days")
    holdout_days = _floats(frame, "holdout_days")
    with np.errstate(invalid="ignore", divide="ignore"):
        expected = (conditional_expected_purchases(purchases, holdout_days, x, t_x, age)
                    if purchases else np.full(x.size, np.nan))
    return _typed({
        "user_id": frame["user_id"].astype("int64").to_numpy(),
        "calibration_repeat_purchase_days": x.astype("int64"),
        "holdout_days": holdout_days.astype("int64"),
        "expected_holdout_repeat_purchase_days": expected,
        "actual_holdout_repeat_purchase_days": _floats(frame, "holdout_repeat_purchase_days").astype("int64"),
    }, HOLDOUT_COLUMNS)
