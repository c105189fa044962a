"""dbt-duckdb plugin: bounds the memory and threads of every build.

DuckDB takes up to 80% of the machine's memory by default and a build uses
what it is given (a 1M-order build peaked at 11.4 GB uncapped). This plugin,
named in ``profiles/profiles.yml``, passes these settings to ``duckdb.connect``
when dbt opens the database, so they hold from the first query on:

- ``memory_limit``: ``ECOMOPS_DUCKDB_MEMORY_LIMIT`` (a DuckDB size such as
  ``6GB``), default ``auto`` = 40% of physical memory, at most 8 GB. Past it
  DuckDB spills to disk instead of growing;
- ``threads``: ``ECOMOPS_DUCKDB_THREADS``, default ``auto`` = every core;
- ``preserve_insertion_order``: ``ECOMOPS_DUCKDB_PRESERVE_INSERTION_ORDER``,
  default ``false``. No model relies on the order rows were inserted in
  (every ordering is an explicit ``order by``), and keeping it costs memory;
- ``storage_compatibility_version``: ``ECOMOPS_DUCKDB_STORAGE_VERSION``,
  default ``v1.4.0``: the file format a new warehouse is written in. DuckDB
  2.0's own format (storage version 69) is refused by the clients BI tools
  ship with (the DuckDB CLI and Node client 1.5.6 read 64-68); ``v1.4.0``
  is read by every DuckDB from 1.4 on. ``latest`` writes 2.0's format;
- ``temp_directory``: ``ECOMOPS_DUCKDB_TEMP_DIRECTORY``, where spill goes;
  empty (default) keeps DuckDB's own, ``<database file>.tmp`` next to the
  warehouse. Given at connect time, it is set once per database and never
  switched afterwards (setting it in the profile's ``settings:`` re-applies
  it on each cursor, which DuckDB refuses once the directory is in use).
"""

from __future__ import annotations

import os
import re
from typing import Any, Mapping

from dbt.adapters.duckdb.plugins import BasePlugin

GIB = 1024 ** 3
AUTO_SHARE = 0.40
AUTO_CAP_BYTES = 8 * GIB
DEFAULT_STORAGE_VERSION = "v1.4.0"
STORAGE_VERSION = re.compile(r"^(v\d+\.\d+\.\d+|latest)$")
SIZE = re.compile(r"^\s*\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)\s*$", re.I)


def physical_memory_bytes() -> int:
    """The machine's RAM (Linux and macOS), or 0 when unknown."""
    try:
        return int(os.sysconf("SC_PAGE_SIZE")) * int(os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):
        return 0


def auto_memory_limit(total_bytes: int) -> str:
    """40% of the machine's memory, at most 8 GB, in whole MiB."""
    if total_bytes <= 0:
        return "4GB"
    limit = min(int(total_bytes * AUTO_SHARE), AUTO_CAP_BYTES)
    return f"{limit // (1024 ** 2)}MiB"


def connect_settings(config: Mapping[str, Any], total_bytes: int | None = None,
                     cores: int | None = None) -> dict[str, Any]:
    """The duckdb.connect settings for a plugin config (values from the profile).

    Raises ValueError with what to set when a value is not valid."""
    memory = str(config.get("memory_limit") or "auto").strip()
    if memory.lower() == "auto":
        memory = auto_memory_limit(physical_memory_bytes() if total_bytes is None else total_bytes)
    elif not SIZE.match(memory):
        raise ValueError(f"ECOMOPS_DUCKDB_MEMORY_LIMIT={memory!r} is not a size: use e.g. 6GB, 800MB or auto")
    threads_text = str(config.get("threads") or "auto").strip()
    if threads_text.lower() == "auto":
        threads = cores if cores is not None else (os.cpu_count() or 1)
    elif threads_text.isdigit() and int(threads_text) > 0:
        threads = int(threads_text)
    else:
        raise ValueError(f"ECOMOPS_DUCKDB_THREADS={threads_text!r} is not a positive whole number or auto")
    order_text = str(config.get("preserve_insertion_order") or "false").strip().lower()
    if order_text not in ("true", "false"):
        raise ValueError(f"ECOMOPS_DUCKDB_PRESERVE_INSERTION_ORDER={order_text!r}: use true or false")
    storage = str(config.get("storage_version") or DEFAULT_STORAGE_VERSION).strip()
    if not STORAGE_VERSION.match(storage):
        raise ValueError(f"ECOMOPS_DUCKDB_STORAGE_VERSION={storage!r}: use a DuckDB version such as v1.4.0, or latest")
    settings: dict[str, Any] = {
        "memory_limit": memory,
        "threads": threads,
        "preserve_insertion_order": order_text == "true",
        "storage_compatibility_version": storage,
    }
    temp = str(config.get("temp_directory") or "").strip()
    if temp:
        settings["temp_directory"] = temp
    return settings


class Plugin(BasePlugin):
    """Adds the resource settings to the config dbt-duckdb opens DuckDB with."""

    def initialize(self, plugin_config: dict[str, Any]) -> None:
        self.settings = connect_settings(plugin_config or {})

    def update_connection_config(self, creds: Any, config: dict[str, Any]) -> None:
        config.update(self.settings)
