"""``ecomops validate``: run the Great Expectations checkpoint on the warehouse.

Steps:

1. open the warehouse read-only ($ECOMOPS_WAREHOUSE, default
   ``warehouse.duckdb``) and copy every table that has a suite to a Parquet
   snapshot under ``gx/uncommitted/tables/`` (an empty table too);
2. compute the suite parameters: the data's window from
   ``intermediate.int_data_window`` (or ``--start-date`` / ``--end-date``),
   and the row-count bounds relative to the raw input or upstream models;
3. run the checkpoint of the profile (``--profile any``, the default:
   ``ecomops_warehouse``, the invariants that hold on any export;
   ``--profile sample``: ``ecomops_warehouse_sample``, which adds the
   calibration checks tuned to the committed sample), or with ``--suite``
   only the named tables' validation definitions; then rebuild Data Docs
   under ``gx/uncommitted/data_docs/local_site/``;
4. print one line per suite (pass/fail, rows, and which ran on 0 rows) and
   every failing expectation with its observed value; write
   ``reports/quality/index.html`` (readable offline) and
   ``reports/quality/validation.json``;
5. exit 1 if any expectation failed or a table is missing, 2 if the
   warehouse or its window cannot be read, else 0.
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

import duckdb

from ecomops.quality import warehouse as wh
from ecomops.quality.gx_project import CHECKPOINTS, GX_ROOT, TABLES_DIR, snapshot_file, working_directory
from ecomops.quality.spec import PROFILES, SUITES, Suite

REPO = pathlib.Path(__file__).resolve().parents[2]
INVARIANTS = "invariants"
CALIBRATION = "calibration"


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
    """The result of one Great Expectations suite on one table."""

    suite: str
    relation: str
    rows: int | None
    success: bool
    error: str = ""
    expectations: list[ExpectationOutcome] = field(default_factory=list)
    model: str = ""
    kind: str = INVARIANTS

    @property
    def failures(self) -> list[ExpectationOutcome]:
        return [outcome for outcome in self.expectations if not outcome.success]

    @property
    def passed_count(self) -> int:
        return sum(outcome.success for outcome in self.expectations)

    @property
    def empty(self) -> bool:
        """True when the suite ran on a table with no rows."""
        return self.rows == 0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``ecomops validate``."""
    parser.add_argument(
        "--warehouse", type=pathlib.Path,
        default=pathlib.Path(os.environ.get("ECOMOPS_WAREHOUSE", "warehouse.duckdb")),
        help="DuckDB file to validate, opened read-only (default: $ECOMOPS_WAREHOUSE or warehouse.duckdb)",
    )
    parser.add_argument(
        "--profile", choices=PROFILES, default="any",
        help="any (default): only the invariants, true of any correct warehouse, whatever the export; "
             "sample: also the calibration checks tuned to the committed sample (means, row-count ratios), "
             "which a real export may legitimately break (make build / make test use it)",
    )
    parser.add_argument(
        "--suite", action="append", default=[], metavar="MODEL",
        help="validate only this table's suites (a model name); repeat for several. Default: the whole checkpoint",
    )
    parser.add_argument("--gx-root", type=pathlib.Path, default=GX_ROOT,
                        help="Great Expectations project folder (default: gx/)")
    parser.add_argument("--reports", type=pathlib.Path, default=REPO / "reports" / "quality",
                        help="folder for the offline HTML and JSON summary (default: reports/quality)")
    parser.add_argument("--start-date", default="",
                        help="first day of the data's window, YYYY-MM-DD "
                             "(default: data_start_date of intermediate.int_data_window)")
    parser.add_argument("--end-date", default="",
                        help="last day of the data's window, YYYY-MM-DD "
                             "(default: data_end_date of intermediate.int_data_window)")


