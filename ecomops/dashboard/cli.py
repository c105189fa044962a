"""``ecomops dashboard``: build the operations dashboard (static HTML) from the published warehouse.

    python -m ecomops dashboard [--warehouse PATH] [--out DIR] [--serve] [--port 8765]
                                [--definitions DIR] [--quality-report PATH]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import pathlib
import sys

import duckdb

from ecomops.dashboard import definitions as defs
from ecomops.dashboard.build import WarehouseNotBuilt, build

REPO = pathlib.Path(__file__).resolve().parents[2]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--warehouse", type=pathlib.Path,
                        default=pathlib.Path(os.environ.get("ECOMOPS_WAREHOUSE", "warehouse.duckdb")),
                        help="published DuckDB warehouse, opened read-only (default $ECOMOPS_WAREHOUSE or "
                             "./warehouse.duckdb)")
    parser.add_argument("--out", type=pathlib.Path, default=pathlib.Path("target/dashboard"),
                        help="output folder (default target/dashboard)")
    parser.add_argument("--definitions", type=pathlib.Path,
                        default=pathlib.Path(os.environ.get("ECOMOPS_METRICS_DIR", str(defs.DEFAULT_DIR))),
                        help="folder of MetricFlow metric YAML (default $ECOMOPS_METRICS_DIR or models/semantic)")
    parser.add_argument("--quality-report", type=pathlib.Path,
                        default=REPO / "reports" / "quality" / "validation.json",
                        help="Great Expectations summary JSON (default reports/quality/validation.json)")
    parser.add_argument("--serve", action="store_true", help="serve the folder on 127.0.0.1:PORT after building")
    parser.add_argument("--port", type=int, default=8765, help="port for --serve (default 8765)")


def serve(folder: pathlib.Path, port: int) -> None:
    """Serve ``folder`` on 127.0.0.1:port until Ctrl-C."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    with http.server.ThreadingHTTPServer(("127.0.0.1", port), handler) as server:
        print(f"Serving {folder} at http://127.0.0.1:{port}/index.html (Ctrl-C stops)", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            print("stopped")


def run(args: argparse.Namespace) -> int:
    try:
        written = build(args.warehouse, args.out, args.definitions, args.quality_report)
    except WarehouseNotBuilt as exc:
        print(f"ecomops dashboard: {exc}. Run `make build` first.", file=sys.stderr)
        return 2
    except duckdb.IOException as exc:
        print(f"ecomops dashboard: cannot open {args.warehouse} read-only ({exc}). "
              "If it is missing or half-written, run `make build` first.", file=sys.stderr)
        return 2
    except defs.MissingDefinitions as exc:
        print(f"ecomops dashboard: {exc}. Define them (name, label, description) in the metric YAML.",
              file=sys.stderr)
        return 1
    for path in written:
        print(path)
    index = args.out / "index.html"
    if args.serve:
        serve(args.out, args.port)
    else:
        print(f"Open it: open {index}  (or xdg-open; or `python -m ecomops dashboard --serve` "
              f"for http://127.0.0.1:{args.port}/index.html)")
    return 0
