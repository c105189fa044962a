"""Fast checks of the data-quality tooling that need no warehouse.

- the Great Expectations files under gx/ are exactly what
  ecomops/quality/spec.py renders (no hand edits, no drift);
- the coverage gates find each kind of gap in a hand-made manifest/catalog;
- the unit-test gate catches a unit test that dbt would silently ignore
  (nested under a model entry) in a hand-written YAML file.
"""

from __future__ import annotations

import copy
import pathlib
import textwrap

from ecomops.quality import coverage, gx_project
from ecomops.quality.spec import SUITES


def test_gx_files_match_the_spec() -> None:
    assert gx_project.check() == []


def test_every_suite_has_a_key_and_a_unique_name() -> None:
    names = [suite.model for suite in SUITES]
    assert len(names) == len(set(names))
    assert all(suite.key for suite in SUITES)


def _model(name: str, path: str, access: str, description: str = "d", columns=None, enforced=False):
    return {
        "unique_id": f"model.ecomops.{name}",
        "resource_type": "model",
        "package_name": "ecomops",
        "name": name,
        "original_file_path": path,
        "description": description,
        "access": access,
        "config": {"contract": {"enforced": enforced}},
        "columns": columns or {},
    }


def _test(name: str, model: str, column: str | None, kwargs=None):
    return {
        "unique_id": f"test.ecomops.{name}_{model}_{column}",
        "resource_type": "test",
        "package_name": "ecomops",
        "attached_node": f"model.ecomops.{model}",
        "column_name": column,
        "depends_on": {"nodes": [f"model.ecomops.{model}"]},
        "test_metadata": {"name": name, "kwargs": kwargs or {}},
    }


def _clean_project():
    mart_columns = {
        "order_id": {"description": "key", "data_type": "bigint"},
        "amount_cny": {"description": "amount", "data_type": "decimal(18,2)"},
    }
    nodes = {}
    for node in (
        _model("stg_shop__orders", "models/staging/shop/stg_shop__orders.sql", "protected"),
        _model("fct_orders", "models/marts/core/fct_orders.sql", "public", columns=mart_columns, enforced=True),
        _test("unique", "stg_shop__orders", "order_id"),
        _test("not_null", "stg_shop__orders", "order_id"),
        _test("unique_combination_of_columns", "fct_orders", None, {"combination_of_columns": ["order_id"]}),
    ):
        nodes[node["unique_id"]] = node
    manifest = {
        "metadata": {"project_name": "ecomops"},
        "nodes": nodes,
        "sources": {
            "source.ecomops.shop.orders": {
                "unique_id": "source.ecomops.shop.orders", "package_name": "ecomops",
                "source_name": "shop", "name": "orders", "loaded_at_field": "loaded_at",
                "freshness": {"warn_after": {"count": 24, "period": "hour"}},
                "columns": {"loaded_at": {"description": "x"}},
            }
        },
    }
    catalog = {"nodes": {"model.ecomops.fct_orders": {"columns": {
        "order_id": {"index": 1}, "amount_cny": {"index": 2}}}}}
    return manifest, catalog


def _gaps(manifest, catalog):
    gates = coverage.evaluate(manifest, catalog, {"stg_shop__orders", "fct_orders"})
    return {gate.name: gate.gaps for gate in gates}


def test_coverage_clean_project_is_at_100_percent() -> None:
    manifest, catalog = _clean_project()
    gates = coverage.evaluate(manifest, catalog, {"stg_shop__orders", "fct_orders"})
    assert [gate.percent for gate in gates] == [100.0] * 6
    assert "All coverage gates at 100%." in coverage.format_gates(gates)


