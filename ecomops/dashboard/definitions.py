"""Metric definitions, loaded from ONE place: the MetricFlow metric YAML.

Every KPI tile and chart names a metric; its label and description are read
from the ``metrics:`` lists of ``models/semantic/**/*.yml``. A referenced
metric that is not defined there fails the build (so the dashboard's
definitions cannot drift from the semantic layer).
"""

from __future__ import annotations

import dataclasses
import pathlib
from typing import Iterable

import yaml

REPO = pathlib.Path(__file__).resolve().parents[2]
DEFAULT_DIR = REPO / "models" / "semantic"


@dataclasses.dataclass(frozen=True)
class Definition:
    """A metric's label (English — Chinese) and description."""

    name: str
    label: str
    description: str


class MissingDefinitions(Exception):
    """Metrics referenced by the dashboard but not defined in the YAML."""

    def __init__(self, missing: list[str], folder: pathlib.Path) -> None:
        self.missing = missing
        self.folder = folder
        super().__init__(
            f"metric(s) referenced by the dashboard but not defined under {folder}: "
            + ", ".join(missing)
        )


def load(folder: pathlib.Path = DEFAULT_DIR) -> dict[str, Definition]:
    """All metrics of ``folder/**/*.yml``: the top-level ``metrics:`` lists, plus the measures of
    ``semantic_models:`` with ``create_metric: true`` (MetricFlow makes a simple metric of the same
    name from each). Files with neither are skipped."""
    found: dict[str, Definition] = {}
    implicit: dict[str, Definition] = {}
    for path in sorted(folder.glob("**/*.yml")) + sorted(folder.glob("**/*.yaml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not isinstance(document, dict):
            continue
        for metric in document.get("metrics") or []:
            if isinstance(metric, dict) and metric.get("name"):
                found[str(metric["name"])] = _definition(metric)
        for model in document.get("semantic_models") or []:
            for measure in (model.get("measures") or []) if isinstance(model, dict) else []:
                if isinstance(measure, dict) and measure.get("name") and measure.get("create_metric"):
                    implicit[str(measure["name"])] = _definition(measure)
    return implicit | found


def _definition(entry: dict) -> Definition:
    name = str(entry["name"])
    return Definition(name=name, label=str(entry.get("label") or name),
                      description=" ".join(str(entry.get("description") or "").split()))


def require(definitions: dict[str, Definition], names: Iterable[str], folder: pathlib.Path) -> None:
    """Raise :class:`MissingDefinitions` unless every name in ``names`` is defined."""
    missing = sorted(set(names) - set(definitions))
    if missing:
        raise MissingDefinitions(missing, folder)
