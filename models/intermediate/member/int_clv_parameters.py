"""Maximum-likelihood BG/NBD and Gamma-Gamma parameters, one row per parameter.

Two fits on int_customer_clv_inputs: ``as_of`` (every purchase day up to the
member as-of day; used by fct_customer_clv) and ``calibration`` (purchase days
up to var clv_calibration_end_date; used by the holdout check). The maths is
in the project package ``ecomops.clv`` (numpy + scipy). Empty or small
inputs never fail: see the rules in ``ecomops.clv.fitting``.
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

    # The body is ecomops.clv.tables.clv_parameters, which the Spark step
    # (python -m ecomops.clv.spark_step) runs too: it sorts by user_id so the
    # fit is reproducible (the optimiser sums in row order). No customers in a
    # window: no rows for it; too few repeat customers for a model: its
    # parameters are null (ecomops.clv.fitting).
    return tables.clv_parameters(dbt.ref("int_customer_clv_inputs").df())
