"""Typed columns and the file writer (CSV or Parquet through DuckDB).

Generator steps hand over numpy arrays (ints, local-second timestamps, cents,
category codes); the helpers here turn them into typed Arrow arrays, and
:func:`write_entity` writes one entity with exactly the contract's columns.
CSV: timestamps ``YYYY-MM-DD HH:MM:SS`` (UTC), dates ``YYYY-MM-DD``, money
with two decimals, booleans ``true``/``false``, nulls as empty fields.
Parquet: typed columns following the contract's ``data_type``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from .contract import Column, check_columns
from .timeutil import BASE_UTC_EPOCH, EPOCH_DAY_OF_START, NULL

SQL_TYPES = {
    "bigint": "BIGINT",
    "integer": "INTEGER",
    "varchar": "VARCHAR",
    "timestamp": "TIMESTAMP",
    "date": "DATE",
    "boolean": "BOOLEAN",
    "decimal(18,2)": "DECIMAL(18,2)",
}


def _validity(mask: np.ndarray) -> pa.Buffer | None:
    if not mask.any():
        return None
    return pa.array(~mask, type=pa.bool_()).buffers()[1]


def ints(values: np.ndarray) -> pa.Array:
    """int64 values, :data:`NULL` -> null."""
    values = np.asarray(values, dtype=np.int64)
    return pa.array(values, type=pa.int64(), mask=values == NULL)


def times(local_seconds: np.ndarray) -> pa.Array:
    """Local seconds -> UTC timestamp(s), :data:`NULL` -> null."""
    values = np.asarray(local_seconds, dtype=np.int64)
    mask = values == NULL
    epoch = np.where(mask, 0, values + BASE_UTC_EPOCH)
    return pa.array(epoch, type=pa.int64(), mask=mask).cast(pa.timestamp("s"))


def dates(day_index: np.ndarray) -> pa.Array:
    """Asia/Shanghai day index -> date32, :data:`NULL` -> null."""
    values = np.asarray(day_index, dtype=np.int64)
    mask = values == NULL
    days = np.where(mask, 0, values + EPOCH_DAY_OF_START).astype(np.int32)
    return pa.array(days, type=pa.int32(), mask=mask).cast(pa.date32())


def money(cents: np.ndarray) -> pa.Array:
    """Integer cents -> decimal(18,2) (exact), :data:`NULL` -> null."""
    values = np.asarray(cents, dtype=np.int64)
    mask = values == NULL
    clean = np.where(mask, 0, values)
    words = np.empty((len(clean), 2), dtype="<i8")
    words[:, 0] = clean
    words[:, 1] = np.where(clean < 0, -1, 0)
    return pa.Array.from_buffers(
        pa.decimal128(18, 2), len(clean), [_validity(mask), pa.py_buffer(words.tobytes())],
        null_count=int(mask.sum()),
    )


def cats(codes: np.ndarray, categories: Sequence[str | None]) -> pa.Array:
    """Category codes -> strings; a negative code or a None category is null."""
    codes = np.asarray(codes, dtype=np.int64)
    dictionary = pa.array(list(categories), type=pa.string())
    safe = np.where(codes < 0, 0, codes)
    taken = dictionary.take(pa.array(safe, type=pa.int64()))
    if (codes < 0).any():
        taken = pa.compute.if_else(pa.array(codes < 0), pa.scalar(None, pa.string()), taken)
    return taken


def bools(values: np.ndarray) -> pa.Array:
    """numpy bool -> boolean."""
    return pa.array(np.asarray(values, dtype=bool), type=pa.bool_())


def strings(values: pa.Array | Sequence[str | None]) -> pa.Array:
    """Any string-like array -> string."""
    if isinstance(values, (pa.Array, pa.ChunkedArray)):
        return values.cast(pa.string())
    return pa.array(values, type=pa.string())


class Writer:
    """Writes entities to ``<out>/<entity>.<csv|parquet>`` with one DuckDB connection.

    An entity may be written in several parts (``append=True`` after the
    first): CSV parts are appended without their header, Parquet parts become
    further row groups of the same file, which is finished by :meth:`close`.
    """

    def __init__(self, out_dir: Path, fmt: str) -> None:
        if fmt not in ("csv", "parquet"):
            raise ValueError(f"--format must be csv or parquet, not {fmt!r}")
        self.out_dir = out_dir
        self.fmt = fmt
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.con = duckdb.connect(":memory:")
        self.con.execute("set preserve_insertion_order = true")
        self.con.execute("set TimeZone = 'UTC'")
        self.parquet: dict[str, pq.ParquetWriter] = {}

    def close(self) -> None:
        for writer in self.parquet.values():
            writer.close()
        self.parquet.clear()
        self.con.close()

    def write_entity(self, entity: str, contract_columns: tuple[Column, ...],
                     columns: dict[str, pa.Array], append: bool = False) -> Path:
        """Write one entity (or, with ``append``, a further part of it); columns must be exactly the contract's."""
        check_columns(entity, contract_columns, list(columns))
        arrays = [columns[column.name] for column in contract_columns]
        lengths = {len(array) for array in arrays}
        if len(lengths) != 1:
            raise ValueError(f"{entity}: columns of different lengths {sorted(lengths)}")
        table = pa.Table.from_arrays(arrays, names=[column.name for column in contract_columns])
        select = ", ".join(
            f'cast("{column.name}" as {SQL_TYPES[column.data_type]}) as "{column.name}"'
            for column in contract_columns
        )
        path = self.out_dir / f"{entity}.{self.fmt}"
        if self.fmt == "parquet":
            arrow_types = {"bigint": pa.int64(), "integer": pa.int32(), "varchar": pa.string(),
                           "timestamp": pa.timestamp("us"), "date": pa.date32(), "boolean": pa.bool_(),
                           "decimal(18,2)": pa.decimal128(18, 2)}
            schema = pa.schema([(column.name, arrow_types[column.data_type]) for column in contract_columns])
            if not append:
                if entity in self.parquet:
                    self.parquet.pop(entity).close()
                self.parquet[entity] = pq.ParquetWriter(path, schema, compression="snappy")
            self.parquet[entity].write_table(table.cast(schema), row_group_size=1_000_000)
            return path
        target = path.with_name(f"{entity}.part.{self.fmt}") if append else path
        self.con.register("entity_rows", table)
        try:
            options = (
                "format csv, header true, delimiter ',', "
                "timestampformat '%Y-%m-%d %H:%M:%S', dateformat '%Y-%m-%d'"
            )
            self.con.execute(f"copy (select {select} from entity_rows) to '{target}' ({options})")
        finally:
            self.con.unregister("entity_rows")
        if append:
            with open(target, "rb") as part, open(path, "ab") as whole:
                part.readline()  # the part's header
                while chunk := part.read(1 << 24):
                    whole.write(chunk)
            target.unlink()
        return path
