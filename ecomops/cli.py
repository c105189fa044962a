"""The ``ecomops`` command line: one subcommand per tool.

Each subcommand lives in its own module, which exposes
``add_arguments(parser)`` and ``run(args) -> int``. Modules are imported only
when their subcommand runs, so ``ecomops --help`` stays fast (Great
Expectations alone takes seconds to import).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import Sequence

# subcommand -> (module, one-line help)
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "generate": (
        "ecomops.generate",
        "write the raw sample data (all 13 entities) for a seed and scale",
    ),
    "validate": (
        "ecomops.quality.validate",
        "run the Great Expectations checkpoint against the built warehouse",
    ),
    "publish": (
        "ecomops.publish",
        "dbt build into a candidate, audit it (dbt tests + Great Expectations), then publish it atomically",
    ),
    "coverage": (
        "ecomops.quality.coverage",
        "fail unless every model has a key test and every public column is documented",
    ),
    "check-export": (
        "ecomops.export.check",
        "check a raw export folder before a build: files, columns, dates, bad values, empty marts",
    ),
    "benchmark": (
        "ecomops.benchmark",
        "time the generator and the dbt build at a scale and record the figures",
    ),
    "dashboard": ("ecomops.dashboard.cli", "build the operations dashboard (static HTML) from the published warehouse"),
}


def _load(module_name: str):
    try:
        return importlib.import_module(module_name)
    except ImportError as exc:  # pragma: no cover - only when the env is broken
        raise SystemExit(
            f"ecomops: cannot import {module_name} ({exc}). "
            "Run `make venv` to install the pinned environment, then try again."
        ) from exc


def build_parser(argv: Sequence[str]) -> argparse.ArgumentParser:
    """Build the top-level parser, loading only the subcommand being run."""
    parser = argparse.ArgumentParser(
        prog="ecomops",
        description=(
            "Tooling for the ecomops e-commerce user-operations warehouse "
            "(dbt + DuckDB). Build and test with `make build` / `make test`."
        ),
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    wanted = next((a for a in argv if not a.startswith("-")), None)
    for name, (module_name, help_text) in SUBCOMMANDS.items():
        sub_parser = sub.add_parser(name, help=help_text, description=help_text)
        if name == wanted:
            module = _load(module_name)
            module.add_arguments(sub_parser)
            sub_parser.set_defaults(_run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``ecomops`` console script."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(args_list)
    args = parser.parse_args(args_list)
    if not getattr(args, "_run", None):
        parser.print_help()
        return 2 if args_list else 0
    return int(args._run(args) or 0)


if __name__ == "__main__":
    raise SystemExit(main())