def test_coverage_finds_each_kind_of_gap() -> None:
    manifest, catalog = _clean_project()
    broken = copy.deepcopy(manifest)
    nodes = broken["nodes"]
    # unique without not_null is no primary-key test
    del nodes["test.ecomops.not_null_stg_shop__orders_order_id"]
    nodes["model.ecomops.stg_shop__orders"]["description"] = ""
    nodes["model.ecomops.stg_shop__orders"]["access"] = "public"
    mart = nodes["model.ecomops.fct_orders"]
    mart["config"]["contract"]["enforced"] = False
    del mart["columns"]["amount_cny"]["data_type"]
    source = broken["sources"]["source.ecomops.shop.orders"]
    source["freshness"] = None
    source["loaded_at_field"] = "landed_at"
    built = copy.deepcopy(catalog)
    built["nodes"]["model.ecomops.fct_orders"]["columns"]["extra_col"] = {"index": 3}
    gaps = coverage.evaluate(broken, built, {"stg_shop__orders"})
    by_gate = {gate.name: gate.gaps for gate in gaps}
    assert by_gate["primary_key_test"] == [
        "stg_shop__orders: no unique + not_null column and no unique-combination test"]
    assert by_gate["model_described"] == ["stg_shop__orders: no description"]
    assert by_gate["public_column_described"] == ["fct_orders.extra_col: not described in the model's YAML"]
    assert by_gate["public_contract"] == [
        "fct_orders: contract not enforced; no data_type on amount_cny",
        "stg_shop__orders: access is public, should be protected",
    ]
    assert by_gate["source_freshness"] == [
        "shop.orders: no freshness rule; loaded_at_field landed_at is not a documented column"]
    assert by_gate["gx_suite"] == ["fct_orders: no suite in ecomops/quality/spec.py"]
    assert all(gate.percent < 100 for gate in gaps)


def test_every_suite_bounds_its_row_count() -> None:
    """As an invariant (any export) or in its sample calibration (ecomops/quality/spec.py)."""
    unbounded = [suite.model for suite in SUITES
                 if suite.rows is None and (suite.calibration is None or suite.calibration.rows is None)]
    assert unbounded == []


UNIT_TEST_YAML = textwrap.dedent("""\
    version: 2
    models:
      - name: fct_orders
        description: d
        unit_tests:
          - name: nested_is_ignored_by_dbt
            given: []
            expect: {rows: []}
    unit_tests:
      - name: top_level_runs
        model: fct_orders
        given: []
        expect: {rows: []}
      - name: top_level_missing_from_manifest
        model: fct_orders
        given: []
        expect: {rows: []}
""")


def _unit_test_project(root: pathlib.Path) -> dict:
    (root / "models" / "marts").mkdir(parents=True)
    (root / "dbt_project.yml").write_text("name: x\nmodel-paths: [models]\n", encoding="utf-8")
    (root / "models" / "marts" / "_marts__models.yml").write_text(UNIT_TEST_YAML, encoding="utf-8")
    path = "models/marts/_marts__models.yml"
    return {"unit_tests": {
        "unit_test.ecomops.fct_orders.top_level_runs": {
            "name": "top_level_runs", "model": "fct_orders", "original_file_path": path},
    }}


def test_unit_test_gate_catches_a_nested_unit_test(tmp_path: pathlib.Path) -> None:
    manifest = _unit_test_project(tmp_path)
    written = coverage.written_unit_tests(tmp_path)
    assert [(test.name, test.nested) for test in written] == [
        ("top_level_runs", False), ("top_level_missing_from_manifest", False), ("nested_is_ignored_by_dbt", True)]
    gate = coverage.unit_tests_gate(manifest, written)
    assert gate.checked == 3
    assert gate.gaps == [
        "models/marts/_marts__models.yml: fct_orders.nested_is_ignored_by_dbt: nested under model fct_orders, "
        "which dbt ignores: move it to a top-level unit_tests: block with model: fct_orders",
        "models/marts/_marts__models.yml: fct_orders.top_level_missing_from_manifest: not in "
        "target/manifest.json: check its model: and name:, then run dbt parse",
    ]
    assert "[unit_tests_run]" in coverage.format_gates([gate])


def test_unit_test_gate_passes_when_every_written_test_runs(tmp_path: pathlib.Path) -> None:
    manifest = _unit_test_project(tmp_path)
    written = [test for test in coverage.written_unit_tests(tmp_path) if test.name == "top_level_runs"]
    assert coverage.unit_tests_gate(manifest, written).percent == 100.0


def test_every_unit_test_in_the_project_is_top_level() -> None:
    """The project's own YAML: no unit test is nested under a model (dbt would skip it)."""
    nested = [f"{test.path}: {test.model}.{test.name}"
              for test in coverage.written_unit_tests(coverage.REPO) if test.nested]
    assert nested == []
