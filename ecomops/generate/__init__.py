"""Deterministic, vectorised, calibrated sample-data generator for the raw contract.

``python -m ecomops.generate --help`` runs it on its own; the project CLI
calls :func:`add_arguments` and :func:`run`.
"""

from __future__ import annotations

import argparse
from pathlib import Path

DEFAULT_OUT = Path("seeds/raw")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the generator's options to a parser (or subcommand parser)."""
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="output folder, one file per raw entity (default: seeds/raw)")
    parser.add_argument("--format", choices=("csv", "parquet"), default="csv",
                        help="file format (default: csv)")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="multiplies the number of users (~3,000 at 1.0); everything else follows")
    parser.add_argument("--seed", type=int, default=42, help="random seed (default: 42)")
    parser.add_argument("--block-scale", type=float, default=None, metavar="S",
                        help="simulate users in blocks of at most this scale, each written before the next, "
                             "so memory stays bounded (default: 250, about 1.25 million orders and 6 GB a block)")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")


def run(args: argparse.Namespace) -> int:
    """Generate the files; returns a process exit code."""
    from .contract import ContractError
    from .pipeline import generate

    try:
        from .pipeline import BLOCK_SCALE

        block_scale = BLOCK_SCALE if getattr(args, "block_scale", None) is None else args.block_scale
        generate(Path(args.out), fmt=args.format, scale=args.scale, seed=args.seed, quiet=args.quiet,
                 block_scale=block_scale)
    except (ContractError, ValueError) as error:
        import sys

        print(f"ecomops generate: error: {error}", file=sys.stderr)
        return 2
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m ecomops.generate``."""
    parser = argparse.ArgumentParser(
        prog="python -m ecomops.generate",
        description="Write the 13 raw entities of the ecomops raw contract as sample data "
                    "(deterministic for a seed and scale).",
    )
    add_arguments(parser)
    return run(parser.parse_args(argv))


__all__ = ["add_arguments", "run", "main"]
