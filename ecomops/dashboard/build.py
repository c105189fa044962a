"""Build the dashboard folder: check the warehouse, build every page, check definitions, write files."""

from __future__ import annotations

import datetime as dt
import pathlib
import zoneinfo

import plotly.offline

from ecomops.dashboard import definitions as defs
from ecomops.dashboard import pages as page_builders
from ecomops.dashboard import queries
from ecomops.dashboard.render import PLOTLY_ASSET, Page, page_html


class WarehouseNotBuilt(Exception):
    """The warehouse file or one of the marts the dashboard reads is missing."""


def build(warehouse: pathlib.Path, out: pathlib.Path, definitions_dir: pathlib.Path,
          quality_report: pathlib.Path | None) -> list[pathlib.Path]:
    """Write ``out/index.html``, one HTML per page and ``out/assets/plotly.min.js``; return the page paths.

    Raises :class:`WarehouseNotBuilt` or :class:`definitions.MissingDefinitions`; writes nothing then."""
    if not warehouse.is_file():
        raise WarehouseNotBuilt(f"warehouse {warehouse} does not exist")
    definitions = defs.load(definitions_dir)
    con = queries.connect(warehouse)
    try:
        missing = queries.check_relations(con)
        if missing:
            raise WarehouseNotBuilt(f"warehouse {warehouse} lacks {', '.join(missing)}")
        _, data_end_date = queries.data_window(con)
        context = {"quality_report": quality_report}
        pages: list[Page] = [builder(con, context) for builder in page_builders.PAGES]
    finally:
        con.close()
    defs.require(definitions, sorted(set().union(*(page.metrics() for page in pages))), definitions_dir)

    built_at = dt.datetime.now(zoneinfo.ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M Asia/Shanghai")
    out.mkdir(parents=True, exist_ok=True)
    asset = out / PLOTLY_ASSET
    asset.parent.mkdir(parents=True, exist_ok=True)
    asset.write_text(plotly.offline.get_plotlyjs(), encoding="utf-8")
    written = []
    for page in pages:
        path = out / page.filename
        path.write_text(page_html(page, pages, definitions, data_end_date, built_at), encoding="utf-8")
        written.append(path)
    return written

