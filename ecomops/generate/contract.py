"""The raw contract, read from the staging sources YAML (its one home).

Every ``models/staging/<source>/_<source>__sources.yml`` lists the raw tables
of one source system with their columns and ``data_type``. The generator
writes exactly these columns, in this order, and fails with a clear message
when the YAML and the generator disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

# The 13 raw entities the generator produces, in the order it writes them.
ENTITIES: tuple[str, ...] = (
    "campaigns",
    "users",
    "events",
    "orders",
    "order_items",
    "shipments",
    "returns",
    "coupons",
    "channel_spend",
    "points_ledger",
    "member_tiers",
    "messages",
    "experiments",
)

SUPPORTED_TYPES: frozenset[str] = frozenset(
    {"bigint", "integer", "varchar", "timestamp", "date", "boolean", "decimal(18,2)"}
)


class ContractError(RuntimeError):
    """The raw contract YAML and the generator disagree."""


@dataclass(frozen=True)
class Column:
    """One column of a raw entity."""

    name: str
    data_type: str


def repo_root() -> Path:
    """The repository root (the folder holding dbt_project.yml)."""
    return Path(__file__).resolve().parents[2]


def load_contract(staging_dir: Path | None = None) -> dict[str, tuple[Column, ...]]:
    """Read every raw table's column list from the sources YAML files.

    Returns a mapping entity name -> columns in declared order, for the 13
    entities in :data:`ENTITIES`. Raises :class:`ContractError` if an entity
    is missing, declared twice, or uses a data type the writer cannot write.
    """
    staging_dir = staging_dir or repo_root() / "models" / "staging"
    files = sorted(staging_dir.glob("*/_*__sources.yml"))
    if not files:
        raise ContractError(
            f"no sources YAML found under {staging_dir}/*/_*__sources.yml; "
            "run from a checkout of the ecomops project"
        )
    found: dict[str, tuple[Column, ...]] = {}
    for path in files:
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for source in doc.get("sources", []) or []:
            for table in source.get("tables", []) or []:
                name = table["name"]
                if name in found:
                    raise ContractError(f"raw table {name!r} is declared twice (second time in {path})")
                columns = []
                for column in table.get("columns", []) or []:
                    data_type = str(column.get("data_type", "")).replace(" ", "").lower()
                    if data_type not in SUPPORTED_TYPES:
                        raise ContractError(
                            f"{path}: column {name}.{column.get('name')} has data_type {data_type!r}; "
                            f"the generator writes only {sorted(SUPPORTED_TYPES)}"
                        )
                    columns.append(Column(str(column["name"]), data_type))
                found[name] = tuple(columns)
    missing = [entity for entity in ENTITIES if entity not in found]
    if missing:
        raise ContractError(
            f"the raw contract under {staging_dir} lacks tables {missing}; "
            "the generator produces all of " + ", ".join(ENTITIES)
        )
    return {entity: found[entity] for entity in ENTITIES}


def check_columns(entity: str, contract_columns: tuple[Column, ...], produced: list[str]) -> None:
    """Fail with a clear message if the generator's columns differ from the contract's."""
    declared = [column.name for column in contract_columns]
    missing = [name for name in declared if name not in produced]
    extra = [name for name in produced if name not in declared]
    if missing or extra:
        raise ContractError(
            f"raw entity {entity!r}: the generator and the contract YAML disagree. "
            f"Declared in YAML but not generated: {missing or 'none'}; generated but not declared: "
            f"{extra or 'none'}. Update ecomops/generate to follow the YAML (the contract's one home)."
        )
