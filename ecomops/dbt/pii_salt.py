"""dbt-duckdb plugin: hands the PII salt to DuckDB at run time.

The salt of the personal-data hashes (``hash_pii``) must never be written
anywhere: not into compiled SQL, ``manifest.json``, ``run_results.json``,
logs or the docs site. So the SQL never contains it. Instead this plugin,
named in ``profiles/profiles.yml``, sets two DuckDB session variables on
every cursor dbt opens, with a bound parameter that dbt does not log:

- ``ecomops_pii_salt``: the value of the environment variable
  ``ECOMOPS_PII_SALT``, or the public development salt when it is unset;
- ``ecomops_pii_salt_is_default``: true when the development salt is used.

``hash_pii`` reads ``getvariable('ecomops_pii_salt')``; the run-start check
(``check_run_settings``) refuses a build on an export other than the
committed sample while ``ecomops_pii_salt_is_default`` is true.
"""

from __future__ import annotations

import os
from typing import Any

from dbt.adapters.duckdb.plugins import BasePlugin

SALT_ENV = "ECOMOPS_PII_SALT"
# Public and documented: good enough for the committed sample, never for real data.
DEVELOPMENT_SALT = "ecomops-dev-salt-not-for-production"


def current_salt() -> tuple[str, bool]:
    """(salt, is_default): the salt from the environment, or the development salt."""
    given = os.environ.get(SALT_ENV, "")
    if given and given != DEVELOPMENT_SALT:
        return given, False
    return DEVELOPMENT_SALT, True


class Plugin(BasePlugin):
    """Sets the salt session variables on each DuckDB cursor."""

    def configure_cursor(self, cursor: Any) -> Any:
        salt, is_default = current_salt()
        cursor.execute("set variable ecomops_pii_salt = ?", [salt])
        cursor.execute("set variable ecomops_pii_salt_is_default = ?", [is_default])
        return cursor
