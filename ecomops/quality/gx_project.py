"""Write the Great Expectations project under ``gx/`` from ``spec``.

The project is kept as files (Great Expectations 1.x file context):

- ``gx/great_expectations.yml``: the context and one pandas filesystem data
  source, ``warehouse``, whose assets are Parquet snapshots of the warehouse
  tables that ``ecomops validate`` exports (read-only) into
  ``gx/uncommitted/tables/<schema>.<table>.parquet`` before each run;
- ``gx/expectations/<model>.json``: the invariants of a table (suite
  ``<model>``), and ``<model>__calibration.json``: its calibration checks,
  tuned to the committed sample (suite ``<model>__calibration``, only for a
  table that has some; see ``spec``);
- ``gx/validation_definitions/<name>.json``: suite x table snapshot, one per
  suite;
- ``gx/checkpoints/ecomops_warehouse.json``: every invariant suite (what
  ``ecomops validate`` runs by default, ``--profile any``), and
  ``gx/checkpoints/ecomops_warehouse_sample.json``: every suite, calibration
  included (``--profile sample``). ``ecomops validate`` rebuilds Data Docs
  once after running one.

Usage::

    python -m ecomops.quality.gx_project          # (re)write gx/ from the spec
    python -m ecomops.quality.gx_project --check  # exit 1 if gx/ drifted

Great Expectations gives every object a random id; ids are replaced by ids
derived from the object's place in the project so that regenerating an
unchanged spec leaves the files byte for byte the same.
"""

from __future__ import annotations

import argparse
import contextlib
import filecmp
import os
import pathlib
import re
import shutil
import sys
import tempfile
import uuid
from typing import Iterable, Iterator

from ecomops.quality.spec import SUITES, Suite

REPO = pathlib.Path(__file__).resolve().parents[2]
GX_ROOT = REPO / "gx"
DATASOURCE = "warehouse"
BATCH_DEFINITION = "snapshot"
# profile -> checkpoint: "any" runs the invariants, "sample" adds the
# calibration checks.
CHECKPOINTS = {"any": "ecomops_warehouse", "sample": "ecomops_warehouse_sample"}
CHECKPOINT = CHECKPOINTS["any"]
# Relative to gx/ (validate runs the checkpoint from there: a pandas
# filesystem data source resolves a relative base_directory against the
# working directory, and an absolute one would not be portable).
TABLES_DIR = "uncommitted/tables"
# The files of the project that are committed (the rest is uncommitted/).
COMMITTED = ("great_expectations.yml", "expectations", "validation_definitions", "checkpoints", ".gitignore")
_ID_NAMESPACE = uuid.UUID("6f1c2d0e-8b9a-4c57-9b0e-ec0b5a11d00d")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def snapshot_file(suite: Suite) -> str:
    """The Parquet file name that holds the snapshot of a suite's table."""
    return f"{suite.schema}.{suite.model}.parquet"


def _build(project_parent: pathlib.Path, suites: Iterable[Suite]) -> pathlib.Path:
    """Create a fresh file project in ``project_parent/gx`` with the GX API."""
    import great_expectations as gx
    from great_expectations.checkpoint import UpdateDataDocsAction

    context = gx.get_context(mode="file", project_root_dir=str(project_parent))
    root = project_parent / "gx"
    # GX tests that the data source's folder and each asset's file exist when
    # they are added: give it empty files in this throwaway copy.
    suites = list(suites)
    (root / TABLES_DIR).mkdir(parents=True, exist_ok=True)
    for suite in suites:
        (root / TABLES_DIR / snapshot_file(suite)).touch()
    with working_directory(root):
        _add_objects(context, suites)
    # No usage statistics (nothing leaves the machine) and no progress bars
    # (the validate command prints its own summary).
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context.variables.analytics_enabled = False
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    context.variables.save()
    return root


def _add_objects(context, suites: Iterable[Suite]) -> None:
    import great_expectations as gx

    datasource = context.data_sources.add_pandas_filesystem(name=DATASOURCE, base_directory=TABLES_DIR)
    invariants, calibration = [], []
    generated_by = "ecomops.quality.gx_project from ecomops/quality/spec.py"
    for suite in suites:
        asset = datasource.add_parquet_asset(name=suite.model)
        batch = asset.add_batch_definition_path(name=BATCH_DEFINITION, path=snapshot_file(suite))
        kinds = [(suite.model, suite.expectations(), "any", invariants)]
        if suite.calibration:
            kinds.append((suite.calibration_name, suite.calibration_expectations(), "sample", calibration))
        for name, expectations, profile, definitions in kinds:
            expectation_suite = context.suites.add(
                gx.ExpectationSuite(
                    name=name, expectations=expectations,
                    meta={"relation": suite.relation, "profile": profile, "generated_by": generated_by},
                )
            )
            definitions.append(
                context.validation_definitions.add(
                    gx.ValidationDefinition(name=name, data=batch, suite=expectation_suite)
                )
            )
    # No UpdateDataDocsAction: it rebuilds the whole site once per validation
    # definition (75 builds, minutes); ecomops validate builds it once after.
    for profile, definitions in (("any", invariants), ("sample", invariants + calibration)):
        context.checkpoints.add(
            gx.Checkpoint(
                name=CHECKPOINTS[profile],
                validation_definitions=definitions,
                result_format={"result_format": "SUMMARY", "partial_unexpected_count": 5},
            )
        )


