"""Per customer: probability alive, expected purchase days in the next 90 and
365 days, expected value of a purchase and the discounted 12-month CLV, from
the ``as_of`` fit in int_clv_parameters (maths in ``ecomops.clv``). No
customers: no rows; scores that need a model that was not fitted are null.
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

    # The body is ecomops.clv.tables.customer_clv_scores, which the Spark step
    # runs too: inputs sorted by user_id, the as_of parameters read back; a
    # model that was not fitted (too few repeat customers) gives null scores.
    rate = tables.monthly_discount_rate(dbt.config.get("monthly_discount_rate"))
    return tables.customer_clv_scores(
        dbt.ref("int_customer_clv_inputs").df(), dbt.ref("int_clv_parameters").df(), rate)
