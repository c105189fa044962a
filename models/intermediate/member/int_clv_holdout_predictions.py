"""Per customer of the calibration window: repeat purchase days the
``calibration`` fit (int_clv_parameters) expects in the holdout window
(calibration end, as-of day], beside the actual count (maths in
ecomops.clv). No calibration customers: no rows.
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

    # Sorted so the fit is reproducible: the optimiser sums in row order.
    inputs = dbt.ref("int_customer_clv_inputs").df().sort_values("user_id", ignore_index=True)
    parameters = dbt.ref("int_clv_parameters").df()
    # No calibration fit (too few repeat customers): the expected column is null.
    purchases, _ = fitting.params_from_table(parameters, "calibration")
    calibration = inputs[inputs["is_in_calibration"].fillna(False).astype(bool)]
    return fitting.holdout_predictions(calibration, purchases)
