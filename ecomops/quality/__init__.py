"""Data-quality tooling of the warehouse.

Modules, one job each:

- ``spec``: the compact, reviewable list of Great Expectations suites (one per
  staging model and public mart) and the rules they check.
- ``gx_project``: writes the Great Expectations project under ``gx/`` from
  ``spec`` (``python -m ecomops.quality.gx_project``; ``--check`` fails when
  the committed files drift from the spec).
- ``warehouse``: reads the built DuckDB warehouse read-only, exports the tables
  the suites validate and computes the run-time parameters (row-count bounds,
  data span).
- ``validate``: the ``ecomops validate`` command (runs the checkpoint, prints
  the results, writes Data Docs and an offline HTML summary).
- ``report``: the offline HTML / JSON summary under ``reports/quality/``.
- ``coverage``: the ``ecomops coverage`` gate over dbt's manifest and catalog.
"""
