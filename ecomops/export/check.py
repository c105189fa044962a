"""``python -m ecomops check-export DIR``: will this export build, and how?

A preflight for a raw export, run before ``dbt build --vars '{raw_dir: DIR}'``.
It reads the raw contract from the sources YAML (``ecomops.export.contract``),
scans every file with DuckDB in one pass each (``ecomops.export.scan``) and
says, per entity: file found or absent, rows, columns missing or extra, the
date range, values that will be quarantined or repaired (counts and masked
examples), lines the CSV reader cannot parse, and which marts will be empty
(``ecomops.export.marts``). Exit 0: the build would succeed; 1: it would
stop; 2: usage error.
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from ecomops.export import rules
from ecomops.export.contract import PROJECT_DIR, ContractEntity, ContractError, load_contract, project_vars
from ecomops.export.marts import MartsReport, empty_marts
from ecomops.export.mask import mask_value, quoted
from ecomops.export.scan import Dialect, FileScan, Settings, scan_file

FORMATS = ("csv", "parquet")
PROGRESS_BYTES = 64 << 20

RULE_TEXT = {
    rules.INVALID_VALUE: "does not parse (quarantined: invalid_value)",
    rules.REPAIRED_VALUE: "does not parse (descriptive: read as unknown/null, not quarantined)",
    rules.PLACEHOLDER: "placeholder timestamp (quarantined: timestamp_placeholder)",
    rules.BEFORE_FLOOR: "before the timestamp floor (quarantined: timestamp_before_floor)",
    rules.AFTER_LOAD: "after the row's loaded_at (quarantined: timestamp_after_load)",
    rules.IN_FUTURE: "loaded_at in the future (quarantined: timestamp_in_future)",
    rules.SUB_CENT: "non-zero digits beyond the cent (quarantined: money_sub_cent, never rounded)",
    rules.NEGATIVE: "negative amount (quarantined: negative_amount)",
    rules.PERSONAL_NUMBER: "holds a mobile or ID-card number (masked in staging)",
}

DESCRIPTION = """\
Check a raw export before building the warehouse on it.

DIR holds one file per entity of the raw contract, <entity>.csv or
<entity>.parquet (the contract: the source tables of
models/staging/<system>/_<system>__sources.yml, with each column's type;
columns marked meta: {optional: true} may be absent). The check reads every
file the way the build will (DuckDB; for CSV every column as text, with the
dialect below) and reports, per entity:

  - the file found (csv or parquet) or absent, and its data rows;
  - contract columns missing (required: the build stops; optional: read as
    null) and extra columns (ignored);
  - the date range: first and last Asia/Shanghai day of the entity's
    timestamps (loaded_at only when it has no other), plausible values only;
  - per column, values that staging quarantines or repairs, by rule, with up
    to 3 masked examples: values that do not parse (invalid_value),
    placeholder timestamps (1970-01-01, 1900-01-01, 0001-01-01, year 9999),
    timestamps before the floor or after the row's loaded_at, money with
    non-zero digits beyond the cent (money_sub_cent), negative money
    (negative_amount), mobile or ID-card numbers in free text (masked);
  - CSV lines the reader cannot parse (bad encoding, wrong field count,
    unterminated quote): counted, quarantined as unreadable_line, shown only
    as line numbers and masked shapes; with a dialect option to try;
  - which marts will be empty because an entity is absent or has no rows
    (from the dbt manifest; `dbt parse` runs once if there is none).

Nothing personal is printed: examples mask every run of 7+ digits (mobile
and ID-card numbers included) and every non-ASCII character; raw lines and
personal-data columns are shown only as shapes (digits 9, letters a).

Timestamps follow the staging rules: ISO 8601 'YYYY-MM-DD[ HH:MM[:SS[.f]]]'
or with 'T', optional 'Z' or numeric offset (+08:00, +0800, +08) converted
to UTC; without an offset they are in --timezone. Money: optional sign,
digits, optional decimals; '12.3000' is 12.30.
"""

EPILOG = """\
exit status:
  0  the build would succeed (marts that will be empty are listed)
  1  the build would stop: no contract file in DIR, a required entity
     ({required}) absent or without rows, a required column missing, a file
     the reader cannot read (a dialect option to try is suggested), or more
     unreadable lines than var raw_max_unreadable_lines ({max_unreadable})
  2  usage error (bad option, DIR not a folder)

