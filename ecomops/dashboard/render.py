"""HTML: the page shell, nav bar, KPI tiles, figure blocks and tables."""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import math
from typing import Any, Callable, Sequence, Union

import plotly.graph_objects as go

from ecomops.dashboard.definitions import Definition

PLOTLY_ASSET = "assets/plotly.min.js"


# --- number formats -----------------------------------------------------------------------

def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def pct(value: float | None) -> str:
    return "–" if _missing(value) else f"{100 * value:.2f}%"


def pp(value: float | None) -> str:
    return "–" if _missing(value) else f"{100 * value:+.2f} pp"


def cny(value: float | None) -> str:
    return "–" if _missing(value) else f"¥{value:,.2f}"


def ratio(value: float | None) -> str:
    return "–" if _missing(value) else f"{value:.2f}x"


def count(value: float | None) -> str:
    return "–" if _missing(value) else f"{int(value):,}"


# --- page model ---------------------------------------------------------------------------

@dataclasses.dataclass
class Kpi:
    metric: str
    value: float | None
    fmt: Callable[[float | None], str]
    note: str = ""


@dataclasses.dataclass
class Chart:
    metric: str
    figure: go.Figure


@dataclasses.dataclass
class Table:
    metric: str
    title: str
    columns: Sequence[str]
    rows: Sequence[Sequence[Any]]


@dataclasses.dataclass
class Note:
    """Free HTML (already escaped) with a heading; for content that is not a metric."""

    title: str
    body: str


Block = Union[Chart, Table, Note]


@dataclasses.dataclass
class Page:
    slug: str
    title: str
    intro: str
    kpis: list[Kpi]
    blocks: list[Block]

    @property
    def filename(self) -> str:
        return f"{self.slug}.html"

    def metrics(self) -> set[str]:
        return {k.metric for k in self.kpis} | {b.metric for b in self.blocks if not isinstance(b, Note)}

    @property
    def chart_count(self) -> int:
        return sum(isinstance(block, Chart) for block in self.blocks)


# --- HTML ---------------------------------------------------------------------------------

_STYLE = """
* { box-sizing: border-box; }
body { font-family: -apple-system, "Segoe UI", "PingFang SC", "Noto Sans CJK SC", "WenQuanYi Zen Hei", sans-serif;
       margin: 0; color: #1f2328; background: #f6f8fa; }
nav { background: #24292f; padding: .5rem 1.5rem; display: flex; flex-wrap: wrap; gap: .25rem 1rem; }
nav a { color: #d0d7de; text-decoration: none; font-size: .9rem; padding: .2rem 0; }
nav a.active { color: #fff; font-weight: 600; border-bottom: 2px solid #fd8c73; }
header { padding: 1rem 1.5rem .25rem; }
h1 { font-size: 1.4rem; margin: 0 0 .25rem; } h2 { font-size: 1.05rem; margin: 0 0 .5rem; }
.as-of { color: #59636e; font-size: .9rem; } .intro { color: #59636e; font-size: .9rem; max-width: 70rem; }
main { padding: 0 1.5rem 2rem; }
.kpis { display: flex; flex-wrap: wrap; gap: .75rem; margin: .75rem 0 1rem; }
.kpi { background: #fff; border: 1px solid #d0d7de; border-radius: 6px; padding: .6rem .9rem;
       flex: 0 1 17rem; min-width: 12rem; }
.table-wrap { overflow-x: auto; max-width: 100%; }
.kpi-label { font-size: .8rem; color: #59636e; } .kpi-value { display: block; font-size: 1.5rem; font-weight: 600; }
.kpi-note { font-size: .75rem; color: #59636e; }
.block { background: #fff; border: 1px solid #d0d7de; border-radius: 6px; padding: .75rem; margin-bottom: 1rem; }
.definition { font-size: .8rem; color: #59636e; margin: .25rem 0 0; }
table { border-collapse: collapse; font-size: .85rem; margin: .25rem 0; }
th, td { border: 1px solid #d0d7de; padding: .2rem .5rem; text-align: left; }
th { background: #f6f8fa; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.pass { color: #1a7f37; font-weight: 600; } .fail { color: #cf222e; font-weight: 600; }
"""


