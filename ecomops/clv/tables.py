"""The three CLV tables built from int_customer_clv_inputs: one function each.

These are the whole bodies of the dbt Python models ``int_clv_parameters``,
``int_customer_clv_scores`` and ``int_clv_holdout_predictions`` (DuckDB),
and what the Spark step (``python -m ecomops.clv.spark_step``) runs outside
dbt: both call these functions, so the sorting, the reading back of the
parameters and the fitting code (``ecomops.clv.fitting``) are one code path
on both engines. Frames in, frames out (pandas); the column types are the
fitting module's ``PARAMETER_COLUMNS``, ``SCORE_COLUMNS`` and
``HOLDOUT_COLUMNS``.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ecomops.clv import fitting

__all__ = [
    "MODEL_COLUMNS",
    "clv_holdout_predictions",
    "clv_parameters",
    "customer_clv_scores",
    "monthly_discount_rate",
    "sorted_inputs",
]

# dbt model name -> the column types of the frame it returns.
MODEL_COLUMNS: dict[str, dict[str, str]] = {
    "int_clv_parameters": fitting.PARAMETER_COLUMNS,
    "int_customer_clv_scores": fitting.SCORE_COLUMNS,
    "int_clv_holdout_predictions": fitting.HOLDOUT_COLUMNS,
}


def sorted_inputs(inputs: pd.DataFrame) -> pd.DataFrame:
    """The inputs in user_id order: the optimisers sum in row order, so the fit is reproducible."""
    return inputs.sort_values("user_id", ignore_index=True)


def monthly_discount_rate(config_value: Any) -> float:
    """The model config ``monthly_discount_rate`` (var clv_monthly_discount_rate) as a float."""
    if config_value is None or str(config_value).strip() == "":
        raise ValueError("int_customer_clv_scores has no monthly_discount_rate config: set it in "
                         "models/intermediate/member/_member__models.yml (var clv_monthly_discount_rate)")
    return float(config_value)


def clv_parameters(inputs: pd.DataFrame) -> pd.DataFrame:
    """int_clv_parameters: the as_of and calibration fits, one row per window and parameter.

    No customers in a window: no rows for it; too few repeat customers for a
    model: its parameters are null (``ecomops.clv.fitting``).
    """
    return fitting.fit_windows(sorted_inputs(inputs))


def customer_clv_scores(inputs: pd.DataFrame, parameters: pd.DataFrame, discount_rate: float) -> pd.DataFrame:
    """int_customer_clv_scores: per customer, scores of the as_of fit (null where a model was not fitted)."""
    purchases, spend = fitting.params_from_table(parameters, "as_of")
    return fitting.score_customers(sorted_inputs(inputs), purchases, spend, monthly_discount_rate=discount_rate)


def clv_holdout_predictions(inputs: pd.DataFrame, parameters: pd.DataFrame) -> pd.DataFrame:
    """int_clv_holdout_predictions: expected vs actual holdout repeat purchase days of the calibration customers."""
    purchases, _ = fitting.params_from_table(parameters, "calibration")
    ordered = sorted_inputs(inputs)
    calibration = ordered[ordered["is_in_calibration"].fillna(False).astype(bool)]
    return fitting.holdout_predictions(calibration, purchases)
