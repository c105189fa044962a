"""Scan one raw file with DuckDB: rows, columns, parse failures, date range.

One aggregate query over the file counts everything; a second one, only
when some rule has hits, picks up to 3 examples per rule. CSV files are read
as staging reads them: every column as text, the export's dialect,
``ignore_errors`` with ``store_rejects`` so that a line the reader cannot
parse is counted (``reject_errors``), never quoted. DuckDB checks a value's
encoding only when the value is read, so the scan reads every contract
column.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

from ecomops.export import rules
from ecomops.export.contract import ContractColumn, ContractEntity
from ecomops.export.mask import mask_value, shape

EXAMPLES = 3
REJECT_EXAMPLES = 3
SAMPLE_BYTES = 1 << 20
CHUNK_BYTES = 1 << 24


@dataclass(frozen=True)
class Dialect:
    """The CSV dialect of an export (the build's vars raw_csv_*)."""

    delimiter: str
    quote: str
    escape: str
    encoding: str
    null_strings: tuple[str, ...]

    def reader_sql(self, path: Path) -> str:
        """read_csv(...) of ``path`` as staging reads it (all text, no null
        mapping: the null strings are applied to the text afterwards), with
        rejected lines stored in ``reject_errors``."""
        return (
            f"read_csv({rules.literal(str(path))}, header = true, all_varchar = true, "
            f"delim = {rules.literal(self.delimiter)}, quote = {rules.literal(self.quote)}, "
            f"escape = {rules.literal(self.escape)}, encoding = {rules.literal(self.encoding)}, "
            f"ignore_errors = true, store_rejects = true)"
        )

    def describe(self) -> str:
        def show(text: str) -> str:
            return "'" + text.replace("\t", "\\t") + "'"

        nulls = " ".join(show(s) for s in self.null_strings) or "none"
        return (
            f"delimiter {show(self.delimiter)}, quote {show(self.quote)}, escape {show(self.escape)}, "
            f"encoding {self.encoding}, null strings {nulls}"
        )


@dataclass(frozen=True)
class Settings:
    """What the scan needs besides the file: dialect, zone, floor."""

    dialect: Dialect
    timezone: str
    timestamp_floor: date


@dataclass
class Finding:
    """Values of one column that break one rule."""

    count: int
    examples: list[str] = field(default_factory=list)


@dataclass
class ColumnScan:
    """What the scan found in one contract column present in the file."""

    name: str
    data_type: str
    nulls: int = 0
    findings: dict[str, Finding] = field(default_factory=dict)


@dataclass
class Rejects:
    """Lines the CSV reader could not parse (quarantined as unreadable_line)."""

    lines: int = 0
    by_type: dict[str, int] = field(default_factory=dict)
    examples: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class FileScan:
    """The scan of one raw file."""

    path: Path
    fmt: str
    rows: int = 0
    header: list[str] = field(default_factory=list)
    columns: dict[str, ColumnScan] = field(default_factory=dict)
    first_day: date | None = None
    last_day: date | None = None
    days_from: list[str] = field(default_factory=list)
    rejects: Rejects = field(default_factory=Rejects)
    unaccounted_lines: int = 0
    error: str | None = None
    hints: list[str] = field(default_factory=list)
    zero_bytes: bool = False
    seconds: float = 0.0


def _connect() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    return con


def _first_line(message: str, path: Path) -> str:
    line = str(message).strip().splitlines()[0] if str(message).strip() else "unknown error"
    line = line.replace(str(path), path.name).rstrip(".")
    return mask_value(line, limit=200)


def _reader(path: Path, fmt: str, dialect: Dialect) -> str:
    if fmt == "csv":
        return dialect.reader_sql(path)
    return f"read_parquet({rules.literal(str(path))})"


@dataclass
class _Plan:
    """The scan of one entity as SQL: nested per-row layers and aggregates."""

    layers: list[list[str]]
    counts: list[tuple[str, str]]
    # column index -> (column, {rule: finding alias})
    columns: dict[int, tuple[ContractColumn, dict[str, str]]]
    # finding alias -> (the value column its examples come from, its flag)
    example_of: dict[str, tuple[str, str]]
    days: list[int]
    load_days: list[int]


def _column_plan(
    entity: ContractEntity, present: dict[str, str], settings: Settings, null_strings: list[str]
) -> _Plan:
    """The per-row layers (innermost first: values, parsed values,
    placeholders, flags) and the count aggregates of one pass."""
    values: list[str] = []
    parsed: list[str] = ["*"]
    placeholders: list[str] = ["*"]
    flags: list[str] = ["*"]
    counts: list[tuple[str, str]] = [("n_rows", "count(*)")]
    plan = _Plan([values, parsed, placeholders, flags], counts, {}, {}, [], [])
    floor = f"timestamp {rules.literal(settings.timestamp_floor.isoformat())}"
    now = f"(cast(timezone('UTC', now()) as timestamp) + {rules.FUTURE_SLACK})"
    loaded_at = entity.loaded_at.lower() if entity.loaded_at else None
    indexed = [(i, col) for i, col in enumerate(entity.columns) if col.name.lower() in present]
    loaded_index = next((i for i, col in indexed if col.name.lower() == loaded_at), None)

    def finding(i: int, rule: str, flag: str) -> None:
        alias = f"f{i}_{len(plan.columns[i][1])}"
        counts.append((alias, f"count_if({flag})"))  # a null flag counts as false
        plan.columns[i][1][rule] = alias
        plan.example_of[alias] = (f"v{i}", flag)

    def days(i: int, value: str, good: str, bucket: list[int]) -> None:
        counts.append((f"c{i}_dmin", f"min(case when {good} then {value} end)"))
        counts.append((f"c{i}_dmax", f"max(case when {good} then {value} end)"))
        bucket.append(i)

    for i, col in indexed:
        v = f"v{i}"
        values.append(f"{rules.clean(rules.identifier(present[col.name.lower()]), null_strings)} as {v}")
        plan.columns[i] = (col, {})
        counts.append((f"c{i}_nulls", f"count_if({v} is null)"))
        unparseable = rules.REPAIRED_VALUE if col.optional else rules.INVALID_VALUE
        kind = col.kind
        if kind == "timestamp":
            u = f"u{i}"
            parsed.append(f"{rules.timestamp_utc(v, settings.timezone)} as {u}")
            placeholders.append(f"coalesce({rules.is_placeholder(u)}, false) as ph{i}")
            finding(i, unparseable, f"{v} is not null and {u} is null")
            if i != loaded_index and col.name not in entity.plausibility_checked:
                # Staging only parses it (an expiry, a promise): no plausibility rules.
                upper = f" and {u} <= u{loaded_index}" if loaded_index is not None else ""
                days(i, u, f"{u} is not null and not ph{i} and {u} >= {floor}{upper}",
                     plan.days)
                continue
            flags.append(f"coalesce(not ph{i} and {u} < {floor}, false) as bf{i}")
            finding(i, rules.PLACEHOLDER, f"ph{i}")
            finding(i, rules.BEFORE_FLOOR, f"bf{i}")
            good = f"{u} is not null and not ph{i} and not bf{i}"
            if i == loaded_index:
                finding(i, rules.IN_FUTURE, f"{good} and {u} > {now}")
                days(i, u, good, plan.load_days)
                continue
            if loaded_index is not None:
                flags.append(f"coalesce(not ph{i} and not bf{i} and {u} > u{loaded_index}, false) as al{i}")
                finding(i, rules.AFTER_LOAD, f"al{i}")
                good += f" and not al{i}"
            days(i, u, good, plan.days)
        elif kind == "integer":
            finding(i, unparseable, f"{v} is not null and not {rules.integer_ok(v, col.data_type)}")
        elif kind == "decimal":
            _, scale = col.decimal_digits
            m = f"m{i}"
            parsed.append(f"{rules.money_value(v, col.data_type)} as {m}")
            flags.append(f"coalesce({rules.money_ok(v, m)}, false) as ok{i}")
            flags.append(f"coalesce({rules.money_sub_cent(v, scale)}, false) as sc{i}")
            finding(i, unparseable, f"{v} is not null and not ok{i}")
            finding(i, rules.SUB_CENT, f"ok{i} and sc{i}")
            finding(i, rules.NEGATIVE, f"ok{i} and not sc{i} and {m} < 0")
        elif kind == "boolean":
            finding(i, unparseable, f"{v} is not null and not {rules.boolean_ok(v)}")
        elif kind == "date":
            d = f"d{i}"
            parsed.append(f"{rules.date_value(v)} as {d}")
            finding(i, unparseable, f"{v} is not null and {d} is null")
            placeholder_days = ", ".join(f"date {rules.literal(x)}" for x in rules.PLACEHOLDER_DAYS)
            days(
                i, d,
                f"{d} is not null and {d} >= cast({floor} as date) and year({d}) < "
                f"{rules.PLACEHOLDER_FROM_YEAR} and {d} not in ({placeholder_days})",
                plan.days,
            )
        elif not col.pii:
            finding(i, rules.PERSONAL_NUMBER, rules.has_personal_number(v))
    return plan


def build_query(reader: str, layers: list[list[str]], aggregates: list[tuple[str, str]]) -> str:
    """The single aggregate query over nested layers of per-row expressions."""
    sql = f"select {', '.join(layers[0] or ['1 as no_column'])} from {reader}"
    for number, layer in enumerate(layers[1:], start=1):
        sql = f"select {', '.join(layer)} from ({sql}) as layer{number}"
    select = ", ".join(f"{expr} as {alias}" for alias, expr in aggregates)
    return f"select {select} from ({sql}) as scanned"


def _shanghai_day(value: Any) -> date | None:
    """The Asia/Shanghai day (UTC+8 all year) of a UTC timestamp; a date as is."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return (value + timedelta(hours=8)).date()
    return value


def _one_row(con: duckdb.DuckDBPyConnection, sql: str) -> dict[str, Any]:
    """The single row of an aggregate query, by column name (fetched in full,
    so that the CSV reader's reject_errors table is complete afterwards)."""
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    return dict(zip(names, cursor.fetchall()[0]))


def _examples(row: dict[str, Any], key: str, pii: bool) -> list[str]:
    seen: list[str] = []
    for suffix in ("a", "b", "c"):
        value = row.get(f"{key}_{suffix}")
        if value is None:
            continue
        masked = mask_value(str(value), pii=pii)
        if masked not in seen:
            seen.append(masked)
    return seen[:EXAMPLES]


def _blank_pairs(data: bytes) -> int:
    """Newlines that directly follow another newline (blank lines)."""
    removed = 0
    while b"\n\n" in data:
        shorter = data.replace(b"\n\n", b"\n")
        removed += len(data) - len(shorter)
        data = shorter
    return removed


def count_data_lines(path: Path) -> int:
    """Non-blank physical lines of a text file, less the header line."""
    newlines = blank = 0
    carry = b"\n"  # the start of the file counts as after a newline
    last = b""
    with path.open("rb") as handle:
        while True:
            chunk = handle.read(CHUNK_BYTES)
            if not chunk:
                break
            newlines += chunk.count(b"\n")
            blank += _blank_pairs((carry + chunk).replace(b"\r\n", b"\n")) - _blank_pairs(
                carry.replace(b"\r\n", b"\n")
            )
            carry = chunk[-2:]
            last = chunk[-1:]
    lines = newlines + (1 if last not in (b"", b"\n") else 0)
    return max(lines - blank - 1, 0)


def _rejects(con: duckdb.DuckDBPyConnection) -> Rejects:
    try:
        by_type = con.execute(
            "select error_type, count(distinct line) from reject_errors group by 1 order by 2 desc"
        ).fetchall()
        lines = con.execute("select count(distinct line) from reject_errors").fetchall()[0][0]
        rows = con.execute(
            "select line, any_value(error_type), any_value(column_name), any_value(error_message), "
            "any_value(csv_line) from reject_errors group by line order by line limit ?",
            [REJECT_EXAMPLES],
        ).fetchall()
    except duckdb.Error:
        return Rejects()
    examples = [
        {
            "line": int(line),
            "error": str(error_type),
            "column": mask_value(str(column), limit=40) if column else None,
            "message": mask_value(str(message), limit=120) if message else None,
            "shape": shape(str(csv_line)) if csv_line is not None else None,
        }
        for line, error_type, column, message, csv_line in rows
    ]
    return Rejects(lines=int(lines or 0), by_type={str(t): int(n) for t, n in by_type}, examples=examples)


def _sample(path: Path) -> bytes:
    with path.open("rb") as handle:
        data = handle.read(SAMPLE_BYTES)
    if len(data) == SAMPLE_BYTES and b"\n" in data:
        data = data[: data.rfind(b"\n") + 1]
    return data


def _trial(sample: bytes, dialect: Dialect) -> tuple[int, int] | None:
    """(rows, rejected lines) of the sample read with ``dialect``; None if it fails."""
    with tempfile.TemporaryDirectory(prefix="ecomops-check-") as tmp:
        trial_path = Path(tmp) / "sample.csv"
        trial_path.write_bytes(sample)
        reader = dialect.reader_sql(trial_path)
        con = _connect()
        try:
            # max(length(columns(*))) reads every value, so bad encoding counts.
            rows = con.execute(f"select count(*), max(length(columns(*))) from {reader}").fetchall()[0][0]
            rejected = con.execute("select count(distinct line) from reject_errors").fetchall()[0][0]
            return int(rows), int(rejected)
        except duckdb.Error:
            return None
        finally:
            con.close()


def diagnose(path: Path, dialect: Dialect) -> list[str]:
    """Dialect options to try when a CSV file does not read cleanly."""
    sample = _sample(path)
    hints: list[str] = []
    candidates: list[tuple[str, Dialect]] = []
    if dialect.encoding.lower().replace("_", "-") in ("utf-8", "utf8") and _mostly_not_utf8(sample):
        if sample[:2] in (b"\xff\xfe", b"\xfe\xff"):
            candidates.append(("--encoding utf-16 (var raw_csv_encoding)", replace(dialect, encoding="utf-16")))
        elif _decodes(sample, "gb18030"):
            hints.append(
                "the file is not UTF-8 but reads as GB18030/GBK, which DuckDB cannot decode here: "
                f"convert it first, e.g. iconv -f GB18030 -t UTF-8 {path.name} > utf8/{path.name}"
            )
        else:
            candidates.append(("--encoding latin-1 (var raw_csv_encoding)", replace(dialect, encoding="latin-1")))
    header = sample.split(b"\n", 1)[0].decode("utf-8", "replace")
    if dialect.delimiter not in header:
        for candidate in (",", ";", "\t", "|"):
            if candidate != dialect.delimiter and candidate in header:
                shown = "'\\t'" if candidate == "\t" else f"'{candidate}'"
                candidates.append((f"--delimiter {shown} (var raw_csv_delimiter)", replace(dialect, delimiter=candidate)))
                break
    if dialect.escape != "\\" and b'\\"' in sample:
        candidates.append(
            ("--escape '\\\\' (var raw_csv_escape; the file has MySQL-style \\\" escapes)", replace(dialect, escape="\\"))
        )
    for option, candidate in candidates:
        trial = _trial(sample, candidate)
        if trial is None:
            hints.append(f"try {option}")
        else:
            rows, rejected = trial
            hints.append(
                f"try {option}: the first {rows + rejected:,} lines then read with "
                f"{rejected:,} rejected"
            )
    return hints


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _mostly_not_utf8(sample: bytes) -> bool:
    """True when most lines with non-ASCII bytes are not UTF-8 (a file-wide
    encoding, not a few damaged lines, which are quarantined one by one)."""
    non_ascii = bad = 0
    for line in sample.split(b"\n"):
        if not line.isascii():
            non_ascii += 1
            if not _decodes(line, "utf-8"):
                bad += 1
    return bad > 0 and 2 * bad >= non_ascii


def scan_file(path: Path, fmt: str, entity: ContractEntity, settings: Settings) -> FileScan:
    """Scan ``path``, the export file of ``entity``."""
    started = time.perf_counter()
    result = FileScan(path=path, fmt=fmt)
    if path.stat().st_size == 0:
        result.zero_bytes = True  # staging reads it as an empty entity
        return result
    reader = _reader(path, fmt, settings.dialect)
    null_strings = list(settings.dialect.null_strings)
    con = _connect()
    try:
        try:
            described = con.execute(f"describe select * from {reader}").fetchall()
        except duckdb.Error as exc:
            result.error = f"DuckDB cannot read the file: {_first_line(str(exc), path)}"
            if fmt == "csv":
                result.hints = diagnose(path, settings.dialect)
            return result
        result.header = [str(row[0]) for row in described]
        present = {name.lower(): name for name in result.header}
        plan = _column_plan(entity, present, settings, null_strings)
        try:
            row = _one_row(con, build_query(reader, plan.layers, plan.counts))
            hits = [alias for alias in plan.example_of if row[alias]]
            if hits:
                # Second pass, only when some rule has hits: up to 3 examples each.
                examples = []
                for alias in hits:
                    value, flag = plan.example_of[alias]
                    examples += [
                        (f"{alias}_{end}", f"{fn}(case when {flag} then {value} end)")
                        for end, fn in (("a", "min"), ("b", "max"), ("c", "any_value"))
                    ]
                row.update(_one_row(con, build_query(reader, plan.layers, examples)))
        except duckdb.Error as exc:
            result.error = f"DuckDB cannot read the file: {_first_line(str(exc), path)}"
            if fmt == "csv":
                result.hints = diagnose(path, settings.dialect)
            return result
        result.rows = int(row["n_rows"] or 0)
        for i, (col, col_findings) in plan.columns.items():
            scan = ColumnScan(name=col.name, data_type=col.data_type, nulls=int(row[f"c{i}_nulls"] or 0))
            for rule, alias in col_findings.items():
                count = int(row[alias] or 0)
                if count:
                    scan.findings[rule] = Finding(count, _examples(row, alias, col.pii))
            result.columns[col.name] = scan
        day_columns = plan.days or plan.load_days
        # Timestamps: min/max of the UTC value, then its Shanghai day (the day
        # is monotonic in the timestamp, so this is min/max of the days).
        found = [_shanghai_day(row[f"c{i}_{end}"]) for i in day_columns for end in ("dmin", "dmax")]
        found = [d for d in found if d is not None]
        if found:
            result.first_day, result.last_day = min(found), max(found)
        result.days_from = [plan.columns[i][0].name for i in day_columns]
        if fmt == "csv":
            result.rejects = _rejects(con)
            if result.rejects.lines:
                # Without rejected lines no line can go missing; with them, an
                # unterminated quote may have swallowed the lines after it.
                accounted = result.rows + result.rejects.lines
                result.unaccounted_lines = max(count_data_lines(path) - accounted, 0)
                result.hints = diagnose(path, settings.dialect)
    finally:
        con.close()
        result.seconds = time.perf_counter() - started
    return result
