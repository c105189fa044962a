"""Spark against DuckDB: export the Spark build's tables, compare them with the DuckDB warehouse.

``make test-spark`` builds the layers that run on Spark (``make build-spark``)
and the same selection on DuckDB, exports the Spark tables to Parquet with
:mod:`ecomops.parity.export_spark` (run in ``.venv-spark``), and compares
them with :mod:`ecomops.parity.compare` (run in ``.venv``). docs/spark.md.
"""
