"""Per customer of the calibration window: repeat purchase days the
``calibration`` fit (int_clv_parameters) expects in the holdout window
(calibration end, as-of day], beside the actual count (maths in
ecomops.clv). No calibration customers: no rows.
"""

import os
import pathlib
import sys


def _import_clv():
    """Import ecomops.clv.tables, adding the project root to sys.path when needed.

    (A dbt Python model is one self-contained file, so this helper cannot
    itself live in ecomops; the three CLV models carry the same copy.)
    """
    try:
        import ecomops.clv.tables as tables
    except ModuleNotFoundError:
        here = pathlib.Path(os.environ.get("DBT_PROJECT_DIR", os.getcwd())).resolve()
        root = next((p for p in (here, *here.parents) if (p / "ecomops" / "clv").is_dir()), None)
        if root is None:
            raise
        sys.path.insert(0, str(root))
        import ecomops.clv.tables as tables
    return tables


def model(dbt, session):
    dbt.config(materialized="table")
    tables = _import_clv()

    # The body is ecomops.clv.tables.clv_holdout_predictions, which the Spark
    # step runs too: the calibration customers sorted by user_id; no
    # calibration fit (too few repeat customers): the expected column is null.
    return tables.clv_holdout_predictions(
        dbt.ref("int_customer_clv_inputs").df(), dbt.ref("int_clv_parameters").df())
