"""Maximum-likelihood BG/NBD and Gamma-Gamma parameters, one row per parameter.

Two fits on int_customer_clv_inputs: ``as_of`` (every purchase day up to the
member as-of day; used by fct_customer_clv) and ``calibration`` (purchase days
up to var clv_calibration_end_date; used by the holdout check). The maths is
in the project package ``ecomops.clv`` (numpy + scipy).
"""

import os
import pathlib
import sys


def _import_clv():
    """Import ecomops.clv, adding the project root to sys.path when needed."""
    try:
        import ecomops.clv.fitting as fitting
    except ModuleNotFoundError:
        here = pathlib.Path(os.environ.get("DBT_PROJECT_DIR", os.getcwd())).resolve()
        root = next((p for p in (here, *here.parents) if (p / "ecomops" / "clv").is_dir()), None)
        if root is None:
            raise
        sys.path.insert(0, str(root))
        import ecomops.clv.fitting as fitting
    return fitting


def model(dbt, session):
    dbt.config(materialized="table")
    fitting = _import_clv()
    import pandas as pd

    # Sorted so the fit is reproducible: the optimiser sums in row order.
    inputs = dbt.ref("int_customer_clv_inputs").df().sort_values("user_id", ignore_index=True)
    as_of_fit = fitting.fit_window(
        inputs, "as_of", inputs["as_of_date"].iloc[0],
        "repeat_purchase_days", "recency_days", "age_days", "repeat_purchase_value_cny",
    )
    calibration = inputs[inputs["is_in_calibration"].astype(bool)]
    calibration_fit = fitting.fit_window(
        calibration, "calibration", inputs["calibration_end_date"].iloc[0],
        "calibration_repeat_purchase_days", "calibration_recency_days", "calibration_age_days",
        "calibration_repeat_purchase_value_cny",
    )
    return pd.concat([as_of_fit, calibration_fit], ignore_index=True)
