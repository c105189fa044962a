"""Which marts an export leaves empty, from the dbt manifest.

The lineage itself (which mart reads which raw entity) is
``ecomops.export.lineage``; this module finds a manifest for it:

1. ``--manifest PATH`` when given;
2. ``$DBT_TARGET_PATH/manifest.json`` (else ``target/manifest.json``) when
   it is newer than every model, macro and ``dbt_project.yml``;
3. otherwise ``dbt parse`` into a cache folder under the system's temp
   directory (about 10 s, once per change of the project), never into the
   project's own target/.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from ecomops.export.contract import PROJECT_DIR

_WATCHED = ("models", "macros", "seeds", "tests/dbt")


@dataclass
class MartsReport:
    """The marts that will be empty and the entities each lacks."""

    empty: list[str] = field(default_factory=list)
    lacking: dict[str, list[str]] = field(default_factory=dict)
    manifest: str | None = None
    error: str | None = None


def _newest_source_mtime(project_dir: Path) -> float:
    newest = (project_dir / "dbt_project.yml").stat().st_mtime
    for folder in _WATCHED:
        for root, _dirs, files in os.walk(project_dir / folder):
            for name in files:
                if name.endswith((".sql", ".yml", ".yaml", ".py", ".csv")):
                    newest = max(newest, os.stat(os.path.join(root, name)).st_mtime)
    return newest


def _load(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _fresh(path: Path, newest: float) -> bool:
    return path.is_file() and path.stat().st_mtime >= newest


def _dbt_executable() -> str | None:
    candidate = Path(sys.executable).with_name("dbt")
    if candidate.exists():
        return str(candidate)
    return shutil.which("dbt")


def _parse(project_dir: Path, progress: Callable[[str], None]) -> tuple[dict[str, Any] | None, str]:
    key = hashlib.sha1(str(project_dir).encode()).hexdigest()[:12]
    cache = Path(tempfile.gettempdir()) / f"ecomops-check-export-{key}"
    manifest_path = cache / "manifest.json"
    if _fresh(manifest_path, _newest_source_mtime(project_dir)):
        loaded = _load(manifest_path)
        if loaded is not None:
            return loaded, str(manifest_path)
    dbt = _dbt_executable()
    if dbt is None:
        return None, "dbt is not installed here: run `make venv`, or pass --manifest target/manifest.json"
    progress("check-export: no current manifest; running `dbt parse` to find the marts (about 10 s)")
    cache.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.update(
        DBT_TARGET_PATH=str(cache),
        DBT_LOG_PATH=str(cache / "logs"),
        DBT_PROFILES_DIR=env.get("DBT_PROFILES_DIR", str(project_dir / "profiles")),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
    )
    result = subprocess.run(
        [dbt, "parse", "--quiet", "--project-dir", str(project_dir)],
        cwd=project_dir, env=env, capture_output=True, text=True,
    )
    loaded = _load(manifest_path) if result.returncode == 0 else None
    if loaded is None:
        return None, (
            f"`dbt parse` failed (exit {result.returncode}), so the empty marts are unknown: "
            "run `dbt parse` yourself and pass --manifest target/manifest.json"
        )
    return loaded, str(manifest_path)


def find_manifest(explicit: Path | None, progress: Callable[[str], None],
                  project_dir: Path = PROJECT_DIR) -> tuple[dict[str, Any] | None, str]:
    """(manifest, where it came from) or (None, why there is none)."""
    if explicit is not None:
        loaded = _load(explicit)
        if loaded is None:
            return None, f"cannot read the manifest {explicit}"
        return loaded, str(explicit)
    target = Path(os.environ.get("DBT_TARGET_PATH") or "target")
    if not target.is_absolute():
        target = project_dir / target
    candidate = target / "manifest.json"
    if _fresh(candidate, _newest_source_mtime(project_dir)):
        loaded = _load(candidate)
        if loaded is not None:
            return loaded, str(candidate)
    return _parse(project_dir, progress)


def empty_marts(present: set[str], explicit_manifest: Path | None,
                progress: Callable[[str], None]) -> MartsReport:
    """The marts that build empty when only ``present`` entities have rows."""
    try:
        from ecomops.export import lineage
    except ImportError as exc:
        return MartsReport(error=f"cannot tell which marts will be empty ({exc})")
    manifest, where = find_manifest(explicit_manifest, progress)
    if manifest is None:
        return MartsReport(error=where)
    # What a mart cannot do without (declared), else everything it reads.
    needed = getattr(lineage, "mart_needed_entities", lineage.mart_entities)
    needs = needed(manifest)
    empty = list(lineage.marts_empty_without(set(present), manifest))
    lacking = {mart: sorted(set(needs.get(mart, set())) - set(present)) for mart in empty}
    return MartsReport(empty=empty, lacking=lacking, manifest=where)
