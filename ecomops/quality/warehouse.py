"""Read the built warehouse for validation: snapshots and run-time parameters.

The warehouse is opened read-only, so validation never takes DuckDB's writer
lock and can run beside a BI tool. Each table a suite validates is copied to a
Parquet snapshot (decimals as doubles, so that pandas computes means and
ranges on numbers rather than ``Decimal`` objects); the suite parameters are
computed from the same connection.
"""

from __future__ import annotations

import datetime as dt
import math
import pathlib
from dataclasses import dataclass
from typing import Any

import duckdb
import yaml

from ecomops.quality.spec import Suite

REPO = pathlib.Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Span:
    """The data's first and last Asia/Shanghai day."""

    start: dt.date
    end: dt.date


def connect(path: pathlib.Path) -> duckdb.DuckDBPyConnection:
    """Open the warehouse read-only, with a message that says what to do."""
    if not path.exists():
        raise FileNotFoundError(
            f"warehouse {path} does not exist: build it first (`make build`, or `dbt build`), "
            "or point ECOMOPS_WAREHOUSE / --warehouse at a built one"
        )
    return duckdb.connect(str(path), read_only=True)


def relations(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Every ``schema.table`` (tables and views) in the warehouse."""
    rows = con.execute("select table_schema, table_name from information_schema.tables").fetchall()
    return {f"{schema}.{name}" for schema, name in rows}


def export_snapshot(con: duckdb.DuckDBPyConnection, relation: str, target: pathlib.Path) -> int:
    """Copy ``relation`` to a Parquet file; returns its row count."""
    columns = con.execute(f"describe {relation}").fetchall()
    select_list = ", ".join(
        f'cast("{name}" as double) as "{name}"' if str(kind).upper().startswith("DECIMAL") else f'"{name}"'
        for name, kind, *_ in columns
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    path = str(target).replace("'", "''")
    con.execute(f"copy (select {select_list} from {relation}) to '{path}' (format parquet)")
    return int(con.execute(f"select count(*) from {relation}").fetchone()[0])


def dbt_span_vars(project_file: pathlib.Path = REPO / "dbt_project.yml") -> tuple[str, str]:
    """The dbt vars data_start_date / data_end_date ('' when not set)."""
    project = yaml.safe_load(project_file.read_text(encoding="utf-8")) or {}
    variables = project.get("vars") or {}
    return str(variables.get("data_start_date") or ""), str(variables.get("data_end_date") or "")


def data_span(con: duckdb.DuckDBPyConnection, start: str = "", end: str = "") -> Span:
    """The span from the given dates, else from the dbt vars, else from the orders."""
    var_start, var_end = dbt_span_vars()
    start, end = start or var_start, end or var_end
    if not (start and end):
        first, last = con.execute(
            "select min(placed_date), max(placed_date) from staging.stg_shop__orders"
        ).fetchone()
        start, end = start or str(first), end or str(last)
    return Span(dt.date.fromisoformat(start), dt.date.fromisoformat(end))


def parameters(con: duckdb.DuckDBPyConnection, suites: list[Suite], span: Span) -> dict[str, Any]:
    """The suite parameters: the data span and each suite's row-count bounds."""
    values: dict[str, Any] = {
        "span_start_date": span.start.isoformat(),
        "span_end_date": span.end.isoformat(),
    }
    for suite in suites:
        if suite.rows is None:
            continue
        base = _count(con, suite.rows.relative_to, span)
        values[f"{suite.model}__min_rows"] = math.floor(base * suite.rows.min_ratio)
        values[f"{suite.model}__max_rows"] = math.ceil(base * suite.rows.max_ratio)
    return values


def _count(con: duckdb.DuckDBPyConnection, relative_to: str, span: Span) -> int:
    query = relative_to.format(span_start_date=span.start.isoformat(), span_end_date=span.end.isoformat())
    if not query.lstrip().lower().startswith("select"):
        query = f"select count(*) from {query}"
    return int(con.execute(query).fetchone()[0])
