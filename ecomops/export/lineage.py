"""Which public marts need which raw entities, from dbt's manifest.

Two relations, both read from ``target/manifest.json`` (any dbt command that
parses the project writes it):

- **depends on** (``mart_entities``): the raw entities (source table names
  such as ``orders`` or ``events``) anywhere upstream of the mart, following
  the models' ``depends_on`` edges down to the sources.
- **needs** (``mart_needed_entities``): the raw entities without whose rows
  the mart has no rows. Lineage alone cannot tell this (a mart that
  left-joins events still has rows without them), so it is declared once, on
  the mart, by the generic test ``not_empty_when_inputs_present`` (its
  ``inputs`` are the staging models that must have rows;
  tests/dbt/generic/not_empty_when_inputs_present.sql). The test checks the
  declaration at every build: a mart with zero rows while all its inputs
  have rows fails. The needed entities are the raw entities upstream of
  those inputs.

``marts_empty_without(present_entities, manifest)`` lists the marts that will
be empty when only ``present_entities`` have rows; ``ecomops check-export``
reports it and docs/exports.md is written from it::

    python -m ecomops.export.lineage --manifest target/manifest.json > table.md
"""

from __future__ import annotations

import argparse
import functools
import json
import pathlib
import sys
from typing import Any

__all__ = [
    "NOT_EMPTY_TEST",
    "load_manifest",
    "mart_entities",
    "mart_needed_entities",
    "marts_empty_without",
    "marts_needing",
    "markdown_table",
    "raw_entities",
]

NOT_EMPTY_TEST = "not_empty_when_inputs_present"
MARTS_FOLDER = "models/marts/"


def load_manifest(path: pathlib.Path) -> dict[str, Any]:
    """Read a dbt manifest.json, with a message that says how to make one."""
    if not path.exists():
        raise FileNotFoundError(
            f"{path} not found: run `dbt parse` (or any dbt build) first; it writes manifest.json "
            "into the target folder (DBT_TARGET_PATH, default target/)"
        )
    return json.loads(path.read_text(encoding="utf-8"))


def _project(manifest: dict[str, Any]) -> str | None:
    return manifest.get("metadata", {}).get("project_name")


def _marts(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """unique_id -> node of every public mart (a project model under models/marts/)."""
    project = _project(manifest)
    return {
        unique_id: node for unique_id, node in manifest.get("nodes", {}).items()
        if node.get("resource_type") == "model"
        and (project is None or node.get("package_name") == project)
        and node.get("original_file_path", "").replace("\\", "/").startswith(MARTS_FOLDER)
    }


def _upstream_sources(manifest: dict[str, Any]):
    """A cached function: node unique_id -> the set of raw entity names upstream of it."""
    nodes = manifest.get("nodes", {})
    sources = manifest.get("sources", {})

    @functools.lru_cache(maxsize=None)
    def upstream(unique_id: str) -> frozenset[str]:
        if unique_id in sources:
            return frozenset({sources[unique_id]["name"]})
        node = nodes.get(unique_id)
        if node is None:
            return frozenset()
        found: set[str] = set()
        for parent in (node.get("depends_on") or {}).get("nodes") or []:
            found |= upstream(parent)
        return frozenset(found)

    return upstream


def raw_entities(manifest: dict[str, Any]) -> set[str]:
    """Every raw entity (source table name) of the project."""
    project = _project(manifest)
    return {
        source["name"] for source in manifest.get("sources", {}).values()
        if project is None or source.get("package_name") == project
    }


def mart_entities(manifest: dict[str, Any]) -> dict[str, set[str]]:
    """mart name -> the raw entities (source table names) it depends on, at any distance."""
    upstream = _upstream_sources(manifest)
    return {node["name"]: set(upstream(unique_id)) for unique_id, node in sorted(_marts(manifest).items())}


def mart_needed_entities(manifest: dict[str, Any]) -> dict[str, set[str]]:
    """mart name -> the raw entities without whose rows the mart is empty.

    Read from the mart's not_empty_when_inputs_present test: the raw entities
    upstream of its inputs. A mart without that test needs nothing beyond its
    lineage and is listed with an empty set.
    """
    marts = _marts(manifest)
    upstream = _upstream_sources(manifest)
    needed: dict[str, set[str]] = {node["name"]: set() for node in marts.values()}
    for node in manifest.get("nodes", {}).values():
        if node.get("resource_type") != "test" or (node.get("test_metadata") or {}).get("name") != NOT_EMPTY_TEST:
            continue
        mart_id = node.get("attached_node") or next(
            (parent for parent in node["depends_on"]["nodes"] if parent in marts), None)
        if mart_id not in marts:
            continue
        for parent in node["depends_on"]["nodes"]:
            if parent != mart_id:
                needed[marts[mart_id]["name"]] |= set(upstream(parent))
    return needed


def marts_empty_without(present_entities: set[str], manifest: dict[str, Any]) -> list[str]:
    """The marts that build empty when only ``present_entities`` have rows (sorted names)."""
    present = set(present_entities)
    return sorted(name for name, needed in mart_needed_entities(manifest).items() if not needed <= present)


def marts_needing(entity: str, manifest: dict[str, Any]) -> list[str]:
    """The marts that build empty without rows of ``entity`` (sorted names)."""
    return sorted(name for name, needed in mart_needed_entities(manifest).items() if entity in needed)


def markdown_table(manifest: dict[str, Any]) -> str:
    """The docs/exports.md table: one row per mart, what it needs and what else it reads."""
    depends = mart_entities(manifest)
    needed = mart_needed_entities(manifest)
    groups = {node["name"]: node.get("original_file_path", "").split("/")[2] for node in _marts(manifest).values()}
    lines = [
        "| mart | area | needs (empty without) | also reads (optional) |",
        "| --- | --- | --- | --- |",
    ]
    for name in sorted(depends, key=lambda mart: (groups.get(mart, ""), mart)):
        optional = sorted(depends[name] - needed[name])
        lines.append(
            f"| `{name}` | {groups.get(name, '')} | {', '.join(sorted(needed[name])) or '-'} | "
            f"{', '.join(optional) or '-'} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Print the mart / entity table (Markdown), or the marts empty for a set of entities."""
    parser = argparse.ArgumentParser(prog="python -m ecomops.export.lineage", description=__doc__.splitlines()[0])
    parser.add_argument("--manifest", type=pathlib.Path, default=pathlib.Path("target/manifest.json"),
                        help="dbt manifest.json (default: target/manifest.json)")
    parser.add_argument("--present", nargs="*", metavar="ENTITY",
                        help="print the marts that build empty when only these entities have rows")
    args = parser.parse_args(argv)
    try:
        manifest = load_manifest(args.manifest)
    except FileNotFoundError as exc:
        print(f"ecomops lineage: {exc}", file=sys.stderr)
        return 2
    if args.present is not None:
        unknown = sorted(set(args.present) - raw_entities(manifest))
        if unknown:
            print(f"ecomops lineage: unknown entities {', '.join(unknown)}; the raw contract has "
                  f"{', '.join(sorted(raw_entities(manifest)))}", file=sys.stderr)
            return 2
        print("\n".join(marts_empty_without(set(args.present), manifest)))
    else:
        print(markdown_table(manifest))
    return 0


if __name__ == "__main__":
    sys.exit(main())
