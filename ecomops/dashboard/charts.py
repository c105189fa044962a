"""Plotly figures, one function per chart. Inputs are the plain rows of :mod:`.queries`."""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Iterable

import plotly.graph_objects as go

Row = dict[str, Any]

FONT = '-apple-system, "Segoe UI", "PingFang SC", "Noto Sans CJK SC", "WenQuanYi Zen Hei", sans-serif'


def _layout(fig: go.Figure, title: str, height: int = 440, **kwargs: Any) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0.01, "xanchor": "left"},
        template="plotly_white", height=height, font={"family": FONT, "size": 12},
        margin={"l": 60, "r": 30, "t": 90, "b": 50},
        legend={"orientation": "h", "x": 0, "xanchor": "left", "y": 1.0, "yanchor": "bottom"},
        **kwargs,
    )
    return fig


def _triangle(cells: Iterable[Row]) -> tuple[list[str], list[int], list[list[float | None]], list[str]]:
    """(cohort labels, period numbers, z matrix, cohort size labels) of a cohort triangle."""
    cells = list(cells)
    cohorts = sorted({row["cohort_start_date"] for row in cells})
    periods = sorted({row["period_number"] for row in cells})
    index = {(row["cohort_start_date"], row["period_number"]): row["retention_rate"] for row in cells}
    sizes = {row["cohort_start_date"]: row["cohort_size"] for row in cells}
    z = [[index.get((cohort, period)) for period in periods] for cohort in cohorts]
    labels = [f"{cohort:%Y-%m-%d} (n={sizes[cohort]:,})" for cohort in cohorts]
    return [str(c) for c in cohorts], periods, z, labels


def cohort_heatmap_by_segment(cells: list[Row], title: str) -> go.Figure:
    """Monthly cohort triangle with a dropdown over segment dimension / value."""
    groups: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for row in cells:
        groups[(row["segment_dimension"], row["segment_value"])].append(row)
    fig = go.Figure()
    keys = list(groups)
    for i, key in enumerate(keys):
        _, periods, z, labels = _triangle(groups[key])
        fig.add_trace(go.Heatmap(
            z=z, x=periods, y=labels, zmin=0, zmax=1, colorscale="Blues", visible=(i == 0),
            colorbar={"title": "rate", "tickformat": ".0%"}, name=f"{key[0]}: {key[1]}",
            hovertemplate="cohort %{y}<br>month %{x}<br>retention %{z:.1%}<extra></extra>",
        ))
    buttons = [
        {"label": "all users" if key == ("all", "all") else f"{key[0]}: {key[1]}", "method": "update",
         "args": [{"visible": [j == i for j in range(len(keys))]}]}
        for i, key in enumerate(keys)
    ]
    fig.update_layout(updatemenus=[{"buttons": buttons, "x": 1.0, "xanchor": "right", "y": 1.13,
                                    "yanchor": "top", "direction": "down"}])
    fig.update_yaxes(autorange="reversed", title="cohort month (users)")
    fig.update_xaxes(title="months since registration")
    return _layout(fig, title, height=560)


def cohort_heatmap(cells: list[Row], title: str, period_label: str) -> go.Figure:
    _, periods, z, labels = _triangle(cells)
    fig = go.Figure(go.Heatmap(
        z=z, x=periods, y=labels, zmin=0, zmax=1, colorscale="Blues",
        colorbar={"title": "rate", "tickformat": ".0%"},
        hovertemplate="cohort %{y}<br>" + period_label + " %{x}<br>retention %{z:.1%}<extra></extra>",
    ))
    fig.update_yaxes(autorange="reversed", title="cohort week (users)")
    fig.update_xaxes(title=period_label)
    return _layout(fig, title, height=720)


