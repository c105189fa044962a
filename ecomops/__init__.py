"""Tooling around the ecomops dbt warehouse.

Subpackages, one job each:

- ``ecomops.generate``: the deterministic sample-data generator (raw contract).
- ``ecomops.quality``: Great Expectations validation and dbt coverage gates.
- ``ecomops.benchmark``: build-time and memory benchmark of the warehouse.
- ``ecomops.clv``: BG/NBD and Gamma-Gamma fits used by the CLV mart.
"""

__version__ = "0.1.0"
