"""``ecomops validate``: run the Great Expectations checkpoint on the warehouse.

Steps:

1. open the warehouse read-only ($ECOMOPS_WAREHOUSE, default
   ``warehouse.duckdb``) and copy every table that has a suite to a Parquet
   snapshot under ``gx/uncommitted/tables/``;
2. compute the suite parameters (row-count bounds relative to the raw input,
   the data's span);
3. run the checkpoint ``ecomops_warehouse`` (or, with ``--suite``, only the
   named validation definitions), which also rebuilds Data Docs under
   ``gx/uncommitted/data_docs/local_site/``;
4. print one line per suite (pass/fail) and every failing expectation with
   its observed value; write ``reports/quality/index.html`` (readable offline)
   and ``reports/quality/validation.json``;
5. exit 1 if any expectation failed or a table is missing, else 0.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import shutil
import sys
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from ecomops.quality import warehouse as wh
from ecomops.quality.gx_project import CHECKPOINT, GX_ROOT, TABLES_DIR, snapshot_file, working_directory
from ecomops.quality.spec import SUITES, Suite

REPO = pathlib.Path(__file__).resolve().parents[2]


@dataclass
class ExpectationOutcome:
    """One evaluated expectation."""

    expectation_type: str
    column: str
    description: str
    success: bool
    observed: str


@dataclass
class SuiteOutcome:
    """The result of one suite on one table."""

    suite: str
    relation: str
    rows: int | None
    success: bool
    error: str = ""
    expectations: list[ExpectationOutcome] = field(default_factory=list)

    @property
    def failures(self) -> list[ExpectationOutcome]:
        return [outcome for outcome in self.expectations if not outcome.success]

    @property
    def passed_count(self) -> int:
        return sum(outcome.success for outcome in self.expectations)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``ecomops validate``."""
    parser.add_argument(
        "--warehouse", type=pathlib.Path,
        default=pathlib.Path(os.environ.get("ECOMOPS_WAREHOUSE", "warehouse.duckdb")),
        help="DuckDB file to validate, opened read-only (default: $ECOMOPS_WAREHOUSE or warehouse.duckdb)",
    )
    parser.add_argument(
        "--suite", action="append", default=[], metavar="MODEL",
        help="validate only this suite (a model name); repeat for several. Default: the whole checkpoint",
    )
    parser.add_argument("--gx-root", type=pathlib.Path, default=GX_ROOT,
                        help="Great Expectations project folder (default: gx/)")
    parser.add_argument("--reports", type=pathlib.Path, default=REPO / "reports" / "quality",
                        help="folder for the offline HTML and JSON summary (default: reports/quality)")
    parser.add_argument("--start-date", default="", help="data span start (default: dbt var data_start_date)")
    parser.add_argument("--end-date", default="", help="data span end (default: dbt var data_end_date)")


def run(args: argparse.Namespace) -> int:
    """Run the checkpoint; 0 when every suite passes, 1 otherwise."""
    from ecomops.quality import report

    started = time.monotonic()
    unknown = sorted(set(args.suite) - {suite.model for suite in SUITES})
    if unknown:
        print(f"ecomops validate: no suite named {', '.join(unknown)}; suites are defined in ecomops/quality/spec.py",
              file=sys.stderr)
        return 2
    suites = [suite for suite in SUITES if not args.suite or suite.model in args.suite]
    try:
        con = wh.connect(args.warehouse)
    except FileNotFoundError as exc:
        print(f"ecomops validate: {exc}", file=sys.stderr)
        return 2
    gx_root = args.gx_root.resolve()
    tables_dir = gx_root / TABLES_DIR
    print(f"==> snapshots of {len(suites)} tables from {args.warehouse} (read-only)", flush=True)
    with con:
        present = wh.relations(con)
        missing = [suite for suite in suites if suite.relation not in present]
        available = [suite for suite in suites if suite.relation in present]
        row_counts = {suite.model: wh.export_snapshot(con, suite.relation, tables_dir / snapshot_file(suite))
                      for suite in available}
        span = wh.data_span(con, args.start_date, args.end_date)
        params = wh.parameters(con, available, span)
    print(f"==> Great Expectations checkpoint {CHECKPOINT!r} ({len(available)} suites)", flush=True)
    outcomes = run_suites(gx_root, available, params, whole_checkpoint=not args.suite and not missing)
    for suite in missing:
        outcomes.append(SuiteOutcome(suite=suite.model, relation=suite.relation, rows=None, success=False,
                                     error=f"table {suite.relation} is missing from the warehouse: build it"))
    for outcome in outcomes:
        outcome.rows = row_counts.get(outcome.suite, outcome.rows)
    order = {suite.model: index for index, suite in enumerate(SUITES)}
    outcomes.sort(key=lambda outcome: order[outcome.suite])
    print(format_table(outcomes))
    docs_index = gx_root / "uncommitted" / "data_docs" / "local_site" / "index.html"
    summary = report.write(args.reports, outcomes, params, args.warehouse, docs_index)
    print(f"\nOffline summary: {summary}")
    print(f"Data Docs:       {docs_index} (styles load from a CDN; the summary above reads offline)")
    failed = [outcome for outcome in outcomes if not outcome.success]
    print(f"{len(outcomes) - len(failed)} of {len(outcomes)} suites passed in {time.monotonic() - started:.1f} s")
    return 1 if failed else 0


