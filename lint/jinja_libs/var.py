"""Stand-in for dbt's ``var()``, used only by sqlfluff.

sqlfluff's built-in stand-in returns the string 'item' for every variable,
which breaks models that loop over list or dict variables. This module is
callable like ``var(name, default)`` and returns the project's real default
from dbt_project.yml.
"""

import pathlib
import sys
import types

import yaml

_PROJECT = pathlib.Path(__file__).resolve().parents[2] / "dbt_project.yml"
_VARS = (yaml.safe_load(_PROJECT.read_text(encoding="utf-8")) or {}).get("vars", {}) or {}
_MISSING = object()


class _CallableModule(types.ModuleType):
    def __call__(self, name, default=_MISSING):
        if name in _VARS:
            return _VARS[name]
        return "item" if default is _MISSING else default


sys.modules[__name__].__class__ = _CallableModule
