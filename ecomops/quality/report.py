"""The offline summary of a validation run: ``reports/quality/index.html`` and
``reports/quality/validation.json``.

Great Expectations' Data Docs load their styles and scripts from public CDNs,
so offline they render unstyled. This page has its styles inline and no
scripts: one table of suites, then every expectation of every suite with its
rule and what the data showed, failures first.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import pathlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ecomops.quality.validate import SuiteOutcome

_STYLE = """
body { font-family: -apple-system, "Segoe UI", "PingFang SC", "Noto Sans CJK SC", sans-serif;
       margin: 2rem; color: #1f2328; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 2rem; }
table { border-collapse: collapse; margin: .5rem 0 1rem; font-size: .9rem; }
th, td { border: 1px solid #d0d7de; padding: .25rem .6rem; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.pass { color: #1a7f37; font-weight: 600; } .fail { color: #cf222e; font-weight: 600; }
tr.failrow { background: #ffebe9; }
code { font-size: .85rem; } .meta { color: #59636e; font-size: .85rem; }
"""


def write(folder: pathlib.Path, outcomes: list[SuiteOutcome], params: dict[str, Any],
          warehouse: pathlib.Path, docs_index: pathlib.Path, profile: str = "any") -> pathlib.Path:
    """Write the HTML and JSON summary of a run under ``profile`` (any:
    invariants only; sample: with the calibration checks); returns the HTML
    path."""
    from ecomops.quality.validate import outcomes_as_dicts

    folder.mkdir(parents=True, exist_ok=True)
    generated = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
    success = all(outcome.success for outcome in outcomes)
    (folder / "validation.json").write_text(
        json.dumps({"generated_at": generated, "warehouse": str(warehouse), "profile": profile,
                    "success": success, "parameters": params, "suites": outcomes_as_dicts(outcomes)},
                   indent=2, ensure_ascii=False, default=str),
        encoding="utf-8",
    )
    docs_link = os.path.relpath(docs_index, folder)
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<title>ecomops data quality</title>",
        f"<style>{_STYLE}</style></head><body>",
        "<h1>ecomops data quality: Great Expectations checkpoint</h1>",
        f"<p class='meta'>Warehouse <code>{_e(warehouse)}</code>, run {_e(generated)}, profile "
        f"<code>{_e(profile)}</code> ({_e(_PROFILE_TEXT.get(profile, profile))}). Overall: "
        f"{_badge(success)}. Full Great Expectations Data Docs: "
        f"<a href='{_e(docs_link)}'>{_e(docs_link)}</a> (their styles load from the internet).</p>",
        "<table><tr><th>suite</th><th>kind</th><th>table</th><th>rows</th><th>checks passed</th>"
        "<th>result</th></tr>",
    ]
    for outcome in outcomes:
        rows = "-" if outcome.rows is None else f"{outcome.rows:,}" + (" (empty)" if outcome.empty else "")
        parts.append(
            f"<tr class='{'' if outcome.success else 'failrow'}'><td><a href='#{_e(outcome.suite)}'>"
            f"{_e(outcome.suite)}</a></td><td>{_e(outcome.kind)}</td><td><code>{_e(outcome.relation)}</code></td>"
            f"<td class='num'>{rows}</td><td class='num'>{outcome.passed_count}/{len(outcome.expectations)}</td>"
            f"<td>{_badge(outcome.success)}</td></tr>"
        )
    parts.append("</table>")
    parts.append("<h2>Run-time parameters</h2><table><tr><th>parameter</th><th>value</th></tr>")
    for name, value in sorted(params.items()):
        parts.append(f"<tr><td><code>{_e(name)}</code></td><td class='num'>{_e(value)}</td></tr>")
    parts.append("</table>")
    for outcome in outcomes:
        parts.append(f"<h2 id='{_e(outcome.suite)}'>{_e(outcome.suite)} {_badge(outcome.success)}</h2>")
        if outcome.error:
            parts.append(f"<p class='fail'>{_e(outcome.error)}</p>")
        parts.append("<table><tr><th>result</th><th>expectation</th><th>column</th><th>rule</th>"
                     "<th>observed</th></tr>")
        for item in sorted(outcome.expectations, key=lambda expectation: expectation.success):
            parts.append(
                f"<tr class='{'' if item.success else 'failrow'}'><td>{_badge(item.success)}</td>"
                f"<td><code>{_e(item.expectation_type)}</code></td><td>{_e(item.column)}</td>"
                f"<td>{_e(item.description)}</td><td>{_e(item.observed)}</td></tr>"
            )
        parts.append("</table>")
    parts.append("</body></html>")
    target = folder / "index.html"
    target.write_text("\n".join(parts), encoding="utf-8")
    return target


_PROFILE_TEXT = {
    "any": "invariants only, true of any correct warehouse; the calibration checks did not run",
    "sample": "invariants and the calibration checks tuned to the committed sample",
}


def _badge(success: bool) -> str:
    return "<span class='pass'>pass</span>" if success else "<span class='fail'>FAIL</span>"


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)
