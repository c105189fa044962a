"""The benchmark's floor: the least work any build of the warehouse must do.

Issue 11 measures the full ``dbt build`` against a floor taken in the same
run, on the same files and with the same DuckDB settings: DuckDB reading
every raw file once (every column of every row: a hash over the whole row,
so Parquet metadata cannot answer it) and writing tables the size of the
built marts (a copy of each ``marts`` table of the warehouse into a new
file). A build can only beat it by not reading its input or not writing its
output, so ``dbt build seconds / floor seconds`` says how much work the
models add.

    python -m ecomops.floor --raw-dir RAW --format parquet --warehouse W.duckdb --out FLOOR.duckdb
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import sys
import time
from dataclasses import asdict, dataclass, field

READERS = {"parquet": "read_parquet", "csv": "read_csv"}


@dataclass
class Floor:
    """What the floor read and wrote, and how long each half took."""

    read_seconds: float = 0.0
    write_seconds: float = 0.0
    raw_rows: dict[str, int] = field(default_factory=dict)
    mart_rows: dict[str, int] = field(default_factory=dict)

    @property
    def seconds(self) -> float:
        return round(self.read_seconds + self.write_seconds, 2)


def _reader(path: pathlib.Path, fmt: str) -> str:
    quoted = str(path).replace("'", "''")
    if fmt == "csv":
        # Every column as text, as the raw loader reads them.
        return f"read_csv('{quoted}', all_varchar = true, header = true)"
    return f"{READERS[fmt]}('{quoted}')"


def measure(raw_dir: pathlib.Path, fmt: str, warehouse: pathlib.Path, out: pathlib.Path,
            settings: dict[str, object] | None = None) -> Floor:
    """Read every raw file once, then copy every mart of `warehouse` into `out`."""
    import duckdb

    if fmt not in READERS:
        raise ValueError(f"format {fmt!r}: use one of {sorted(READERS)}")
    files = sorted(raw_dir.glob(f"*.{fmt}"))
    if not files:
        raise FileNotFoundError(f"no *.{fmt} files in {raw_dir}: generate the raw data first")
    if out.exists():
        out.unlink()
    con = duckdb.connect(str(out), config=dict(settings or {}))
    floor = Floor()
    try:
        started = time.perf_counter()
        for path in files:
            rows, _digest = con.execute(
                f"select count(*), bit_xor(hash(raw_row)) from {_reader(path, fmt)} as raw_row"
            ).fetchone()
            floor.raw_rows[path.stem] = int(rows)
        floor.read_seconds = round(time.perf_counter() - started, 2)
        con.execute(f"attach '{str(warehouse).replace(chr(39), chr(39) * 2)}' as built (read_only)")
        marts = [name for (name,) in con.execute(
            "select table_name from information_schema.tables where table_catalog = 'built'"
            " and table_schema = 'marts' and table_type = 'BASE TABLE' order by 1").fetchall()]
        if not marts:
            raise ValueError(f"{warehouse} has no tables in schema marts: build the warehouse first")
        started = time.perf_counter()
        for name in marts:
            con.execute(f'create table "{name}" as select * from built.marts."{name}"')
            con.execute("checkpoint")
            floor.mart_rows[name] = int(con.execute(f'select count(*) from "{name}"').fetchone()[0])
        floor.write_seconds = round(time.perf_counter() - started, 2)
    finally:
        con.close()
    return floor


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ecomops.floor",
        description="Time the floor of a build: read every raw file once, write tables the size of the marts.",
    )
    parser.add_argument("--raw-dir", type=pathlib.Path, required=True, help="folder of the raw files")
    parser.add_argument("--format", choices=sorted(READERS), default="parquet", help="raw file format")
    parser.add_argument("--warehouse", type=pathlib.Path, required=True, help="the built warehouse (read only)")
    parser.add_argument("--out", type=pathlib.Path, required=True, help="the file the mart copies go to (replaced)")
    parser.add_argument("--json", type=pathlib.Path, default=None, help="write the result here as JSON")
    args = parser.parse_args(argv)
    from ecomops.dbt.resources import connect_settings

    try:
        settings = connect_settings({
            "memory_limit": os.environ.get("ECOMOPS_DUCKDB_MEMORY_LIMIT", "auto"),
            "threads": os.environ.get("ECOMOPS_DUCKDB_THREADS", "auto"),
            "preserve_insertion_order": os.environ.get("ECOMOPS_DUCKDB_PRESERVE_INSERTION_ORDER", "false"),
        })
        settings.pop("storage_compatibility_version", None)
        floor = measure(args.raw_dir, args.format, args.warehouse, args.out, settings)
    except (ValueError, FileNotFoundError) as error:
        print(f"ecomops.floor: {error}", file=sys.stderr)
        return 2
    result = {**asdict(floor), "seconds": floor.seconds}
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"floor: read {sum(floor.raw_rows.values()):,} raw rows in {floor.read_seconds:.1f} s, wrote"
          f" {sum(floor.mart_rows.values()):,} mart rows in {floor.write_seconds:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
