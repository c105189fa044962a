"""The Spark-against-DuckDB comparison (ecomops.parity.compare) finds every kind of difference.

No Spark here: the "Spark export" is Parquet written by DuckDB from hand-made
tables, so each case knows exactly what differs. make test-spark runs the
same comparison on a real Spark build (docs/spark.md).
"""

from __future__ import annotations

import pathlib

import duckdb
import pytest

from ecomops.parity.compare import TableResult, compare, main

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


# Doubles are equal within a relative tolerance (1e-9; the fitted CLV
# parameters 1e-6); everything else stays exact. Values worked out by hand:
#   1.5 * (1 + 1e-12) = 1.5000000000015   (1e-12 relative: within 1e-9)
#   1.5 * (1 + 1e-6)  = 1.5000015         (1e-6 relative: beyond 1e-9)
#   2.0 * (1 + 1e-7)  = 2.0000002         (1e-7 relative: within 1e-6)
#   2.0 * (1 + 1e-5)  = 2.00002           (1e-5 relative: beyond 1e-6)
DOUBLES = """select * from (values
    (1, 'a', cast({a} as double), cast(10.50 as decimal(18, 2))),
    (2, 'b', cast(0.25 as double), cast(0.00 as decimal(18, 2))),
    (2, 'b', cast(0.75 as double), cast(0.00 as decimal(18, 2))),
    (3, 'c', cast(null as double), cast(1.00 as decimal(18, 2)))
) as t(id, code, score, amount_cny)"""


def build_pair(tmp: pathlib.Path, name: str, duck_sql: str, spark_sql: str) -> tuple[pathlib.Path, pathlib.Path]:
    """A warehouse with intermediate.<name> = ``duck_sql``, and a Spark-like export of ``spark_sql``."""
    tmp.mkdir(parents=True, exist_ok=True)
    warehouse = tmp / "wh.duckdb"
    con = duckdb.connect(str(warehouse))
    con.execute("create schema intermediate")
    con.execute(f"create table intermediate.{name} as {duck_sql}")
    export = tmp / "spark"
    (export / name).mkdir(parents=True)
    con.execute(f"copy ({spark_sql}) to '{export / name / 'part-0.parquet'}' (format parquet)")
    con.close()
    return warehouse, export


def compare_doubles(tmp: pathlib.Path, name: str, duck_a: str, spark_a: str) -> TableResult:
    warehouse, export = build_pair(tmp, name, DOUBLES.format(a=duck_a), DOUBLES.format(a=spark_a))
    [result] = compare(warehouse, export, "intermediate")
    return result


def test_a_double_off_by_1e_12_relative_is_equal(tmp_path: pathlib.Path) -> None:
    result = compare_doubles(tmp_path, "t", "1.5", "1.5000000000015")
    assert result.equal, result
    assert result.tolerance == "doubles within 1e-09 relative: score"


def test_a_double_off_by_1e_6_relative_differs(tmp_path: pathlib.Path) -> None:
    result = compare_doubles(tmp_path, "t", "1.5", "1.5000015")
    assert not result.equal
    assert (result.only_duckdb, result.only_spark) == (1, 1)
    assert any("score (1 beyond 1e-09)" in problem for problem in result.problems), result.problems
    assert any("only in DuckDB, e.g. (id, code) = [('1', 'a')]" in problem for problem in result.problems)


def test_a_clv_parameter_off_by_1e_7_is_equal_and_by_1e_5_differs(tmp_path: pathlib.Path) -> None:
    within = compare_doubles(tmp_path / "within", "int_clv_parameters", "2.0", "2.0000002")
    assert within.equal, within
    assert within.tolerance == "doubles within 1e-06 relative: score"
    beyond = compare_doubles(tmp_path / "beyond", "int_clv_parameters", "2.0", "2.00002")
    assert not beyond.equal
    assert any("score (1 beyond 1e-06)" in problem for problem in beyond.problems), beyond.problems
    # the looser tolerance is the parameter tables' only: elsewhere 1e-7 relative is a difference
    elsewhere = compare_doubles(tmp_path / "elsewhere", "int_customer_clv_scores", "2.0", "2.0000002")
    assert not elsewhere.equal


def test_doubles_are_matched_as_a_multiset(tmp_path: pathlib.Path) -> None:
    # the two rows of id 2 swap order and one moves by 1e-12 relative: still equal
    swapped = DOUBLES.format(a="1.5").replace("0.25 as double", "0.7500000000007500 as double", 1) \
        .replace("0.75 as double", "0.25 as double", 1)
    warehouse, export = build_pair(tmp_path / "swapped", "t", DOUBLES.format(a="1.5"), swapped)
    [result] = compare(warehouse, export, "intermediate")
    assert result.equal, result
    # a duplicate lost (both id-2 rows become 0.25): one row has no pair on each side
    lost = DOUBLES.format(a="1.5").replace("0.75 as double", "0.25 as double")
    warehouse, export = build_pair(tmp_path / "lost", "t", DOUBLES.format(a="1.5"), lost)
    [result] = compare(warehouse, export, "intermediate")
    assert not result.equal
    assert (result.only_duckdb, result.only_spark) == (1, 1)
    # a null against a value is a difference, whatever the tolerance
    filled = DOUBLES.format(a="1.5").replace("cast(null as double)", "cast(0 as double)")
    warehouse, export = build_pair(tmp_path / "filled", "t", DOUBLES.format(a="1.5"), filled)
    [result] = compare(warehouse, export, "intermediate")
    assert not result.equal


def test_decimals_and_text_stay_exact_beside_doubles(tmp_path: pathlib.Path) -> None:
    changed = DOUBLES.format(a="1.5").replace("10.50", "10.51")
    warehouse, export = build_pair(tmp_path, "int_clv_parameters", DOUBLES.format(a="1.5"), changed)
    [result] = compare(warehouse, export, "intermediate")
    assert not result.equal
    assert any("amount_cny (1)" in problem for problem in result.problems), result.problems
    assert main(["--warehouse", str(warehouse), "--spark-dir", str(export), "--schema", "intermediate"]) == 1