def e(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def definition_line(definition: Definition) -> str:
    return (f"<p class='definition' data-definition='{e(definition.name)}'><b>{e(definition.label)}</b> "
            f"(<code>{e(definition.name)}</code>): {e(definition.description)}</p>")


def kpi_tile(kpi: Kpi, definition: Definition) -> str:
    value = "" if _missing(kpi.value) else repr(float(kpi.value))
    note = f"<span class='kpi-note'>{e(kpi.note)}</span>" if kpi.note else ""
    return (f"<div class='kpi' title='{e(definition.description)}'>"
            f"<span class='kpi-label'>{e(definition.label)}</span>"
            f"<span class='kpi-value' data-metric='{e(kpi.metric)}' data-value='{value}'>{e(kpi.fmt(kpi.value))}</span>"
            f"{note}</div>")


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return f"<td>{'yes' if value else 'no'}</td>"
    if isinstance(value, int):
        return f"<td class='num'>{value:,}</td>"
    if isinstance(value, float):
        text = "–" if math.isnan(value) else f"{value:,.2f}" if abs(value) >= 10 else f"{value:.4f}"
        return f"<td class='num'>{text}</td>"
    return f"<td>{e(value)}</td>"


def table_html(columns: Sequence[str], rows: Sequence[Sequence[Any]], css: str = "") -> str:
    head = "".join(f"<th>{e(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(_cell(v) for v in row) + "</tr>" for row in rows)
    return (f"<div class='table-wrap'><table class='{css}'><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table></div>")


def block_html(block: Block, index: int, definitions: dict[str, Definition]) -> str:
    if isinstance(block, Chart):
        figure = block.figure.to_html(full_html=False, include_plotlyjs=False, div_id=f"chart-{index}",
                                      config={"displaylogo": False, "responsive": True})
        return (f"<section class='block chart' data-metric='{e(block.metric)}'>{figure}"
                f"{definition_line(definitions[block.metric])}</section>")
    if isinstance(block, Table):
        return (f"<section class='block table' data-metric='{e(block.metric)}'><h2>{e(block.title)}</h2>"
                f"{table_html(block.columns, block.rows)}{definition_line(definitions[block.metric])}</section>")
    return f"<section class='block note'><h2>{e(block.title)}</h2>{block.body}</section>"


def nav(pages: Sequence[Page], current: Page) -> str:
    active = " class='active'"
    links = "".join(
        f"<a href='{e(p.filename)}'{active if p.slug == current.slug else ''}>{e(p.title)}</a>" for p in pages
    )
    return f"<nav>{links}</nav>"


def page_html(page: Page, pages: Sequence[Page], definitions: dict[str, Definition],
              data_end_date: dt.date, built_at: str) -> str:
    tiles = "".join(kpi_tile(kpi, definitions[kpi.metric]) for kpi in page.kpis)
    chart_index = iter(range(1, 1000))
    blocks = "".join(
        block_html(block, next(chart_index) if isinstance(block, Chart) else 0, definitions)
        for block in page.blocks
    )
    script = f"<script src='{PLOTLY_ASSET}' charset='utf-8'></script>" if page.chart_count else ""
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'><link rel='icon' href='data:,'>"
        f"<title>{e(page.title)} · ecomops operations dashboard</title><style>{_STYLE}</style>{script}</head>"
        f"<body data-page='{e(page.slug)}'>{nav(pages, page)}"
        f"<header><h1>{e(page.title)}</h1>"
        f"<p class='as-of'><span class='data-as-of' data-date='{data_end_date.isoformat()}'>"
        f"Data as of {data_end_date.isoformat()}</span> (Asia/Shanghai business day; 数据截至) · built {e(built_at)}</p>"
        f"<p class='intro'>{page.intro}</p></header>"
        f"<main data-chart-count='{page.chart_count}'><div class='kpis'>{tiles}</div>{blocks}</main>"
        "</body></html>"
    )
