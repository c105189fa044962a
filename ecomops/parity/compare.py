"""Compare the Spark build's tables (Parquet folders) with the same tables of a DuckDB warehouse.

Per table: both sides must have the same columns and the same rows, as a
multiset. Every value is compared as text (timestamps as UTC wall-clock
text, so a Spark ``timestamp`` and a DuckDB ``timestamp`` of the same
instant are equal; a type that differs only in width, e.g. ``int`` against
``bigint``, is reported but not a difference, since the values are
compared): counts, integers, decimals, dates and text are exact. The one
exception is a column that is a double (or float) on both sides: it is
equal within a relative tolerance, ``|a - b| <= tol * max(|a|, |b|)``
(both null or both NaN are equal), ``DOUBLE_RELATIVE_TOLERANCE`` (1e-9),
or the table's entry in ``TABLE_TOLERANCES`` (the fitted CLV parameters:
1e-6). Such a table is still matched as a multiset: rows are grouped by the
text of their exact columns, numbered within each group in the order of
their doubles, and paired by group and number; a pair whose doubles are not
all within the tolerance, or a row without a pair, is a difference. Any
difference fails, naming the table, the columns whose values differ and
example rows. Exit 0 when every table is equal, 1 otherwise.

``python -m ecomops.parity.compare --warehouse W --spark-dir DIR --schema staging``
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

EXAMPLES = 3
# Doubles (on both sides) are equal within this relative difference (issue 12).
DOUBLE_RELATIVE_TOLERANCE = 1e-9
# Tables with a looser tolerance for their doubles: the fitted CLV parameters
# (an optimiser's optimum, issue 12: within 1e-6).
TABLE_TOLERANCES: dict[str, float] = {
    "int_clv_parameters": 1e-6,
    "fct_clv_parameters": 1e-6,
}
DOUBLE_TYPES = ("DOUBLE", "FLOAT", "REAL")


@dataclass
class TableResult:
    """The comparison of one table."""

    name: str
    duckdb_rows: int
    spark_rows: int
    only_duckdb: int = 0
    only_spark: int = 0
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    tolerance: str = ""

    @property
    def equal(self) -> bool:
        return not self.problems and self.only_duckdb == 0 and self.only_spark == 0


def _text(column: str, data_type: str) -> str:
    """SQL: the column as comparable text."""
    quoted = _quoted(column)
    if data_type.upper().startswith("TIMESTAMP"):
        return f"cast(cast({quoted} as timestamp) as varchar)"
    return f"cast({quoted} as varchar)"


def _quoted(column: str) -> str:
    return '"' + column.replace('"', '""') + '"'


def _is_double(data_type: str) -> bool:
    return data_type.upper() in DOUBLE_TYPES


def _close(a: str, b: str, tolerance: float) -> str:
    """SQL: true when doubles ``a`` and ``b`` are equal within ``tolerance`` relative (nulls, NaNs equal)."""
    return (f"coalesce(({a} is null and {b} is null) or (isnan({a}) and isnan({b})) or {a} = {b}"
            f" or abs({a} - {b}) <= {tolerance!r} * greatest(abs({a}), abs({b})), false)")


def compare_table(con: duckdb.DuckDBPyConnection, schema: str, name: str, parquet_dir: Path) -> TableResult:
    """Compare ``schema.name`` in the DuckDB connection with the Parquet folder written by Spark."""
    spark = f"read_parquet('{parquet_dir.as_posix()}/*.parquet')"
    duck = f'"{schema}"."{name}"'
    duck_columns = con.execute(
        "select column_name, data_type from information_schema.columns"
        " where table_schema = ? and table_name = ? order by ordinal_position", [schema, name]).fetchall()
    spark_columns = [(row[0], row[1]) for row in con.execute(f"describe select * from {spark}").fetchall()]
    result = TableResult(name, con.execute(f"select count(*) from {duck}").fetchone()[0],
                         con.execute(f"select count(*) from {spark}").fetchone()[0])
    duck_types, spark_types = dict(duck_columns), dict(spark_columns)
    if [c for c, _ in duck_columns] != [c for c, _ in spark_columns]:
        result.problems.append(f"columns differ: only DuckDB {sorted(set(duck_types) - set(spark_types))}, "
                               f"only Spark {sorted(set(spark_types) - set(duck_types))}")
    common = [c for c, _ in duck_columns if c in spark_types]
    for column in common:
        a, b = duck_types[column], spark_types[column]
        if a != b and not (a.startswith("TIMESTAMP") and b.startswith("TIMESTAMP")):
            result.notes.append(f"{column}: {a} (DuckDB) vs {b} (Spark)")
    if not common:
        return result
    doubles = [c for c in common if _is_double(duck_types[c]) and _is_double(spark_types[c])]
    sides = _Sides(con, duck, spark, duck_types, spark_types)
    if doubles:
        _compare_tolerant(sides, [c for c in common if c not in doubles], doubles,
                          TABLE_TOLERANCES.get(name, DOUBLE_RELATIVE_TOLERANCE), result)
    else:
        _compare_exact(sides, common, result)
    return result


@dataclass
class _Sides:
    """The two relations of one comparison and their column types."""

    con: duckdb.DuckDBPyConnection
    duck: str
    spark: str
    duck_types: dict[str, str]
    spark_types: dict[str, str]

    def count(self, query: str) -> int:
        return self.con.execute(f"select count(*) from ({query})").fetchone()[0]


def _compare_exact(sides: _Sides, common: list[str], result: TableResult) -> None:
    """Every column as text, rows as a multiset (except all, both ways)."""
    duck_text = ", ".join(f'{_text(c, sides.duck_types[c])} as "{c}"' for c in common)
    spark_text = ", ".join(f'{_text(c, sides.spark_types[c])} as "{c}"' for c in common)
    only_duck = f"select {duck_text} from {sides.duck} except all select {spark_text} from {sides.spark}"
    only_spark = f"select {spark_text} from {sides.spark} except all select {duck_text} from {sides.duck}"
    result.only_duckdb = sides.count(only_duck)
    result.only_spark = sides.count(only_spark)
    if not (result.only_duckdb or result.only_spark):
        return
    result.problems.append("values differ in " + (", ".join(_differing_text(sides, common)) or "row multiplicity only"))
    keys = ", ".join(_quoted(c) for c in common[:2])
    for label, query in (("only in DuckDB", only_duck), ("only in Spark", only_spark)):
        rows = sides.con.execute(f"select {keys} from ({query}) order by all limit {EXAMPLES}").fetchall()
        if rows:
            result.problems.append(f"{label}, e.g. ({', '.join(common[:2])}) = {rows}")


def _differing_text(sides: _Sides, columns: list[str]) -> list[str]:
    """``column (n)`` for each column whose values, as text, differ as a multiset."""
    differing = []
    for column in columns:
        n = sides.count(f"select {_text(column, sides.duck_types[column])} from {sides.duck} except all "
                        f"select {_text(column, sides.spark_types[column])} from {sides.spark}")
        if n:
            differing.append(f"{column} ({n})")
    return differing


def _numbered(relation: str, types: dict[str, str], exact: list[str], doubles: list[str]) -> str:
    """SQL: the exact columns as text (k0, k1, ...), the doubles (v0, ...), and rn: the row's number
    within its group of equal exact columns, in the order of its doubles."""
    keys = [f"{_text(c, types[c])} as k{i}" for i, c in enumerate(exact)]
    values = [f"{_quoted(c)} as v{i}" for i, c in enumerate(doubles)]
    partition = f"partition by {', '.join(f'k{i}' for i in range(len(exact)))} " if exact else ""
    order = ", ".join(f"v{i} nulls first" for i in range(len(doubles)))
    return (f"select *, row_number() over ({partition}order by {order}) as rn"
            f" from (select {', '.join(keys + values)} from {relation})")


def _paired(sides: _Sides, exact: list[str], doubles: list[str], tolerance: float) -> str:
    """SQL: each row of either side beside its pair (same exact columns, same rank), with flags:
    in_duck, in_spark, close<i> (double i within tolerance), is_close (all of them), and the first
    two exact columns of each side (dk<i>, sk<i>) for examples."""
    on = " and ".join([f"d.k{i} is not distinct from s.k{i}" for i in range(len(exact))] + ["d.rn = s.rn"])
    close = [_close(f"d.v{i}", f"s.v{i}", tolerance) for i in range(len(doubles))]
    columns = ["d.rn is not null as in_duck", "s.rn is not null as in_spark", f"{' and '.join(close)} as is_close"]
    columns += [f"{c} as close{i}" for i, c in enumerate(close)]
    columns += [f"d.k{i} as dk{i}, s.k{i} as sk{i}" for i in range(min(len(exact), 2))]
    return (f"select {', '.join(columns)}"
            f" from ({_numbered(sides.duck, sides.duck_types, exact, doubles)}) as d"
            f" full outer join ({_numbered(sides.spark, sides.spark_types, exact, doubles)}) as s on {on}")


MATCHED = "in_duck and in_spark and is_close"


def _compare_tolerant(sides: _Sides, exact: list[str], doubles: list[str], tolerance: float,
                      result: TableResult) -> None:
    """Exact columns as text, doubles within ``tolerance`` relative; rows paired by exact columns and rank."""
    paired = _paired(sides, exact, doubles, tolerance)
    result.only_duckdb = sides.count(f"select 1 from ({paired}) where in_duck and not ({MATCHED})")
    result.only_spark = sides.count(f"select 1 from ({paired}) where in_spark and not ({MATCHED})")
    result.tolerance = f"doubles within {tolerance:g} relative: {', '.join(doubles)}"
    if result.only_duckdb or result.only_spark:
        _report_tolerant(sides, paired, exact, doubles, tolerance, result)


def _report_tolerant(sides: _Sides, paired: str, exact: list[str], doubles: list[str], tolerance: float,
                     result: TableResult) -> None:
    """Name the columns that differ (exact ones as text, doubles beyond the tolerance) and example rows."""
    differing = _differing_text(sides, exact)
    for i, column in enumerate(doubles):
        n = sides.count(f"select 1 from ({paired}) where in_duck and in_spark and not close{i}")
        if n:
            differing.append(f"{column} ({n} beyond {tolerance:g})")
    unpaired = sides.count(f"select 1 from ({paired}) where not (in_duck and in_spark)")
    if unpaired:
        differing.append(f"{unpaired} rows without a pair")
    result.problems.append("values differ in " + ", ".join(differing))
    shown = min(len(exact), 2)
    for label, side, present in (("only in DuckDB", "dk", "in_duck"), ("only in Spark", "sk", "in_spark")):
        if not shown:
            break
        keys = ", ".join(f"{side}{i}" for i in range(shown))
        rows = sides.con.execute(f"select {keys} from ({paired}) where {present} and not ({MATCHED})"
                                 f" order by all limit {EXAMPLES}").fetchall()
        if rows:
            result.problems.append(f"{label}, e.g. ({', '.join(exact[:2])}) = {rows}")


def compare(warehouse: Path, spark_dir: Path, schema: str) -> list[TableResult]:
    """Every table exported from Spark, against the DuckDB warehouse; a DuckDB table Spark lacks is a problem."""
    con = duckdb.connect(str(warehouse), read_only=True)
    con.execute("set TimeZone = 'UTC'")
    try:
        exported = {path.name: path for path in sorted(spark_dir.iterdir()) if path.is_dir()}
        duck_tables = {row[0] for row in con.execute(
            "select table_name from information_schema.tables where table_schema = ?", [schema]).fetchall()}
        results = [compare_table(con, schema, name, path) for name, path in exported.items() if name in duck_tables]
        for name in sorted(set(exported) - duck_tables):
            results.append(TableResult(name, 0, -1, problems=["not in the DuckDB warehouse"]))
        for name in sorted(duck_tables - set(exported)):
            results.append(TableResult(name, -1, 0, problems=["not built on Spark"]))
        return results
    finally:
        con.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ecomops.parity.compare",
                                     description="Compare a Spark build (Parquet export) with a DuckDB warehouse.")
    parser.add_argument("--warehouse", type=Path, required=True, help="the DuckDB warehouse file")
    parser.add_argument("--spark-dir", type=Path, required=True,
                        help="folder of <table>/ Parquet folders (python -m ecomops.parity.export_spark)")
    parser.add_argument("--schema", default="staging", help="schema to compare (default: staging)")
    args = parser.parse_args(argv)
    for path, what in ((args.warehouse, "warehouse"), (args.spark_dir, "Spark export folder")):
        if not path.exists():
            print(f"compare: the {what} {path} does not exist: run make test-spark, which builds both",
                  file=sys.stderr)
            return 2
    results = compare(args.warehouse, args.spark_dir, args.schema)
    print(f"{'table':<34} {'rows':>8}  equal")
    for r in results:
        print(f"{r.name:<34} {max(r.duckdb_rows, r.spark_rows):>8}  {'yes' if r.equal else 'NO'}")
        for line in r.problems:
            print(f"    {line}")
        for line in r.notes:
            print(f"    type (values compared as text): {line}")
        if r.tolerance:
            print(f"    {r.tolerance}")
    failed = [r.name for r in results if not r.equal]
    print(f"{len(results) - len(failed)} of {len(results)} tables equal"
          + (f"; different: {', '.join(failed)}" if failed else ""))
    return 1 if failed or not results else 0


if __name__ == "__main__":
    sys.exit(main())