def run_suites(gx_root: pathlib.Path, suites: list[Suite], params: dict[str, Any],
               whole_checkpoint: bool = True, build_docs: bool = True) -> list[SuiteOutcome]:
    """Validate the snapshots under ``gx_root``: the whole checkpoint if
    ``whole_checkpoint``, else each suite's validation definition; then
    rebuild Data Docs (once) if ``build_docs``."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx

    # Keep Data Docs to the latest run: drop earlier validation results.
    for stale in ("validations", "data_docs"):
        shutil.rmtree(gx_root / "uncommitted" / stale, ignore_errors=True)
    context = gx.get_context(mode="file", project_root_dir=str(gx_root.parent))
    by_name = {suite.model: suite for suite in suites}
    results = []
    with working_directory(gx_root):
        if whole_checkpoint:
            checkpoint_result = context.checkpoints.get(CHECKPOINT).run(expectation_parameters=params)
            results = [run_result for run_result in checkpoint_result.run_results.values()]
        else:
            for suite in suites:
                definition = context.validation_definitions.get(suite.model)
                results.append(definition.run(
                    expectation_parameters=params,
                    result_format={"result_format": "SUMMARY", "partial_unexpected_count": 5},
                ))
        if build_docs:
            context.build_data_docs()
    outcomes = []
    for result in results:
        name = result.suite_name
        outcomes.append(SuiteOutcome(
            suite=name, relation=by_name[name].relation if name in by_name else name, rows=None,
            success=bool(result.success),
            expectations=[_outcome(item) for item in result.results],
        ))
    return outcomes


def _outcome(item: Any) -> ExpectationOutcome:
    config = item.expectation_config
    kwargs = config.kwargs
    column = kwargs.get("column") or ", ".join(
        kwargs.get("column_list") or [c for c in (kwargs.get("column_A"), kwargs.get("column_B")) if c]
    )
    return ExpectationOutcome(
        expectation_type=config.type, column=column, description=config.description or "",
        success=bool(item.success), observed=observed_value(item),
    )


def observed_value(item: Any) -> str:
    """What the data showed, in a few words."""
    result = item.result or {}
    message = _exception_message(item.exception_info)
    if message:
        return f"error: {message}"
    if "observed_value" in result and result["observed_value"] is not None:
        value = result["observed_value"]
        return f"{value:.4g}" if isinstance(value, float) else str(value)
    if "unexpected_count" in result:
        count = result.get("unexpected_count") or 0
        total = result.get("element_count") or 0
        text = f"{count} of {total} rows unexpected"
        sample = result.get("partial_unexpected_list") or []
        if count and sample:
            text += ", e.g. " + ", ".join(_short(value) for value in sample[:3])
        return text
    return ""


def _short(value: Any) -> str:
    if isinstance(value, (tuple, list)):
        text = "(" + ", ".join(_short(item) for item in value) + ")"
    else:
        text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _exception_message(info: Any) -> str:
    """The first exception message in GX's (sometimes nested) exception info."""
    if not info:
        return ""
    if isinstance(info, dict):
        if info.get("raised_exception") and info.get("exception_message"):
            return str(info["exception_message"]).splitlines()[0]
        for value in info.values():
            message = _exception_message(value) if isinstance(value, dict) else ""
            if message:
                return message
        return ""
    if getattr(info, "raised_exception", False):
        return str(getattr(info, "exception_message", "")).splitlines()[0]
    return ""


def format_table(outcomes: list[SuiteOutcome]) -> str:
    """The suites as a fixed-width table, then every failing expectation."""
    width = max([len("suite")] + [len(outcome.suite) for outcome in outcomes])
    lines = [f"{'suite':<{width}}  {'rows':>10}  {'checks':>7}  result", "-" * (width + 30)]
    for outcome in outcomes:
        rows = "-" if outcome.rows is None else f"{outcome.rows:,}"
        checks = f"{outcome.passed_count}/{len(outcome.expectations)}"
        lines.append(f"{outcome.suite:<{width}}  {rows:>10}  {checks:>7}  {'pass' if outcome.success else 'FAIL'}")
    failing = [outcome for outcome in outcomes if not outcome.success]
    if failing:
        lines.append("")
        lines.append("Failing expectations (suite: expectation [column] - rule -> observed):")
        for outcome in failing:
            if outcome.error:
                lines.append(f"  {outcome.suite}: {outcome.error}")
            for failure in outcome.failures:
                column = f" [{failure.column}]" if failure.column else ""
                lines.append(f"  {outcome.suite}: {failure.expectation_type}{column} - "
                             f"{failure.description} -> {failure.observed}")
    return "\n".join(lines)


def outcomes_as_dicts(outcomes: list[SuiteOutcome]) -> list[dict[str, Any]]:
    """JSON-friendly form of the outcomes."""
    return [asdict(outcome) for outcome in outcomes]


def main(argv: list[str] | None = None) -> int:
    """``python -m ecomops.quality.validate`` (same as ``ecomops validate``)."""
    parser = argparse.ArgumentParser(prog="ecomops validate", description=__doc__.splitlines()[0])
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
