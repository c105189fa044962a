"""A small column store for one raw entity on its way to the writer.

Columns are numpy arrays (ints, local-second times, day indices, cents,
booleans), :class:`Cat` (category codes + names) or Arrow string arrays. Rows
can be taken, appended and sorted as a whole; conversion to typed Arrow
arrays happens at the end, following the contract's data types.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pyarrow as pa

from . import writer
from .contract import Column
from .timeutil import NULL


@dataclass
class Cat:
    """A string column as integer codes into ``categories`` (-1 = null)."""

    codes: np.ndarray
    categories: tuple[str | None, ...]

    def take(self, index: np.ndarray) -> "Cat":
        return Cat(self.codes[index], self.categories)

    def with_category(self, name: str) -> tuple["Cat", int]:
        """This column with ``name`` added to its categories, and that code."""
        if name in self.categories:
            return self, self.categories.index(name)
        return Cat(self.codes, self.categories + (name,)), len(self.categories)


ColumnValues = np.ndarray | Cat | pa.Array


class Frame:
    """Rows of one entity, column-wise."""

    def __init__(self, columns: dict[str, ColumnValues]) -> None:
        self.columns = dict(columns)
        lengths = {len(values.codes) if isinstance(values, Cat) else len(values) for values in columns.values()}
        if len(lengths) > 1:
            raise ValueError(f"columns of different lengths: {lengths}")
        self.n = lengths.pop() if lengths else 0

    def __getitem__(self, name: str) -> ColumnValues:
        return self.columns[name]

    def __setitem__(self, name: str, values: ColumnValues) -> None:
        self.columns[name] = values

    def take(self, index: np.ndarray) -> "Frame":
        index = np.asarray(index, dtype=np.int64)
        out = {}
        for name, values in self.columns.items():
            if isinstance(values, Cat):
                out[name] = values.take(index)
            elif isinstance(values, pa.Array):
                out[name] = values.take(pa.array(index))
            else:
                out[name] = values[index]
        return Frame(out)

    def append(self, other: "Frame") -> "Frame":
        out = {}
        for name, values in self.columns.items():
            more = other.columns[name]
            if isinstance(values, Cat):
                if values.categories != more.categories:
                    raise ValueError(f"column {name}: categories differ")
                out[name] = Cat(np.concatenate([values.codes, more.codes]), values.categories)
            elif isinstance(values, pa.Array):
                out[name] = pa.concat_arrays([values, more])
            else:
                out[name] = np.concatenate([values, more])
        return Frame(out)

    def insert_after(self, source: np.ndarray, extra: "Frame") -> "Frame":
        """Insert ``extra`` rows, each right after row ``source[i]`` of this frame (one pass, no sort)."""
        source = np.asarray(source, dtype=np.int64)
        order = np.argsort(source, kind="stable")
        total = self.n + extra.n
        extra_pos = source[order] + 1 + np.arange(len(order))
        is_extra = np.zeros(total, dtype=bool)
        is_extra[extra_pos] = True
        base_pos = np.nonzero(~is_extra)[0]
        out: dict[str, ColumnValues] = {}
        for name, values in self.columns.items():
            more = extra.columns[name]
            if isinstance(values, pa.Array):
                index = np.empty(total, dtype=np.int64)
                index[base_pos] = np.arange(self.n)
                index[extra_pos] = self.n + order
                out[name] = pa.concat_arrays([values, more]).take(pa.array(index))
                continue
            if isinstance(values, Cat):
                if values.categories != more.categories:
                    raise ValueError(f"column {name}: categories differ")
                base_values, extra_values = values.codes, more.codes
            else:
                base_values, extra_values = values, more
            merged = np.empty(total, dtype=np.result_type(base_values, extra_values))
            merged[base_pos] = base_values
            merged[extra_pos] = extra_values[order]
            out[name] = Cat(merged, values.categories) if isinstance(values, Cat) else merged
        return Frame(out)

    def sort(self, keys: Sequence[str]) -> "Frame":
        """Sort by the given int columns (first = primary), nulls last, stable."""
        arrays = []
        for name in reversed(keys):
            values = self.columns[name]
            values = values.codes if isinstance(values, Cat) else values
            arrays.append(np.where(values == NULL, np.iinfo(np.int64).max, values))
        order = np.lexsort(arrays) if arrays else np.arange(self.n)
        return self.take(order)

    def to_arrow(self, contract_columns: tuple[Column, ...]) -> dict[str, pa.Array]:
        """Typed Arrow arrays for the contract's columns (extra helper columns are dropped)."""
        out: dict[str, pa.Array] = {}
        for column in contract_columns:
            if column.name not in self.columns:
                continue
            values = self.columns[column.name]
            kind = column.data_type
            if isinstance(values, Cat):
                out[column.name] = writer.cats(values.codes, values.categories)
            elif isinstance(values, pa.Array):
                out[column.name] = writer.strings(values)
            elif kind in ("bigint", "integer"):
                out[column.name] = writer.ints(values)
            elif kind == "timestamp":
                out[column.name] = writer.times(values)
            elif kind == "date":
                out[column.name] = writer.dates(values)
            elif kind == "decimal(18,2)":
                out[column.name] = writer.money(values)
            elif kind == "boolean":
                out[column.name] = writer.bools(values)
            else:
                raise TypeError(f"column {column.name}: cannot write {kind} from {type(values)}")
        # Keep the generator's own columns so check_columns can report extras.
        for name in self.columns:
            if name not in out and not name.startswith("_"):
                out[name] = pa.nulls(self.n)
        return out
