"""ecomops.lint: sqlfluff with a Jinja compile cache gives sqlfluff's own results.

``make lint`` runs ``python -m ecomops.lint``, which memoises
``jinja2.Environment.compile`` so the macro files are compiled once per
process instead of twice per linted file. These tests lint real models and
deliberately bad SQL with and without the cache and require the same
templated SQL and the same violations, rule, line and position.
"""

from __future__ import annotations

import pathlib
import subprocess
import sys

import pytest

from ecomops.lint import CompileCache

REPO = pathlib.Path(__file__).resolve().parents[2]

# Models that call macros from several macro files, and one dbt test.
REAL_FILES = [
    "models/staging/shop/base/base_shop__orders.sql",
    "models/marts/member/fct_ltv_curves.sql",
    "models/marts/retention/fct_cohort_retention.sql",
]
# Bad on purpose: an upper-case keyword and a missing space after a comma,
# around macro calls resolved from macros/.
BAD_SQL = (
    "SELECT order_id,paid_amount,\n"
    "    {{ money_divide('paid_amount', 'item_count') }} as amount_per_item\n"
    "from {{ ref('stg_shop__orders') }}\n"
    "where {{ to_shanghai_date('paid_at') }} >= '2025-01-01'\n"
)


def _lint(sql: str, fname: str) -> tuple[str, list[tuple[str, int, int, str]]]:
    from sqlfluff.core import FluffConfig, Linter

    linter = Linter(config=FluffConfig.from_path(str(REPO)))
    linted = linter.lint_string(sql, fname=str(REPO / fname))
    templated = linted.templated_file.templated_str if linted.templated_file else ""
    violations = sorted((v.rule_code(), v.line_no, v.line_pos, v.desc()) for v in linted.violations)
    return templated, violations


def _lint_all(cases: list[tuple[str, str]]) -> list[tuple[str, list[tuple[str, int, int, str]]]]:
    return [_lint(sql, fname) for sql, fname in cases]


def test_the_cache_changes_no_templated_sql_and_no_violation() -> None:
    cases = [((REPO / name).read_text(encoding="utf-8"), name) for name in REAL_FILES]
    cases.append((BAD_SQL, "models/marts/core/zz_bad_example.sql"))
    plain = _lint_all(cases)
    with CompileCache() as cache:
        cached = _lint_all(cases)
    assert cache.hits > 0, "the compile cache was never used"
    for (sql, name), without, with_cache in zip(cases, plain, cached):
        assert with_cache == without, f"{name}: lint results differ with the compile cache"
    # The bad example is really bad, and the macros were really rendered.
    templated, violations = plain[-1]
    assert {"CP01", "LT01"} <= {rule for rule, *_ in violations}, violations
    assert "{{" not in templated and "order_id" in templated


def test_the_cache_can_be_installed_once_and_is_removed_afterwards() -> None:
    from jinja2 import Environment

    original = Environment.compile
    with CompileCache():
        assert Environment.compile is not original
        with pytest.raises(RuntimeError, match="already installed"):
            CompileCache().install()
    assert Environment.compile is original


def test_the_command_fails_on_a_violation(tmp_path: pathlib.Path) -> None:
    """The exit status is sqlfluff's: 1 when a file has violations, 0 when clean."""
    clean = subprocess.run([sys.executable, "-m", "ecomops.lint", "lint", REAL_FILES[0]],
                           cwd=REPO, capture_output=True, text=True)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    bad = subprocess.run([sys.executable, "-m", "ecomops.lint", "lint", "--dialect", "duckdb", "-"],
                         cwd=REPO, input="SELECT a,b FROM t\n", capture_output=True, text=True)
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "CP01" in bad.stdout
