"""Code that dbt itself loads (the dbt-duckdb plugin)."""
