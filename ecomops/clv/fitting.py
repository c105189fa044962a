"""Fit both CLV models on a table of customer inputs and score customers.

The functions take and return pandas DataFrames so that the dbt Python models
(``int_clv_parameters``, ``int_customer_clv_scores``,
``int_clv_holdout_predictions``) stay a few lines long.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ecomops.clv.bgnbd import BgNbdParams, conditional_expected_purchases, fit_bgnbd, probability_alive
from ecomops.clv.gamma_gamma import GammaGammaParams, conditional_expected_value, fit_gamma_gamma
from ecomops.clv.value import discounted_clv

__all__ = ["fit_window", "holdout_predictions", "params_from_table", "score_customers"]

BGNBD_PARAMETERS = ("r", "alpha", "a", "b")
GAMMA_GAMMA_PARAMETERS = ("p", "q", "gamma")


def _floats(frame: pd.DataFrame, column: str) -> np.ndarray:
    return pd.to_numeric(frame[column], errors="coerce").astype(float).to_numpy()


def fit_window(frame: pd.DataFrame, fit_window_name: str, window_end_date,
               x_col: str, t_x_col: str, age_col: str, value_sum_col: str) -> pd.DataFrame:
    """Fit BG/NBD and Gamma-Gamma on one window; one row per parameter.

    ``value_sum_col`` holds the summed value of the repeat purchases; the
    Gamma-Gamma model is fitted on its mean over ``x_col``.
    """
    x, t_x, age = _floats(frame, x_col), _floats(frame, t_x_col), _floats(frame, age_col)
    purchases = fit_bgnbd(x, t_x, age)
    mean_value = _floats(frame, value_sum_col) / np.where(x > 0, x, np.nan)
    spend = fit_gamma_gamma(np.nan_to_num(x), np.nan_to_num(mean_value))
    rows = []
    for model_name, fitted, names in (
        ("bgnbd", purchases, BGNBD_PARAMETERS),
        ("gamma_gamma", spend, GAMMA_GAMMA_PARAMETERS),
    ):
        for name in names:
            rows.append({
                "fit_window": fit_window_name,
                "window_end_date": window_end_date,
                "model_name": model_name,
                "parameter_name": name,
                "parameter_value": float(getattr(fitted, name)),
                "customers_fitted": int(fitted.n_customers),
                "log_likelihood": float(fitted.log_likelihood),
                "is_converged": bool(fitted.converged),
            })
    return pd.DataFrame(rows)


def params_from_table(table: pd.DataFrame, fit_window_name: str) -> tuple[BgNbdParams, GammaGammaParams]:
    """Read the parameters of one fit window back from the parameters table."""
    rows = table[table["fit_window"] == fit_window_name]
    value = {
        (row.model_name, row.parameter_name): float(row.parameter_value) for row in rows.itertuples()
    }
    if len(value) != len(BGNBD_PARAMETERS) + len(GAMMA_GAMMA_PARAMETERS):
        raise ValueError(f"parameters of fit window {fit_window_name!r} are missing")
    purchases = BgNbdParams(**{name: value[("bgnbd", name)] for name in BGNBD_PARAMETERS})
    spend = GammaGammaParams(**{name: value[("gamma_gamma", name)] for name in GAMMA_GAMMA_PARAMETERS})
    return purchases, spend


def score_customers(frame: pd.DataFrame, purchases: BgNbdParams, spend: GammaGammaParams,
                    monthly_discount_rate: float) -> pd.DataFrame:
    """Probability alive, expected purchases and 12-month CLV per customer (as-of window)."""
    x = _floats(frame, "repeat_purchase_days")
    t_x = _floats(frame, "recency_days")
    age = _floats(frame, "age_days")
    mean_value = _floats(frame, "repeat_purchase_value_cny") / np.where(x > 0, x, np.nan)
    return pd.DataFrame({
        "user_id": frame["user_id"].astype("int64").to_numpy(),
        "probability_alive": probability_alive(purchases, x, t_x, age),
        "expected_purchases_90d": conditional_expected_purchases(purchases, 90.0, x, t_x, age),
        "expected_purchases_365d": conditional_expected_purchases(purchases, 365.0, x, t_x, age),
        "expected_purchase_value_cny": conditional_expected_value(spend, x, mean_value),
        "clv_12m_cny": discounted_clv(purchases, spend, x, t_x, age, mean_value,
                                      months=12, monthly_discount_rate=monthly_discount_rate),
    })


def holdout_predictions(frame: pd.DataFrame, purchases: BgNbdParams) -> pd.DataFrame:
    """Expected vs actual repeat purchase days after the calibration window."""
    x = _floats(frame, "calibration_repeat_purchase_days")
    t_x = _floats(frame, "calibration_recency_days")
    age = _floats(frame, "calibration_age_days")
    holdout_days = _floats(frame, "holdout_days")
    return pd.DataFrame({
        "user_id": frame["user_id"].astype("int64").to_numpy(),
        "calibration_repeat_purchase_days": x.astype("int64"),
        "holdout_days": holdout_days.astype("int64"),
        "expected_holdout_repeat_purchase_days": conditional_expected_purchases(
            purchases, holdout_days, x, t_x, age),
        "actual_holdout_repeat_purchase_days": _floats(frame, "holdout_repeat_purchase_days").astype("int64"),
    })