The options match the build's vars; pass the same values to dbt:
  --format          raw_format            --delimiter  raw_csv_delimiter
  --quote           raw_csv_quote         --escape     raw_csv_escape
  --encoding        raw_csv_encoding      --null-string raw_csv_null_strings
  --timezone        raw_timezone          --timestamp-floor raw_timestamp_floor

examples:
  python -m ecomops check-export /data/export
  python -m ecomops check-export /data/mysql_dump --escape '\\\\' --timezone Asia/Shanghai
  python -m ecomops check-export /data/export --null-string '' --null-string NA --json
"""


def _unescape_char(value: str) -> str:
    """Accept '\\t', 'tab' and '\\\\' as typed on a shell line."""
    table = {"\\t": "\t", "tab": "\t", "TAB": "\t", "\\\\": "\\", "backslash": "\\"}
    return table.get(value, value)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    defaults = project_vars()
    parser.description = DESCRIPTION
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    try:
        required = " and ".join(e.name for e in load_contract() if e.required)
    except ContractError:
        required = "see the sources YAML"
    parser.epilog = EPILOG.format(required=required, max_unreadable=defaults["raw_max_unreadable_lines"])
    parser.add_argument("dir", metavar="DIR", type=Path, help="folder with the export's files")
    parser.add_argument(
        "--format", choices=FORMATS, default=None,
        help="file format of the export (default: detected from the files present)",
    )
    parser.add_argument(
        "--delimiter", default=defaults["raw_csv_delimiter"],
        help="CSV field delimiter ('\\t' or tab for a tab; default %(default)r)",
    )
    parser.add_argument("--quote", default=defaults["raw_csv_quote"], help="CSV quote character (default %(default)r)")
    parser.add_argument(
        "--escape", default=defaults["raw_csv_escape"],
        help="CSV escape character inside quotes (default %(default)r; '\\\\' for MySQL-style \\\" escapes)",
    )
    parser.add_argument(
        "--encoding", default=defaults["raw_csv_encoding"],
        help="CSV encoding: utf-8, utf-16 or latin-1 (default %(default)s)",
    )
    parser.add_argument(
        "--null-string", action="append", dest="null_strings", metavar="TEXT", default=None,
        help="a value that means null; repeat for several; replaces the default "
        + " ".join(f"'{s}'" for s in defaults["raw_csv_null_strings"]),
    )
    parser.add_argument(
        "--timezone", default=defaults["raw_timezone"],
        help="zone of timestamps written without an offset (default %(default)s)",
    )
    parser.add_argument(
        "--timestamp-floor", default=str(defaults["raw_timestamp_floor"]),
        help="timestamps before this day are implausible (default %(default)s)",
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON (machine-readable)")
    parser.add_argument(
        "--manifest", type=Path, default=None,
        help="dbt manifest.json to read the marts' lineage from (default: the target's, else `dbt parse`)",
    )


class UsageError(ValueError):
    """A bad option value: exit 2."""


def _settings(args: argparse.Namespace) -> Settings:
    delimiter = _unescape_char(args.delimiter)
    quote = _unescape_char(args.quote)
    escape = _unescape_char(args.escape)
    if not delimiter:
        raise UsageError("--delimiter must not be empty")
    for name, value in (("--quote", quote), ("--escape", escape)):
        if len(value) > 1:
            raise UsageError(f"{name} must be one character, got {value!r}")
    encodings = {"utf-8": "utf-8", "utf8": "utf-8", "utf-16": "utf-16", "utf16": "utf-16",
                 "latin-1": "latin-1", "latin1": "latin-1", "iso-8859-1": "latin-1"}
    encoding = encodings.get(args.encoding.lower().replace("_", "-"), "")
    if not encoding:
        raise UsageError(
            f"--encoding {args.encoding!r} is not one DuckDB reads here (utf-8, utf-16, latin-1); "
            "convert the file first, e.g. iconv -f GB18030 -t UTF-8"
        )
    try:
        floor = date.fromisoformat(str(args.timestamp_floor))
    except ValueError as exc:
        raise UsageError(f"--timestamp-floor must be a day YYYY-MM-DD, got {args.timestamp_floor!r}") from exc
    timezone = str(args.timezone)
    if timezone.upper() not in ("UTC", "Z", "ETC/UTC", "+00:00"):
        con = duckdb.connect()
        try:
            known = con.execute("select count(*) from pg_timezone_names() where name = ?", [timezone]).fetchall()[0][0]
        finally:
            con.close()
        if not known:
            raise UsageError(f"--timezone {timezone!r} is not a time-zone name (e.g. UTC, Asia/Shanghai)")
    nulls = args.null_strings if args.null_strings is not None else project_vars()["raw_csv_null_strings"]
    dialect = Dialect(delimiter, quote, escape, encoding, tuple(str(s) for s in nulls))
    return Settings(dialect=dialect, timezone=timezone, timestamp_floor=floor)


@dataclass
class EntityResult:
    """The verdict on one entity of the contract."""

    entity: ContractEntity
    file: Path | None = None
    scan: FileScan | None = None
    status: str = "absent"  # absent | empty | rows | unreadable
    missing_required: list[str] = field(default_factory=list)
    missing_optional: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def has_rows(self) -> bool:
        return self.status == "rows"


@dataclass
class Report:
    """The whole preflight."""

    directory: Path
    fmt: str | None
    settings: Settings
    entities: list[EntityResult] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    marts: MartsReport | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems and not any(e.problems for e in self.entities)


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _size(num_bytes: int) -> str:
    if num_bytes >= 1 << 30:
        return f"{num_bytes / (1 << 30):.1f} GB"
    return f"{num_bytes / (1 << 20):.1f} MB"


def _choose_format(directory: Path, entities: list[ContractEntity], wanted: str | None,
                   report: Report) -> str | None:
    """The format the build will read: --format, else the one present."""
    found = {fmt: [e.name for e in entities if (directory / f"{e.name}.{fmt}").is_file()] for fmt in FORMATS}
    if wanted:
        other = "parquet" if wanted == "csv" else "csv"
        if found[other]:
            report.warnings.append(
                f"ignored (not {wanted}): " + ", ".join(f"{n}.{other}" for n in found[other])
                + f"; the build reads one format (var raw_format: {wanted})"
            )
        return wanted
    if found["csv"] and found["parquet"]:
        report.problems.append(
            f"{directory} holds both CSV and Parquet files of the contract ("
            + ", ".join(f"{n}.csv" for n in found["csv"]) + "; "
            + ", ".join(f"{n}.parquet" for n in found["parquet"])
            + "): the build reads one format. Pass --format csv or --format parquet (var raw_format)."
        )
        return None
    return "parquet" if found["parquet"] else "csv"


DATA_SUFFIXES = {".csv", ".tsv", ".txt", ".parquet", ".pq", ".gz", ".zip", ".bz2", ".zst", ".xz",
                 ".json", ".jsonl", ".xlsx", ".xls"}


def _strangers(directory: Path, entities: list[ContractEntity], fmt: str | None) -> list[str]:
    """Data-like files the build will not read, with the name they may mean."""
    expected = {f"{e.name}.{f}" for e in entities for f in FORMATS}
    names = [f"{e.name}.{fmt or 'csv'}" for e in entities]
    notes = []
    for path in sorted(directory.iterdir()):
        if path.name.startswith(".") or not path.is_file() or path.name in expected:
            continue
        if path.suffix.lower() not in DATA_SUFFIXES:
            continue
        close = difflib.get_close_matches(path.name, names, n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]}?)" if close else ""
        notes.append(f"{mask_value(path.name, limit=60)}{hint}")
    return notes


def _contract_file(entity: ContractEntity) -> str:
    try:
        return str(entity.yaml_path.relative_to(PROJECT_DIR))
    except ValueError:
        return str(entity.yaml_path)


def _judge(result: EntityResult, fmt: str, required: list[str], max_unreadable: int) -> None:
    entity, scan = result.entity, result.scan
    name = result.file.name if result.file else f"{entity.name}.{fmt}"
    if scan is None:
        if entity.required:
            result.problems.append(
                f"{name} is absent: every export needs {' and '.join(required)} "
                "(rule raw_required_entity); the other entities may be absent"
            )
        return
    if scan.zero_bytes:
        result.status = "empty"
        if entity.required:
            result.problems.append(f"{name} is empty (0 bytes): a required entity needs a header row and data rows")
        return
    if scan.error:
        result.status = "unreadable"
        hint = ("; ".join(scan.hints) + ".") if scan.hints else (
            "check --delimiter, --quote, --escape and --encoding (dbt vars raw_csv_*)."
            if scan.fmt == "csv" else "is it a Parquet file?"
        )
        result.problems.append(f"{name}: {scan.error}. The build cannot read it either: {hint}")
        return
    present = {h.lower() for h in scan.header}
    contract = {c.name.lower() for c in entity.columns}
    result.missing_required = [c.name for c in entity.columns if c.name.lower() not in present and not c.optional]
    result.missing_optional = [c.name for c in entity.columns if c.name.lower() not in present and c.optional]
    result.extra = [mask_value(h, limit=40) for h in scan.header if h.lower() not in contract]
    if result.missing_required:
        if not present & contract:
            hint = "; ".join(scan.hints) if scan.hints else "is the header row missing, or the delimiter wrong?"
            result.problems.append(
                f"{name} has none of the contract's columns (found {len(scan.header)} column(s)): {hint}"
            )
            result.extra = []
        else:
            result.problems.append(
                f"{name} lacks required column(s) {', '.join(result.missing_required)} "
                f"(rule raw_contract_columns; contract: {_contract_file(entity)}); only columns marked "
                "meta: {optional: true} may be absent"
            )
    result.status = "rows" if scan.rows > 0 else "empty"
    if entity.required and scan.rows == 0 and not result.problems:
        result.problems.append(f"{name} has no data rows: a required entity needs rows")
    if result.missing_optional:
        result.warnings.append(
            f"optional column(s) absent, read as null/unknown: {', '.join(result.missing_optional)}"
        )
    rejects = scan.rejects
    if rejects.lines:
        kinds = ", ".join(f"{kind.lower()} {count:,}" for kind, count in rejects.by_type.items())
        text = f"{rejects.lines:,} line(s) the CSV reader cannot parse ({kinds})"
        if rejects.lines > max_unreadable:
            hint = (" " + "; ".join(scan.hints) + ".") if scan.hints else " Check the dialect options."
            result.problems.append(
                f"{name}: {text}: more than var raw_max_unreadable_lines ({max_unreadable:,}), "
                f"the build stops (rule raw_csv_dialect).{hint}"
            )
        else:
            hint = (" " + "; ".join(scan.hints) + ".") if scan.hints else ""
            result.warnings.append(f"{text}, quarantined as unreadable_line.{hint}")
    if scan.unaccounted_lines:
        first = f" (first rejected line {rejects.examples[0]['line']})" if rejects.examples else ""
        result.warnings.append(
            f"{scan.unaccounted_lines:,} physical line(s) are neither rows nor rejected lines: line breaks "
            f"inside quoted values, or an unterminated quote that swallowed the lines after it{first}"
        )


def check(args: argparse.Namespace) -> Report:
    """Run the whole preflight (no output)."""
    started = time.perf_counter()
    settings = _settings(args)
    directory: Path = args.dir
    entities = load_contract()
    max_unreadable = int(project_vars()["raw_max_unreadable_lines"])
    required = [e.name for e in entities if e.required]
    report = Report(directory=directory, fmt=None, settings=settings)
    fmt = _choose_format(directory, entities, args.format, report)
    report.fmt = fmt
    strangers = _strangers(directory, entities, fmt)
    if strangers:
        report.warnings.append("files not in the contract, not read: " + ", ".join(strangers))
    if fmt is None:
        report.seconds = time.perf_counter() - started
        return report
    files = {e.name: directory / f"{e.name}.{fmt}" for e in entities}
    if not any(path.is_file() for path in files.values()):
        report.problems.append(
            f"{directory} holds none of the contract's {fmt} files (rule raw_contract_files). Expected: "
            + ", ".join(f"{e.name}.{fmt}" for e in entities)
            + " (" + " and ".join(e.name for e in entities if e.required) + " required)."
        )
    for entity in entities:
        path = files[entity.name]
        result = EntityResult(entity=entity)
        if path.is_file():
            result.file = path
            size = path.stat().st_size
            big = size >= PROGRESS_BYTES and not getattr(args, "quiet_progress", False)
            if big:
                _progress(f"check-export: scanning {path.name} ({_size(size)}) ...")
            result.scan = scan_file(path, fmt, entity, settings)
            if big:
                _progress(f"check-export: {path.name}: {result.scan.rows:,} rows in {result.scan.seconds:.1f} s")
        _judge(result, fmt, required, max_unreadable)
        report.entities.append(result)
    present = {r.entity.name for r in report.entities if r.has_rows}
    if any(r.file for r in report.entities) and any(not r.has_rows for r in report.entities):
        report.marts = empty_marts(present, args.manifest, _progress)
    else:
        report.marts = MartsReport()
    report.seconds = time.perf_counter() - started
    return report


# --- output ----------------------------------------------------------------


def _days(result: EntityResult) -> str:
    scan = result.scan
    if scan is None or scan.first_day is None or scan.last_day is None:
        return "-"
    loaded = " (loaded_at)" if scan.days_from == [result.entity.loaded_at] else ""
    return f"{scan.first_day.isoformat()}..{scan.last_day.isoformat()}{loaded}"


def _finding_lines(result: EntityResult) -> list[str]:
    lines = []
    scan = result.scan
    if scan is None:
        return lines
    for column in scan.columns.values():
        for rule, finding in column.findings.items():
            examples = ", ".join(quoted(e) for e in finding.examples)
            lines.append(
                f"  {column.name} ({column.data_type}): {finding.count:,} {RULE_TEXT.get(rule, rule)}"
                + (f"; e.g. {examples}" if examples else "")
            )
    for example in scan.rejects.examples:
        column = f", column {example['column']}" if example.get("column") else ""
        lines.append(
            f"  line {example['line']:,}: {example['error'].lower()}{column}; shape {quoted(example['shape'] or '')}"
        )
    return lines


def _status(result: EntityResult) -> str:
    if result.problems:
        return "FAILS"
    if result.status == "absent":
        return "absent"
    if result.status == "empty":
        return "no rows"
    return "ok" + (" (warnings)" if result.warnings else "")


def render_text(report: Report) -> str:
    settings = report.settings
    out = [f"check-export {report.directory}"]
    if report.fmt == "csv":
        out.append(f"  format csv; {settings.dialect.describe()}")
    elif report.fmt:
        out.append("  format parquet")
    out.append(
        f"  timestamps without offset: {settings.timezone}; timestamp floor {settings.timestamp_floor.isoformat()}"
    )
    out.append("")
    header = ("entity", "file", "rows", "unreadable", "columns", "days (Asia/Shanghai)", "status")
    rows = []
    for result in report.entities:
        scan = result.scan
        total = len(result.entity.columns)
        have = total - len(result.missing_required) - len(result.missing_optional)
        readable = scan is not None and scan.error is None and not scan.zero_bytes
        if scan is not None and scan.zero_bytes:
            rows.append((result.entity.name + (" *" if result.entity.required else ""), result.file.name,
                         "0", "-", "0 bytes", "-", _status(result)))
            continue
        rows.append((
            result.entity.name + (" *" if result.entity.required else ""),
            result.file.name if result.file else "-",
            f"{scan.rows:,}" if readable else "-",
            f"{scan.rejects.lines:,}" if readable and scan.fmt == "csv" else "-",
            f"{have}/{total}" + (f" +{len(result.extra)}" if result.extra else "") if readable else "-",
            _days(result) if readable else "-",
            _status(result),
        ))
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    numeric = {2, 3}
    for r in [header, *rows]:
        cells = [str(c).rjust(w) if i in numeric else str(c).ljust(w) for i, (c, w) in enumerate(zip(r, widths))]
        out.append("  ".join(cells).rstrip())
    out.append("(* required entity; columns: contract columns present / in the contract, +extra)")
    for result in report.entities:
        details = [f"  FAILS: {p}" for p in result.problems]
        details += [f"  warning: {w}" for w in result.warnings]
        if result.extra:
            details.append(f"  extra column(s), ignored: {', '.join(result.extra)}")
        details += _finding_lines(result)
        if details:
            name = result.file.name if result.file else result.entity.name
            out.append("")
            out.append(f"{name}:")
            out.extend(details)
    for warning in report.warnings:
        out.append("")
        out.append(f"warning: {warning}")
    marts = report.marts
    if marts is not None and (marts.empty or marts.error):
        out.append("")
        if marts.error:
            out.append(f"warning: {marts.error}")
        else:
            out.append(f"Marts that will be empty ({len(marts.empty)}), for lack of rows in:")
            for mart in marts.empty:
                lacking = ", ".join(marts.lacking.get(mart, [])) or "?"
                out.append(f"  {mart}  ({lacking})")
    out.append("")
    for problem in report.problems:
        out.append(f"FAILS: {problem}")
    out.append(summary_line(report))
    return "\n".join(out)


def _counts(report: Report) -> tuple[int, int, int]:
    with_rows = sum(1 for r in report.entities if r.has_rows)
    quarantined = sum(
        f.count
        for r in report.entities if r.scan
        for c in r.scan.columns.values()
        for rule, f in c.findings.items()
        if rule not in (rules.REPAIRED_VALUE, rules.PERSONAL_NUMBER)
    )
    unreadable = sum(r.scan.rejects.lines for r in report.entities if r.scan)
    return with_rows, quarantined, unreadable


def summary_line(report: Report) -> str:
    with_rows, quarantined, unreadable = _counts(report)
    empty = len(report.marts.empty) if report.marts else 0
    failures = len(report.problems) + sum(len(r.problems) for r in report.entities)
    facts = (
        f"{with_rows} of {len(report.entities)} entities with rows, {empty} mart(s) empty, "
        f"{quarantined:,} value(s) to quarantine, {unreadable:,} unreadable line(s); {report.seconds:.1f} s"
    )
    if report.ok:
        return f"OK: the build would succeed ({facts})."
    return f"FAIL: the build would stop: {failures} problem(s) above ({facts})."


def render_json(report: Report, exit_code: int) -> str:
    settings = report.settings

    def entity_json(result: EntityResult) -> dict[str, Any]:
        scan = result.scan
        data: dict[str, Any] = {
            "entity": result.entity.name,
            "source": result.entity.source,
            "required": result.entity.required,
            "file": result.file.name if result.file else None,
            "status": result.status,
            "problems": result.problems,
            "warnings": result.warnings,
            "columns_missing_required": result.missing_required,
            "columns_missing_optional": result.missing_optional,
            "columns_extra": result.extra,
        }
        if scan is not None and scan.error is None:
            data.update(
                rows=scan.rows,
                first_day=scan.first_day.isoformat() if scan.first_day else None,
                last_day=scan.last_day.isoformat() if scan.last_day else None,
                days_from=scan.days_from,
                unreadable_lines=scan.rejects.lines,
                unreadable_by_error=scan.rejects.by_type,
                unreadable_examples=scan.rejects.examples,
                unaccounted_lines=scan.unaccounted_lines,
                columns={
                    c.name: {
                        "data_type": c.data_type,
                        "nulls": c.nulls,
                        "findings": {
                            rule: {"count": f.count, "examples": f.examples} for rule, f in c.findings.items()
                        },
                    }
                    for c in scan.columns.values()
                },
                seconds=round(scan.seconds, 3),
            )
        return data

    marts = report.marts or MartsReport()
    document = {
        "directory": str(report.directory),
        "format": report.fmt,
        "ok": report.ok,
        "exit_code": exit_code,
        "settings": {
            "delimiter": settings.dialect.delimiter,
            "quote": settings.dialect.quote,
            "escape": settings.dialect.escape,
            "encoding": settings.dialect.encoding,
            "null_strings": list(settings.dialect.null_strings),
            "timezone": settings.timezone,
            "timestamp_floor": settings.timestamp_floor.isoformat(),
        },
        "entities": [entity_json(r) for r in report.entities],
        "empty_marts": [{"mart": m, "lacking": marts.lacking.get(m, [])} for m in marts.empty],
        "marts_error": marts.error,
        "problems": report.problems,
        "warnings": report.warnings,
        "summary": summary_line(report),
        "seconds": round(report.seconds, 3),
    }
    return json.dumps(document, ensure_ascii=False, indent=2)


def run(args: argparse.Namespace) -> int:
    if not args.dir.is_dir():
        print(f"ecomops check-export: {args.dir} is not a folder (give the folder that holds the export's files)",
              file=sys.stderr)
        return 2
    try:
        report = check(args)
    except UsageError as exc:
        print(f"ecomops check-export: {exc}", file=sys.stderr)
        return 2
    except ContractError as exc:
        print(f"ecomops check-export: {exc}", file=sys.stderr)
        return 1
    exit_code = 0 if report.ok else 1
    print(render_json(report, exit_code) if args.json else render_text(report))
    return exit_code
