"""Compare the Spark build's tables (Parquet folders) with the same tables of a DuckDB warehouse.

Per table: both sides must have the same columns and the same rows, as a
multiset, every value compared as text (timestamps as UTC wall-clock text,
so a Spark ``timestamp`` and a DuckDB ``timestamp`` of the same instant are
equal; a type that differs only in width, e.g. ``int`` against ``bigint``,
is reported but not a difference, since the values are compared). Any
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

    @property
    def equal(self) -> bool:
        return not self.problems and self.only_duckdb == 0 and self.only_spark == 0


def _text(column: str, data_type: str) -> str:
    """SQL: the column as comparable text."""
    quoted = '"' + column.replace('"', '""') + '"'
    if data_type.upper().startswith("TIMESTAMP"):
        return f"cast(cast({quoted} as timestamp) as varchar)"
    return f"cast({quoted} as varchar)"


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
    duck_text = ", ".join(f'{_text(c, duck_types[c])} as "{c}"' for c in common)
    spark_text = ", ".join(f'{_text(c, spark_types[c])} as "{c}"' for c in common)
    only_duck = f"select {duck_text} from {duck} except all select {spark_text} from {spark}"
    only_spark = f"select {spark_text} from {spark} except all select {duck_text} from {duck}"
    result.only_duckdb = con.execute(f"select count(*) from ({only_duck})").fetchone()[0]
    result.only_spark = con.execute(f"select count(*) from ({only_spark})").fetchone()[0]
    if result.only_duckdb or result.only_spark:
        differing = []
        for column in common:
            n = con.execute(f"select count(*) from (select {_text(column, duck_types[column])} from {duck}"
                            f" except all select {_text(column, spark_types[column])} from {spark})").fetchone()[0]
            if n:
                differing.append(f"{column} ({n})")
        result.problems.append("values differ in " + (", ".join(differing) or "row multiplicity only"))
        keys = ", ".join(f'"{c}"' for c in common[:2])
        for label, query in (("only in DuckDB", only_duck), ("only in Spark", only_spark)):
            rows = con.execute(f"select {keys} from ({query}) order by all limit {EXAMPLES}").fetchall()
            if rows:
                result.problems.append(f"{label}, e.g. ({', '.join(common[:2])}) = {rows}")
    return result


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
    failed = [r.name for r in results if not r.equal]
    print(f"{len(results) - len(failed)} of {len(results)} tables equal"
          + (f"; different: {', '.join(failed)}" if failed else ""))
    return 1 if failed or not results else 0


if __name__ == "__main__":
    sys.exit(main())
