"""The raw contract as the preflight reads it: one registry, from the YAML.

Everything comes from the dbt sources YAML
(``models/staging/<system>/_<system>__sources.yml``) and ``dbt_project.yml``,
never from lists in Python:

- the entities: every source table; its file is ``<entity>.csv|parquet``;
- the columns of each, with ``data_type`` and ``meta: {optional: true}`` for
  a column a file may lack (it then reads as null);
- whether the entity is required: ``meta: {required: true}`` on the table;
- the load-time column: the source's ``config.loaded_at_field``;
- personal data: ``meta: {pii: true}`` on a column, or "PII" in its
  description;
- the timestamps checked for plausibility (placeholder, floor, after
  loaded_at): those the entity's base model passes to staging's
  ``implausible_timestamp_rule([...])`` (models/staging/<source>/base/
  base_<source>__<entity>.sql), so that the preflight checks what staging
  checks; without such a call, every timestamp column but those marked
  ``meta: {scheduled: true}`` (a time set in advance, e.g. an expiry).
- the CSV dialect, time zone and timestamp floor defaults: the project vars
  ``raw_csv_*``, ``raw_timezone``, ``raw_timestamp_floor``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

PROJECT_DIR = Path(__file__).resolve().parents[2]
SOURCES_GLOB = "models/staging/*/_*__sources.yml"

# The team's contract (issue 10 spec) until the sources YAML marks required
# tables with `meta: {required: true}`; used only when no table is marked.
FALLBACK_REQUIRED = ("users", "orders")

# Defaults of the raw-reading vars when dbt_project.yml does not set them
# (the values of the issue-10 contract).
VAR_DEFAULTS: dict[str, Any] = {
    "raw_csv_delimiter": ",",
    "raw_csv_quote": '"',
    "raw_csv_escape": '"',
    "raw_csv_encoding": "utf-8",
    "raw_csv_null_strings": ["", "NULL", "\\N"],
    "raw_timezone": "UTC",
    "raw_timestamp_floor": "1990-01-01",
    "raw_max_unreadable_lines": 10000,
}

_INTEGER_TYPES = {"bigint", "integer", "int", "smallint", "tinyint", "hugeint", "int4", "int8"}
_TEXT_TYPES = {"varchar", "text", "string"}
_DECIMAL_RE = re.compile(r"^(?:decimal|numeric)\s*(?:\(\s*(\d+)\s*,\s*(\d+)\s*\))?$")


class ContractError(RuntimeError):
    """The contract YAML cannot be read; the message says which file."""


def _meta(node: dict[str, Any]) -> dict[str, Any]:
    """``meta`` of a YAML node, at the top level or under ``config``."""
    merged: dict[str, Any] = {}
    config = node.get("config") or {}
    merged.update(config.get("meta") or {})
    merged.update(node.get("meta") or {})
    return merged


@dataclass(frozen=True)
class ContractColumn:
    """One column of a raw table."""

    name: str
    data_type: str
    optional: bool = False
    pii: bool = False
    scheduled: bool = False

    @property
    def kind(self) -> str:
        """integer, timestamp, decimal, boolean, date or text."""
        base = self.data_type.strip().lower()
        if base in _INTEGER_TYPES:
            return "integer"
        if base.startswith("timestamp"):
            return "timestamp"
        if _DECIMAL_RE.match(base):
            return "decimal"
        if base in ("boolean", "bool"):
            return "boolean"
        if base == "date":
            return "date"
        return "text"

    @property
    def decimal_digits(self) -> tuple[int, int]:
        """(precision, scale) of a decimal column; (18, 2) when not given."""
        match = _DECIMAL_RE.match(self.data_type.strip().lower())
        if match and match.group(1):
            return int(match.group(1)), int(match.group(2))
        return 18, 2


@dataclass(frozen=True)
class ContractEntity:
    """One raw table of the contract: a file ``<name>.csv|parquet``."""

    source: str
    name: str
    columns: tuple[ContractColumn, ...]
    required: bool
    loaded_at: str | None
    yaml_path: Path = field(compare=False)
    # Timestamp columns judged for plausibility (placeholder, floor, after
    # loaded_at); loaded_at itself always is.
    plausibility_checked: tuple[str, ...] = ()

    def column(self, name: str) -> ContractColumn | None:
        return next((c for c in self.columns if c.name.lower() == name.lower()), None)


def _columns(table: dict[str, Any], where: str) -> tuple[ContractColumn, ...]:
    columns = []
    for column in table.get("columns") or []:
        if "name" not in column:
            raise ContractError(f"{where}: a column has no name")
        meta = _meta(column)
        description = str(column.get("description") or "")
        columns.append(
            ContractColumn(
                name=str(column["name"]),
                data_type=str(column.get("data_type") or "varchar"),
                optional=bool(meta.get("optional", False)),
                scheduled=bool(meta.get("scheduled", False)),
                pii=bool(meta.get("pii", False)) or bool(re.search(r"\bPII\b", description)),
            )
        )
    return tuple(columns)


_RULE_CALL = re.compile(r"implausible_timestamp_rule\(\s*\[(.*?)\]", re.S)


def _plausibility_checked(project_dir: Path, source: str, name: str,
                          columns: tuple[ContractColumn, ...], loaded_at: str | None) -> tuple[str, ...]:
    """The timestamp columns staging judges for plausibility (see module doc)."""
    timestamps = [c for c in columns if c.kind == "timestamp" and c.name != loaded_at]
    base_model = project_dir / "models" / "staging" / source / "base" / f"base_{source}__{name}.sql"
    try:
        call = _RULE_CALL.search(base_model.read_text(encoding="utf-8"))
    except OSError:
        call = None
    if call:
        listed = {item.split(".")[-1].strip().lower() for item in re.findall(r"'([^']+)'", call.group(1))}
        return tuple(c.name for c in timestamps if c.name.lower() in listed)
    return tuple(c.name for c in timestamps if not c.scheduled)


def load_contract(project_dir: Path = PROJECT_DIR) -> list[ContractEntity]:
    """Every source table of the raw contract: required ones first, then in
    YAML order (files sorted by name)."""
    paths = sorted(project_dir.glob(SOURCES_GLOB))
    if not paths:
        raise ContractError(
            f"no sources YAML under {project_dir} ({SOURCES_GLOB}): "
            "run the command from an ecomops checkout"
        )
    entities: list[ContractEntity] = []
    for path in paths:
        try:
            document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise ContractError(f"cannot read the raw contract {path}: {exc}") from exc
        for source in document.get("sources") or []:
            source_config = source.get("config") or {}
            source_loaded_at = source_config.get("loaded_at_field") or source.get("loaded_at_field")
            for table in source.get("tables") or []:
                table_config = table.get("config") or {}
                loaded_at = (
                    table_config.get("loaded_at_field")
                    or table.get("loaded_at_field")
                    or source_loaded_at
                )
                where = f"{path.relative_to(project_dir)}: {source.get('name')}.{table.get('name')}"
                columns = _columns(table, where)
                loaded = str(loaded_at) if loaded_at else None
                entities.append(
                    ContractEntity(
                        source=str(source["name"]),
                        name=str(table["name"]),
                        columns=columns,
                        required=bool(_meta(table).get("required", False)),
                        loaded_at=loaded,
                        yaml_path=path,
                        plausibility_checked=_plausibility_checked(
                            project_dir, str(source["name"]), str(table["name"]), columns, loaded
                        ),
                    )
                )
    if not any(entity.required for entity in entities):
        entities = [replace(e, required=e.name in FALLBACK_REQUIRED) for e in entities]
    return sorted(entities, key=lambda e: not e.required)


def project_vars(project_dir: Path = PROJECT_DIR) -> dict[str, Any]:
    """The raw-reading vars: dbt_project.yml's values over VAR_DEFAULTS."""
    values = dict(VAR_DEFAULTS)
    try:
        document = yaml.safe_load((project_dir / "dbt_project.yml").read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return values
    declared = document.get("vars") or {}
    for name in VAR_DEFAULTS:
        if name in declared and declared[name] is not None:
            values[name] = declared[name]
    return values
