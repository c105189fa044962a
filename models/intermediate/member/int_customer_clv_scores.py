"""Per customer: probability alive, expected purchase days in the next 90 and
365 days, expected value of a purchase and the discounted 12-month CLV, from
the ``as_of`` fit in int_clv_parameters (maths in ``ecomops.clv``). No
customers: no rows; scores that need a model that was not fitted are null.
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
    # A model that was not fitted (too few repeat customers) is None: its scores are null.
    purchases, spend = fitting.params_from_table(parameters, "as_of")
    rate = float(dbt.config.get("monthly_discount_rate"))
    return fitting.score_customers(inputs, purchases, spend, monthly_discount_rate=rate)
