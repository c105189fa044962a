"""``ecomops coverage``: the documentation, test and contract coverage gates.

Reads dbt's ``manifest.json`` and ``catalog.json`` (``dbt docs generate``
writes both into the target folder) and fails unless every gate is at 100%:

1. ``primary_key_test``: every model has a primary-key test: ``unique`` and
   ``not_null`` on the same column, or a model-level unique-combination test
   (any generic test whose name contains ``unique_combination``);
2. ``model_described``: every model has a description;
3. ``public_column_described``: every column of every public mart, as built
   (catalog), is in the YAML with a description;
4. ``public_contract``: every public mart has ``access: public``, an enforced
   contract and a ``data_type`` on every column; staging and intermediate
   models are ``protected`` or ``private``;
5. ``source_freshness``: every source table has a freshness rule and a
   ``loaded_at_field`` that is one of its documented columns;
6. ``gx_suite``: every public mart and every ``stg_`` model has a Great
   Expectations suite in ``ecomops/quality/spec.py``;
7. ``unit_tests_run``: every unit test written in a YAML file under the
   model paths is one dbt runs (it is in the manifest's ``unit_tests``). dbt
   silently ignores a unit test nested under a model entry: it must sit in
   a top-level ``unit_tests:`` block with ``model:``.

Public marts are the models under ``models/marts/`` (access public).
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import sys
from dataclasses import dataclass, field
from typing import Any

REPO = pathlib.Path(__file__).resolve().parents[2]


@dataclass
class Gate:
    """One coverage gate: how many items were checked and which fall short."""

    name: str
    rule: str
    checked: int = 0
    gaps: list[str] = field(default_factory=list)

    def check(self, item: str, ok: bool, gap: str) -> None:
        self.checked += 1
        if not ok:
            self.gaps.append(f"{item}: {gap}")

    @property
    def percent(self) -> float:
        return 100.0 if not self.checked else 100.0 * (self.checked - len(self.gaps)) / self.checked


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``ecomops coverage``."""
    parser.add_argument(
        "--target-path", type=pathlib.Path,
        default=pathlib.Path(os.environ.get("DBT_TARGET_PATH", "target")),
        help="dbt target folder holding manifest.json and catalog.json "
             "(default: $DBT_TARGET_PATH or target; run `dbt docs generate` first)",
    )
    parser.add_argument("--minimum", type=float, default=100.0,
                        help="fail when a gate is below this percentage (default: 100)")


def run(args: argparse.Namespace) -> int:
    """Print the gates and their gaps; 1 when a gate is below the minimum."""
    target = args.target_path if args.target_path.is_absolute() else REPO / args.target_path
    try:
        manifest = _load(target / "manifest.json")
        catalog = _load(target / "catalog.json")
    except FileNotFoundError as exc:
        print(f"ecomops coverage: {exc}; run `dbt docs generate` (it writes manifest.json and catalog.json) "
              "and pass its target folder with --target-path", file=sys.stderr)
        return 2
    from ecomops.quality.spec import SUITES

    gates = evaluate(manifest, catalog, {suite.model for suite in SUITES})
    gates.append(unit_tests_gate(manifest, written_unit_tests(REPO)))
    print(format_gates(gates))
    failing = [gate for gate in gates if gate.percent < args.minimum]
    return 1 if failing else 0


def _load(path: pathlib.Path) -> dict[str, Any]:
    if not path.exists():
        raise FileNotFoundError(f"{path} not found")
    return json.loads(path.read_text(encoding="utf-8"))


