"""The project's BG/NBD inputs against what an analyst would use instead.

``int_customer_clv_inputs`` computes, per customer with a paid order up to
the as-of day, the three BG/NBD inputs: frequency (repeat purchase days),
recency (days from the first to the last purchase day) and T (days from the
first purchase day to the as-of day), and the Gamma-Gamma input (mean value
of a repeat purchase day). An analyst without this warehouse would compute
them with the ``lifetimes`` package's ``summary_data_from_transaction_data``
from the paid orders. This module does both on the same warehouse, checks
that every customer's values are identical, and times them.

- The project's side: the model's compiled SQL (``target/compiled/...``),
  run by DuckDB from ``fct_orders`` into a temporary table.
- lifetimes' side: the paid orders up to the as-of day read into pandas
  (timed apart, as ``fetch_seconds``), then
  ``summary_data_from_transaction_data(..., freq='D')``.

Frequency, recency and T must be equal for every customer, and the monetary
value within half a cent (the warehouse rounds the mean to the cent, half
up: 246.985 is 246.99). The
benchmark (``ecomops benchmark``) records the result; the pytest
``tests/python/test_clv_lifetimes.py`` checks the identity on the sample.

    python -m ecomops.clv.lifetimes_check --warehouse warehouse.duckdb --target target
"""

from __future__ import annotations

import argparse
import json
import pathlib
import re
import sys
import time
import warnings
from dataclasses import asdict, dataclass

MODEL = "int_customer_clv_inputs"


@dataclass
class LifetimesComparison:
    """The two computations on one warehouse."""

    customers: int
    paid_orders: int
    project_seconds: float
    lifetimes_seconds: float
    fetch_seconds: float
    # lifetimes' seconds over the project's (above 1: the project is faster).
    ratio: float
    # Customers whose frequency, recency, T or monetary value differ, and
    # customers on one side only.
    mismatches: int
    examples: list[dict[str, object]]

    @property
    def identical(self) -> bool:
        return self.mismatches == 0


def compiled_sql(target: pathlib.Path) -> str:
    """The compiled select of the inputs model in a dbt target directory."""
    found = sorted((target / "compiled").rglob(f"{MODEL}.sql"))
    if not found:
        raise FileNotFoundError(
            f"no compiled {MODEL}.sql under {target / 'compiled'}: run `dbt build` (or `dbt compile`) "
            "with this target path first")
    return found[0].read_text(encoding="utf-8")


def compare(warehouse: pathlib.Path, target: pathlib.Path, example_count: int = 5) -> LifetimesComparison:
    """Compute the inputs both ways on `warehouse` and compare them."""
    import duckdb

    with warnings.catch_warnings():
        # lifetimes sets a pandas option that pandas 3 deprecates, on import.
        warnings.filterwarnings("ignore", message=".*mode.chained_assignment.*")
        from lifetimes.utils import summary_data_from_transaction_data

    sql = compiled_sql(target)
    # The compiled SQL names the database it was built in (dbt-duckdb: the
    # file's stem, which for a published build is the candidate's): attach
    # the warehouse under that name.
    named = re.search(r'"([^"]+)"\."marts"\."fct_orders"', sql)
    if named is None:
        raise ValueError(f"the compiled {MODEL} does not read marts.fct_orders: is {target} this project's target?")
    catalog = named.group(1)
    con = duckdb.connect()
    con.execute(f"attach '{warehouse}' as \"{catalog}\" (read_only)")
    try:
        started = time.perf_counter()
        con.execute(f"create temporary table project_inputs as {sql}")
        project_seconds = time.perf_counter() - started
        as_of = con.execute("select max(as_of_date) from project_inputs").fetchone()[0]
        if as_of is None:
            raise ValueError(f"{MODEL} is empty in {warehouse}: there is nothing to compare")
        started = time.perf_counter()
        orders = con.execute(
            f'select user_id, paid_date, cast(paid_gmv_cny as double) as paid_gmv_cny '
            f'from "{catalog}".marts.fct_orders where is_paid and paid_date <= ?', [as_of]).df()
        fetch_seconds = time.perf_counter() - started
        started = time.perf_counter()
        summary = summary_data_from_transaction_data(
            orders, "user_id", "paid_date", monetary_value_col="paid_gmv_cny",
            observation_period_end=as_of, freq="D")
        lifetimes_seconds = time.perf_counter() - started
        summary = summary.reset_index()
        con.register("lifetimes_summary", summary)
        differs = """
            from project_inputs as p
            full outer join lifetimes_summary as l on p.user_id = l.user_id
            where p.user_id is null or l.user_id is null
                or p.repeat_purchase_days <> l.frequency
                or p.recency_days <> l.recency
                or p.age_days <> l.T
                -- the warehouse's mean is the exact mean rounded to the cent
                or abs(coalesce(cast(p.mean_repeat_purchase_value_cny as double), 0) - l.monetary_value)
                    > 0.005 + 1e-6
        """
        mismatches = con.execute(f"select count(*) {differs}").fetchone()[0]
        columns = ["user_id", "project", "lifetimes"]
        rows = con.execute(
            f"select coalesce(p.user_id, l.user_id), "
            f"[p.repeat_purchase_days, p.recency_days, p.age_days, p.mean_repeat_purchase_value_cny]::varchar, "
            f"[l.frequency, l.recency, l.T, l.monetary_value]::varchar {differs} "
            f"order by 1 limit {int(example_count)}").fetchall()
        customers = con.execute("select count(*) from project_inputs").fetchone()[0]
    finally:
        con.close()
    return LifetimesComparison(
        customers=int(customers),
        paid_orders=len(orders),
        project_seconds=round(project_seconds, 3),
        lifetimes_seconds=round(lifetimes_seconds, 3),
        fetch_seconds=round(fetch_seconds, 3),
        ratio=round(lifetimes_seconds / max(project_seconds, 1e-6), 2),
        mismatches=int(mismatches),
        examples=[dict(zip(columns, row)) for row in rows],
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ecomops.clv.lifetimes_check",
        description="compare the warehouse's BG/NBD inputs with lifetimes' summary_data_from_transaction_data "
                    "on the same paid orders, and time both")
    parser.add_argument("--warehouse", type=pathlib.Path, required=True, help="the built DuckDB warehouse file")
    parser.add_argument("--target", type=pathlib.Path, default=pathlib.Path("target"),
                        help="the dbt target directory of that build (for the compiled model; default target)")
    args = parser.parse_args(argv)
    if not args.warehouse.exists():
        print(f"ecomops lifetimes-check: no warehouse at {args.warehouse}: build one first (make build)",
              file=sys.stderr)
        return 2
    try:
        result = compare(args.warehouse, args.target)
    except (FileNotFoundError, ValueError) as exc:
        print(f"ecomops lifetimes-check: {exc}", file=sys.stderr)
        return 2
    print(json.dumps({**asdict(result), "identical": result.identical}, indent=2, default=str))
    return 0 if result.identical else 1


if __name__ == "__main__":
    sys.exit(main())
