"""The Spark-against-DuckDB comparison (ecomops.parity.compare) finds every kind of difference.

No Spark here: the "Spark export" is Parquet written by DuckDB from hand-made
tables, so each case knows exactly what differs. make test-spark runs the
same comparison on a real Spark build (docs/spark.md).
"""

from __future__ import annotations

import pathlib

import duckdb
import pytest

from ecomops.parity.compare import compare, main

BASE = """select * from (values
    (1, 'a', timestamp '2025-01-01 00:00:00', 10.50),
    (2, 'b', timestamp '2025-01-02 08:30:00', 0.00),
    (2, 'b', timestamp '2025-01-02 08:30:00', 0.00)
) as t(id, code, loaded_at, amount_cny)"""


def build(tmp: pathlib.Path, spark_sql: str) -> tuple[pathlib.Path, pathlib.Path]:
    """A warehouse with staging.t = BASE, and a Spark-like export of ``spark_sql`` as t/ Parquet."""
    warehouse = tmp / "wh.duckdb"
    con = duckdb.connect(str(warehouse))
    con.execute("create schema staging")
    con.execute(f"create table staging.t as {BASE}")
    export = tmp / "spark"
    (export / "t").mkdir(parents=True)
    con.execute(f"copy ({spark_sql}) to '{export / 't' / 'part-0.parquet'}' (format parquet)")
    con.close()
    return warehouse, export


def test_equal_tables_are_equal_even_with_other_integer_widths(tmp_path: pathlib.Path) -> None:
    warehouse, export = build(tmp_path, f"select cast(id as bigint) as id, code, loaded_at, amount_cny from ({BASE})")
    [result] = compare(warehouse, export, "staging")
    assert result.equal, result
    assert result.duckdb_rows == result.spark_rows == 3
    assert any(note.startswith("id:") for note in result.notes)  # integer vs bigint reported, not failed
    assert main(["--warehouse", str(warehouse), "--spark-dir", str(export)]) == 0


@pytest.mark.parametrize("spark_sql, fragment", [
    # one value differs: the column is named, and both sides' example keys shown
    (f"select id, case when id = 1 then 'x' else code end as code, loaded_at, amount_cny from ({BASE})", "code (1)"),
    # a duplicate lost: same set of rows, different multiset
    (f"select distinct * from ({BASE})", "values differ"),
    # a timestamp an hour off
    (f"select id, code, loaded_at + interval 1 hour as loaded_at, amount_cny from ({BASE})", "loaded_at (3)"),
    # a column missing
    (f"select id, code, loaded_at from ({BASE})", "columns differ"),
])
def test_a_difference_fails_and_says_where(tmp_path: pathlib.Path, spark_sql: str, fragment: str) -> None:
    warehouse, export = build(tmp_path, spark_sql)
    [result] = compare(warehouse, export, "staging")
    assert not result.equal
    assert any(fragment in problem for problem in result.problems), result.problems
    assert main(["--warehouse", str(warehouse), "--spark-dir", str(export)]) == 1


def test_a_table_missing_on_either_side_fails(tmp_path: pathlib.Path) -> None:
    warehouse, export = build(tmp_path, BASE)
    con = duckdb.connect(str(warehouse))
    con.execute("create table staging.u as select 1 as id")
    con.close()
    results = {r.name: r for r in compare(warehouse, export, "staging")}
    assert results["t"].equal
    assert results["u"].problems == ["not built on Spark"]
    assert main(["--warehouse", str(warehouse), "--spark-dir", str(export)]) == 1