def _project_models(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    project = manifest["metadata"].get("project_name")
    return sorted(
        (node for node in manifest["nodes"].values()
         if node["resource_type"] == "model" and node["package_name"] == project),
        key=lambda node: node["unique_id"],
    )


def is_public_mart(node: dict[str, Any]) -> bool:
    """A model of the marts layer (folder models/marts/)."""
    return node["original_file_path"].replace("\\", "/").startswith("models/marts/")


def _tests_by_model(manifest: dict[str, Any]) -> dict[str, list[tuple[str, str | None]]]:
    """model unique_id -> [(generic test name, column or None)]."""
    out: dict[str, list[tuple[str, str | None]]] = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] != "test" or not node.get("test_metadata"):
            continue
        attached = node.get("attached_node") or next(iter(node["depends_on"]["nodes"]), None)
        if not attached:
            continue
        name = node["test_metadata"]["name"]
        column = node.get("column_name") or (node["test_metadata"].get("kwargs") or {}).get("column_name")
        out.setdefault(attached, []).append((name, column))
    return out


def has_primary_key_test(tests: list[tuple[str, str | None]]) -> bool:
    """unique + not_null on one column, or a unique-combination test."""
    unique = {column for name, column in tests if name == "unique" and column}
    not_null = {column for name, column in tests if name == "not_null" and column}
    combination = any("unique_combination" in name for name, _ in tests)
    return bool(unique & not_null) or combination


def evaluate(manifest: dict[str, Any], catalog: dict[str, Any], gx_suites: set[str]) -> list[Gate]:
    """Evaluate every gate over the project's models and sources."""
    models = _project_models(manifest)
    tests = _tests_by_model(manifest)
    catalog_nodes = catalog.get("nodes", {})
    pk = Gate("primary_key_test", "every model has a primary-key test")
    described = Gate("model_described", "every model has a description")
    columns = Gate("public_column_described", "every built column of every public mart is described")
    contract = Gate("public_contract", "public marts: access public, enforced contract, data_type on every "
                                       "column; other models protected or private")
    freshness = Gate("source_freshness", "every source table has a freshness rule and a loaded_at_field column")
    suites = Gate("gx_suite", "every public mart and stg_ model has a Great Expectations suite")
    for node in models:
        name = node["name"]
        pk.check(name, has_primary_key_test(tests.get(node["unique_id"], [])),
                 "no unique + not_null column and no unique-combination test")
        described.check(name, bool((node.get("description") or "").strip()), "no description")
        access = node.get("access") or node.get("config", {}).get("access")
        if is_public_mart(node):
            yaml_columns = node.get("columns") or {}
            built = (catalog_nodes.get(node["unique_id"]) or {}).get("columns") or {}
            if not built:
                columns.check(name, False, "not in catalog.json: build the model, then run dbt docs generate")
            for column in sorted(built, key=lambda key: built[key].get("index", 0)):
                documented = yaml_columns.get(column) or yaml_columns.get(column.lower()) or {}
                columns.check(f"{name}.{column}", bool((documented.get("description") or "").strip()),
                              "not described in the model's YAML")
            enforced = bool(((node.get("config") or {}).get("contract") or {}).get("enforced"))
            untyped = [column for column, spec in yaml_columns.items() if not spec.get("data_type")]
            problems = []
            if access != "public":
                problems.append(f"access is {access}, not public")
            if not enforced:
                problems.append("contract not enforced")
            if untyped:
                problems.append("no data_type on " + ", ".join(sorted(untyped)))
            contract.check(name, not problems, "; ".join(problems))
            suites.check(name, name in gx_suites, "no suite in ecomops/quality/spec.py")
        else:
            contract.check(name, access in {"protected", "private"}, f"access is {access}, should be protected")
            if name.startswith("stg_"):
                suites.check(name, name in gx_suites, "no suite in ecomops/quality/spec.py")
    project = manifest["metadata"].get("project_name")
    for source in sorted(manifest.get("sources", {}).values(), key=lambda item: item["unique_id"]):
        if source["package_name"] != project:
            continue
        item = f"{source['source_name']}.{source['name']}"
        config = source.get("config") or {}
        loaded_at = source.get("loaded_at_field") or config.get("loaded_at_field")
        rule = source.get("freshness") or config.get("freshness") or {}
        has_rule = bool((rule.get("warn_after") or {}).get("count") or (rule.get("error_after") or {}).get("count"))
        problems = []
        if not has_rule:
            problems.append("no freshness rule")
        if not loaded_at:
            problems.append("no loaded_at_field")
        elif loaded_at not in (source.get("columns") or {}):
            problems.append(f"loaded_at_field {loaded_at} is not a documented column")
        freshness.check(item, not problems, "; ".join(problems))
    return [pk, described, columns, contract, freshness, suites]


