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
from typing import Any, Iterable

import duckdb

from ecomops.quality.spec import Suite

WINDOW = "intermediate.int_data_window"


@dataclass(frozen=True)
class Span:
    """The data's first and last Asia/Shanghai day, and the calendar's span
    (the days ``dim_date`` covers), with where they were read from."""

    start: dt.date
    end: dt.date
    calendar_start: dt.date
    calendar_end: dt.date
    source: str = WINDOW


@dataclass
class Parameters:
    """The suite parameters, and the row-count rules whose bounds could not
    be computed (Great Expectations suite name -> message)."""

    values: dict[str, Any]
    errors: dict[str, str]


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
    """Copy ``relation`` to a Parquet file (an empty table gives an empty
    file with the table's columns); returns its row count."""
    columns = con.execute(f"describe {relation}").fetchall()
    select_list = ", ".join(
        f'cast("{name}" as double) as "{name}"' if str(kind).upper().startswith("DECIMAL") else f'"{name}"'
        for name, kind, *_ in columns
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    path = str(target).replace("'", "''")
    con.execute(f"copy (select {select_list} from {relation}) to '{path}' (format parquet)")
    return int(con.execute(f"select count(*) from {relation}").fetchone()[0])


class SpanError(ValueError):
    """The data's span cannot be determined."""


def data_span(con: duckdb.DuckDBPyConnection, start: str = "", end: str = "") -> Span:
    """The data's window: ``start`` / ``end`` (ISO dates, e.g. --start-date)
    when given, else ``intermediate.int_data_window`` (the window the build
    derived from the data, dbt vars data_start_date / data_end_date
    included). A warehouse built before that model existed falls back to
    the first and last day of the orders placed and the users registered,
    and to the days of ``marts.dim_date`` for the calendar."""
    present = relations(con)
    source = WINDOW
    if WINDOW in present:
        row = con.execute(
            f"select data_start_date, data_end_date, calendar_start_date, calendar_end_date from {WINDOW}"
        ).fetchone()
        first, last, calendar_first, calendar_last = row if row else (None, None, None, None)
    else:
        source = "staging.stg_shop__orders placed_date and staging.stg_shop__users registered_date"
        first, last = con.execute(
            "select min(day), max(day) from ("
            " select placed_date as day from staging.stg_shop__orders"
            " union all select registered_date as day from staging.stg_shop__users)"
        ).fetchone()
        calendar_first, calendar_last = (
            con.execute("select min(date_day), max(date_day) from marts.dim_date").fetchone()
            if "marts.dim_date" in present else (None, None)
        )
    if start or end:
        source = f"{source}, overridden by --start-date / --end-date"
    span_start = _date(start, "--start-date") or _as_date(first)
    span_end = _date(end, "--end-date") or _as_date(last)
    if span_start is None or span_end is None:
        raise SpanError(
            f"the data's span is unknown: {source} has no dates (no users and no orders?). "
            "Build the warehouse from an export with users and orders, or pass --start-date and --end-date"
        )
    if span_end < span_start:
        raise SpanError(f"the data's span ends ({span_end}) before it starts ({span_start}): "
                        "check --start-date / --end-date")
    calendar_start = _as_date(calendar_first) or span_start
    calendar_end = _as_date(calendar_last) or span_end
    return Span(span_start, span_end, min(calendar_start, span_start), max(calendar_end, span_end), source)


def _date(text: str, option: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise SpanError(f"{option} {text!r} is not a date: write it as YYYY-MM-DD") from exc


def _as_date(value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def parameters(con: duckdb.DuckDBPyConnection, suites: Iterable[Suite], span: Span) -> Parameters:
    """The suite parameters: the data span, the calendar and each suite's
    row-count bounds (invariant and calibration). A bound whose base cannot
    be counted (a relation missing from the warehouse) is recorded in
    ``errors`` and given an empty range, so that its rule fails."""
    values: dict[str, Any] = {
        "span_start_date": span.start.isoformat(),
        "span_end_date": span.end.isoformat(),
        "span_end_year": span.end.year,
        "calendar_start_date": span.calendar_start.isoformat(),
        "calendar_end_date": span.calendar_end.isoformat(),
    }
    errors: dict[str, str] = {}
    for suite in suites:
        for name, prefix, rows in suite.row_bounds():
            try:
                base = _count(con, rows.relative_to, span)
            except duckdb.Error as exc:
                errors[name] = (f"cannot compute the row-count bounds of {name} from "
                                f"{rows.relative_to!r}: {str(exc).splitlines()[0]}")
                values[f"{prefix}min_rows"], values[f"{prefix}max_rows"] = 1, 0
                continue
            if rows.min_ratio is not None:
                values[f"{prefix}min_rows"] = math.floor(base * rows.min_ratio)
            if rows.max_ratio is not None:
                values[f"{prefix}max_rows"] = math.ceil(base * rows.max_ratio)
    return Parameters(values, errors)


def _count(con: duckdb.DuckDBPyConnection, relative_to: str, span: Span) -> int:
    query = relative_to.format(
        span_start_date=span.start.isoformat(), span_end_date=span.end.isoformat(),
        calendar_start_date=span.calendar_start.isoformat(), calendar_end_date=span.calendar_end.isoformat(),
    )
    if not query.lstrip().lower().startswith("select"):
        query = f"select count(*) from {query}"
    return int(con.execute(query).fetchone()[0] or 0)
