"""The operations dashboard: static HTML pages built from the published warehouse.

``python -m ecomops dashboard`` opens the warehouse read-only, runs one set of
queries per page against ``marts.*`` (:mod:`.queries`), draws Plotly figures
(:mod:`.charts`), labels every figure and KPI from the MetricFlow metric YAML
(:mod:`.definitions`) and writes the pages (:mod:`.render`, :mod:`.pages`).
See docs/dashboard.md.
"""