@dataclass(frozen=True)
class WrittenUnitTest:
    """A unit test as written in a YAML file: where, for which model, and whether nested."""

    path: str
    model: str
    name: str
    nested: bool


def _model_paths(root: pathlib.Path) -> list[str]:
    """The dbt project's model-paths (default ["models"])."""
    import yaml

    project = root / "dbt_project.yml"
    config = yaml.safe_load(project.read_text(encoding="utf-8")) if project.exists() else {}
    return list((config or {}).get("model-paths") or ["models"])


def written_unit_tests(root: pathlib.Path) -> list[WrittenUnitTest]:
    """Every unit test written in the YAML files under the project's model paths.

    Top-level ``unit_tests:`` entries (their ``model:``) and entries nested
    under a model (``models: - name: X ... unit_tests:``), which dbt ignores.
    """
    import yaml

    found: list[WrittenUnitTest] = []
    for folder in _model_paths(root):
        for path in sorted((root / folder).rglob("*.y*ml")):
            if path.suffix not in {".yml", ".yaml"}:
                continue
            document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            if not isinstance(document, dict):
                continue
            relative = path.relative_to(root).as_posix()
            for test in document.get("unit_tests") or []:
                found.append(WrittenUnitTest(relative, str(test.get("model", "")), str(test.get("name", "")), False))
            for model in document.get("models") or []:
                for test in (model or {}).get("unit_tests") or []:
                    found.append(WrittenUnitTest(relative, str(model.get("name", "")), str(test.get("name", "")), True))
    return found


def unit_tests_gate(manifest: dict[str, Any], written: list[WrittenUnitTest]) -> Gate:
    """Every unit test written in YAML is in the manifest's unit_tests (dbt runs it)."""
    gate = Gate("unit_tests_run", "every unit test written in YAML is in the manifest (dbt runs it)")
    in_manifest = {
        (test.get("original_file_path", "").replace("\\", "/"), test.get("model"), test.get("name"))
        for test in manifest.get("unit_tests", {}).values()
    }
    for test in sorted(written, key=lambda item: (item.path, item.model, item.name)):
        item = f"{test.path}: {test.model}.{test.name}"
        if test.nested:
            gate.check(item, False, f"nested under model {test.model}, which dbt ignores: move it to a top-level "
                                    f"unit_tests: block with model: {test.model}")
        else:
            gate.check(item, (test.path, test.model, test.name) in in_manifest,
                       "not in target/manifest.json: check its model: and name:, then run dbt parse")
    return gate


def format_gates(gates: list[Gate]) -> str:
    """One line per gate, then every gap."""
    width = max(len(gate.name) for gate in gates)
    lines = [f"{'gate':<{width}}  {'covered':>9}  {'checked':>7}  rule", "-" * (width + 60)]
    for gate in gates:
        covered = gate.checked - len(gate.gaps)
        lines.append(f"{gate.name:<{width}}  {gate.percent:8.1f}%  {covered:>3}/{gate.checked:<3}  {gate.rule}")
    gaps = [(gate.name, gap) for gate in gates for gap in gate.gaps]
    if gaps:
        lines.append("")
        lines.append(f"{len(gaps)} gaps (every gate must be at 100%):")
        lines.extend(f"  [{name}] {gap}" for name, gap in gaps)
    else:
        lines.append("")
        lines.append("All coverage gates at 100%.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """``python -m ecomops.quality.coverage`` (same as ``ecomops coverage``)."""
    parser = argparse.ArgumentParser(prog="ecomops coverage", description=__doc__.splitlines()[0])
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