@contextlib.contextmanager
def working_directory(path: pathlib.Path) -> Iterator[None]:
    """Run a block with ``path`` as the working directory, then restore it."""
    previous = pathlib.Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(previous)


def _stabilise_ids(root: pathlib.Path) -> None:
    """Replace GX's random ids by ids derived from where they first appear."""
    files = sorted(
        path for path in root.rglob("*")
        if path.is_file() and (path.suffix in {".json", ".yml"} or path.name == ".ge_store_backend_id")
        and "uncommitted" not in path.parts
    )
    mapping: dict[str, str] = {}
    texts = {path: path.read_text(encoding="utf-8") for path in files}
    for path in files:
        for index, found in enumerate(_UUID.findall(texts[path])):
            if found not in mapping:
                name = f"{path.relative_to(root).as_posix()}#{index}"
                mapping[found] = str(uuid.uuid5(_ID_NAMESPACE, name))
    for path, text in texts.items():
        path.write_text(_UUID.sub(lambda match: mapping[match.group(0)], text), encoding="utf-8")


def render(destination_parent: pathlib.Path, suites: Iterable[Suite] = SUITES) -> pathlib.Path:
    """Write the project for ``suites`` into ``destination_parent/gx``."""
    root = _build(destination_parent, suites)
    _stabilise_ids(root)
    (root / ".gitignore").write_text("uncommitted/\n", encoding="utf-8")
    # GX creates an empty plugins folder; nothing of ours lives there.
    shutil.rmtree(root / "plugins", ignore_errors=True)
    return root


def _differences(left: pathlib.Path, right: pathlib.Path) -> list[str]:
    """The committed files (at any depth) that differ between two projects."""
    diffs: list[str] = []
    for name in COMMITTED:
        a, b = left / name, right / name
        if a.is_file() or b.is_file():
            if not (a.is_file() and b.is_file() and filecmp.cmp(a, b, shallow=False)):
                diffs.append(name)
            continue
        names = {p.relative_to(a) for p in a.rglob("*") if p.is_file()} | {
            p.relative_to(b) for p in b.rglob("*") if p.is_file()}
        for child in sorted(names):
            ca, cb = a / child, b / child
            if not (ca.is_file() and cb.is_file() and filecmp.cmp(ca, cb, shallow=False)):
                diffs.append(f"{name}/{child.as_posix()}")
    return diffs


def write(gx_root: pathlib.Path = GX_ROOT) -> None:
    """Regenerate the committed files of ``gx_root`` (uncommitted/ is kept)."""
    with tempfile.TemporaryDirectory() as tmp:
        fresh = render(pathlib.Path(tmp))
        gx_root.mkdir(parents=True, exist_ok=True)
        for name in COMMITTED:
            target = gx_root / name
            if target.is_dir():
                shutil.rmtree(target)
            elif target.exists():
                target.unlink()
            source = fresh / name
            if source.is_dir():
                shutil.copytree(source, target)
            else:
                shutil.copy2(source, target)


def check(gx_root: pathlib.Path = GX_ROOT) -> list[str]:
    """The committed files that differ from what the spec renders."""
    with tempfile.TemporaryDirectory() as tmp:
        fresh = render(pathlib.Path(tmp))
        return _differences(fresh, gx_root)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ecomops.quality.gx_project",
        description="Write the Great Expectations project under gx/ from ecomops/quality/spec.py.",
    )
    parser.add_argument("--check", action="store_true",
                        help="do not write; exit 1 if the committed gx/ files differ from the spec")
    parser.add_argument("--gx-root", type=pathlib.Path, default=GX_ROOT, help="the project folder (default: gx/)")
    args = parser.parse_args(argv)
    if args.check:
        diffs = check(args.gx_root)
        if diffs:
            print("gx/ is out of date with ecomops/quality/spec.py; run `python -m ecomops.quality.gx_project`:")
            for name in diffs:
                print(f"  {name}")
            return 1
        print(f"gx/ matches the spec ({len(SUITES)} tables)")
        return 0
    write(args.gx_root)
    calibrated = sum(1 for suite in SUITES if suite.calibration)
    print(f"wrote {len(SUITES)} invariant and {calibrated} calibration suites, their validation definitions "
          f"and checkpoints {', '.join(CHECKPOINTS.values())} to {args.gx_root}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