def lines(series: dict[str, tuple[list[Any], list[Any]]], title: str, y_title: str,
          y_format: str | None = None, height: int = 440, mode: str = "lines",
          x_title: str | None = None) -> go.Figure:
    """One line per series name: {name: (x values, y values)}."""
    fig = go.Figure()
    for name, (x, y) in series.items():
        fig.add_trace(go.Scatter(x=x, y=y, name=name, mode=mode))
    fig.update_yaxes(title=y_title, tickformat=y_format)
    fig.update_xaxes(title=x_title)
    return _layout(fig, title, height=height)


def bars(x: list[Any], series: dict[str, list[Any]], title: str, y_title: str,
         y_format: str | None = None, barmode: str = "group", colors: list[str] | None = None,
         height: int = 440) -> go.Figure:
    fig = go.Figure()
    for name, y in series.items():
        fig.add_trace(go.Bar(x=x, y=y, name=name, marker={"color": colors} if colors else None))
    fig.update_yaxes(title=y_title, tickformat=y_format)
    return _layout(fig, title, height=height, barmode=barmode)


def funnel(stages: list[str], values: list[int], title: str) -> go.Figure:
    fig = go.Figure(go.Funnel(y=stages, x=values, textinfo="value+percent previous+percent initial"))
    return _layout(fig, title, height=400)


def churn_flows(daily: list[Row], title: str) -> go.Figure:
    """Daily entries / losses / recoveries of one node at a time (dropdown)."""
    by_node: dict[str, list[Row]] = defaultdict(list)
    for row in daily:
        by_node[row["node_code"]].append(row)
    fig = go.Figure()
    flows = (("entered_count", "entries 进入"), ("lost_count", "lost 流失"), ("recovered_count", "recoveries 挽回"))
    nodes = list(by_node)
    for i, node in enumerate(nodes):
        x = [row["date_day"] for row in by_node[node]]
        for column, label in flows:
            fig.add_trace(go.Scatter(x=x, y=[row[column] for row in by_node[node]], name=label,
                                     mode="lines", visible=(i == 0), legendgroup=label))
    buttons = [{"label": node, "method": "update",
                "args": [{"visible": [j // len(flows) == i for j in range(len(nodes) * len(flows))]}]}
               for i, node in enumerate(nodes)]
    fig.update_layout(updatemenus=[{"buttons": buttons, "x": 1.0, "xanchor": "right", "y": 1.13,
                                    "yanchor": "top", "direction": "down"}])
    fig.update_yaxes(title="episodes per day")
    return _layout(fig, title)


def error_bars(labels: list[str], estimates: list[float], lower: list[float], upper: list[float],
               title: str, x_title: str, x_format: str | None = None,
               colors: list[str] | None = None) -> go.Figure:
    """Horizontal point estimates with confidence intervals."""
    fig = go.Figure(go.Scatter(
        x=estimates, y=labels, mode="markers",
        marker={"size": 11, "color": colors or "#1f77b4"},
        error_x={"type": "data", "symmetric": False,
                 "array": [u - e for u, e in zip(upper, estimates)],
                 "arrayminus": [e - l for e, l in zip(estimates, lower)]},
    ))
    fig.add_vline(x=0, line_dash="dash", line_color="#888")
    fig.update_xaxes(title=x_title, tickformat=x_format, zeroline=False)
    fig.update_yaxes(autorange="reversed")
    return _layout(fig, title, height=max(260, 70 + 45 * len(labels)))


def histogram(values: list[float], title: str, x_title: str) -> go.Figure:
    fig = go.Figure(go.Histogram(x=values, nbinsx=40))
    fig.update_xaxes(title=x_title)
    fig.update_yaxes(title="customers")
    return _layout(fig, title)


def scatter(x: list[float], y: list[float], text: list[str], title: str, x_title: str,
            y_title: str) -> go.Figure:
    fig = go.Figure(go.Scatter(x=x, y=y, text=text, mode="markers+text", textposition="top center",
                               marker={"size": 10}, textfont={"size": 10}))
    fig.update_xaxes(title=x_title)
    fig.update_yaxes(title=y_title)
    return _layout(fig, title, height=520)