def run(args: argparse.Namespace) -> int:
    """Run the checkpoint; 0 when every suite passes, 1 when one fails, 2 when
    the warehouse cannot be read."""
    from ecomops.quality import report

    started = time.monotonic()
    profile = getattr(args, "profile", "any")
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
        try:
            span = wh.data_span(con, args.start_date, args.end_date)
        except (wh.SpanError, duckdb.Error) as exc:
            print(f"ecomops validate: {exc}", file=sys.stderr)
            return 2
        row_counts = {suite.model: wh.export_snapshot(con, suite.relation, tables_dir / snapshot_file(suite))
                      for suite in available}
        params = wh.parameters(con, available, span)
    print(f"==> data window {span.start} .. {span.end}, calendar {span.calendar_start} .. {span.calendar_end} "
          f"(from {span.source})", flush=True)
    checks = "invariants" if profile == "any" else "invariants and calibration checks"
    print(f"==> Great Expectations checkpoint {CHECKPOINTS[profile]!r}, profile {profile} ({checks}; "
          f"{len(available)} tables)", flush=True)
    outcomes = run_suites(gx_root, available, params.values, profile=profile,
                          whole_checkpoint=not args.suite and not missing)
    for suite in missing:
        outcomes.append(SuiteOutcome(suite=suite.model, relation=suite.relation, rows=None, success=False,
                                     model=suite.model,
                                     error=f"table {suite.relation} is missing from the warehouse: build it"))
    for outcome in outcomes:
        outcome.rows = row_counts.get(outcome.model, outcome.rows)
        if outcome.suite in params.errors:
            outcome.error = params.errors[outcome.suite]
            outcome.success = False
    outcomes.sort(key=_order)
    print(format_table(outcomes))
    empty = list(dict.fromkeys(outcome.model for outcome in outcomes if outcome.empty))
    if empty:
        print(f"\n{len(empty)} tables have 0 rows, and their suites ran on 0 rows (an export without an entity "
              f"builds its tables empty; an empty table passes its invariants): {', '.join(empty)}")
    skipped = sum(1 for suite in available if suite.calibration) if profile == "any" else 0
    if skipped:
        print(f"\nProfile any: the calibration checks of {skipped} tables, tuned to the committed sample, "
              "did not run (`--profile sample` runs them; docs/quality.md)")
    docs_index = gx_root / "uncommitted" / "data_docs" / "local_site" / "index.html"
    summary = report.write(args.reports, outcomes, params.values, args.warehouse, docs_index, profile=profile)
    print(f"\nOffline summary: {summary}")
    print(f"Data Docs:       {docs_index} (styles load from a CDN; the summary above reads offline)")
    failed = [outcome for outcome in outcomes if not outcome.success]
    print(f"{len(outcomes) - len(failed)} of {len(outcomes)} suites passed (profile {profile}) "
          f"in {time.monotonic() - started:.1f} s")
    return 1 if failed else 0


def _order(outcome: SuiteOutcome) -> tuple[int, int]:
    order = {suite.model: index for index, suite in enumerate(SUITES)}
    return order.get(outcome.model, len(order)), 0 if outcome.kind == INVARIANTS else 1


def run_suites(gx_root: pathlib.Path, suites: list[Suite], params: dict[str, Any], profile: str = "any",
               whole_checkpoint: bool = True, build_docs: bool = True) -> list[SuiteOutcome]:
    """Validate the snapshots under ``gx_root`` with the suites of
    ``profile``: the profile's whole checkpoint if ``whole_checkpoint``, else
    each suite's validation definition; then rebuild Data Docs (once) if
    ``build_docs``."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx

    # Keep Data Docs to the latest run: drop earlier validation results.
    for stale in ("validations", "data_docs"):
        shutil.rmtree(gx_root / "uncommitted" / stale, ignore_errors=True)
    context = gx.get_context(mode="file", project_root_dir=str(gx_root.parent))
    by_name: dict[str, tuple[Suite, str]] = {}
    for suite in suites:
        by_name[suite.model] = (suite, INVARIANTS)
        by_name[suite.calibration_name] = (suite, CALIBRATION)
    results = []
    with working_directory(gx_root):
        if whole_checkpoint:
            checkpoint_result = context.checkpoints.get(CHECKPOINTS[profile]).run(expectation_parameters=params)
            results = [run_result for run_result in checkpoint_result.run_results.values()]
        else:
            for suite in suites:
                for name in suite.gx_suite_names(profile):
                    definition = context.validation_definitions.get(name)
                    results.append(definition.run(
                        expectation_parameters=params,
                        result_format={"result_format": "SUMMARY", "partial_unexpected_count": 5},
                    ))
        if build_docs:
            context.build_data_docs()
    outcomes = []
    for result in results:
        name = result.suite_name
        suite, kind = by_name.get(name, (None, INVARIANTS))
        outcomes.append(SuiteOutcome(
            suite=name, relation=suite.relation if suite else name, rows=None,
            success=bool(result.success), model=suite.model if suite else name, kind=kind,
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
    lines = [f"{'suite':<{width}}  {'kind':<11}  {'rows':>10}  {'checks':>7}  result",
             "-" * (width + 50)]
    for outcome in outcomes:
        rows = "-" if outcome.rows is None else f"{outcome.rows:,}"
        checks = f"{outcome.passed_count}/{len(outcome.expectations)}"
        note = "  (ran on 0 rows)" if outcome.empty else ""
        lines.append(f"{outcome.suite:<{width}}  {outcome.kind:<11}  {rows:>10}  {checks:>7}  "
                     f"{'pass' if outcome.success else 'FAIL'}{note}")
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
    return [{**asdict(outcome), "empty": outcome.empty} for outcome in outcomes]


def main(argv: list[str] | None = None) -> int:
    """``python -m ecomops.quality.validate`` (same as ``ecomops validate``)."""
    parser = argparse.ArgumentParser(prog="ecomops validate", description=__doc__.splitlines()[0])
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
