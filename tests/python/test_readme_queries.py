"""Every SQL query the README shows runs on the sample warehouse and returns rows.

The README is the front door: a reader copies its queries into a DuckDB
client. Each ```sql block is split into its statements; each must run on the
warehouse ``make build`` published (read-only) and return at least one row.
"""

from __future__ import annotations

import re

import pytest

from conftest import REPO

README = REPO / "README.md"


def readme_statements() -> list[tuple[str, str]]:
    """(heading the block sits under, statement) for every statement of every sql block."""
    text = README.read_text(encoding="utf-8")
    out: list[tuple[str, str]] = []
    heading = ""
    for part in re.split(r"(```sql\n.*?```)", text, flags=re.S):
        if part.startswith("```sql"):
            body = part[len("```sql\n"):-3]
            # Comments may hold semicolons: drop comment lines, then split the statements.
            code = "\n".join(line for line in body.splitlines() if not line.strip().startswith("--"))
            out.extend((heading, statement.strip()) for statement in code.split(";") if statement.strip())
        else:
            headings = re.findall(r"^#+ (.+)$", part, flags=re.M)
            heading = headings[-1] if headings else heading
    return out


STATEMENTS = readme_statements()


def test_the_readme_has_queries() -> None:
    headings = {heading for heading, _ in STATEMENTS}
    assert len(STATEMENTS) >= 7, STATEMENTS
    assert any("S-level" in heading for heading in headings), headings
    assert any("CRM" in heading for heading in headings), headings


@pytest.mark.parametrize("index", range(len(STATEMENTS)),
                         ids=[f"{i}-{h[:40]}" for i, (h, _) in enumerate(STATEMENTS)])
def test_readme_query_runs_and_returns_rows(connect, index: int) -> None:
    heading, statement = STATEMENTS[index]
    rows = connect.execute(statement).fetchall()
    assert rows, f"README query under {heading!r} returned no rows:\n{statement}"
