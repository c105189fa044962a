"""Write every table and view of Spark schemas to Parquet, one folder per schema and table.

Run with the Spark environment, from the repository root (the local
metastore lives there): ``.venv-spark/bin/python -m ecomops.parity.export_spark
--schema staging --schema intermediate --out target_spark/parity`` writes
``target_spark/parity/<schema>/<table>/``. Needs only pyspark.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ecomops.parity.export_spark",
                                     description="Export the tables of a Spark schema (local session) to Parquet.")
    parser.add_argument("--schema", action="append", dest="schemas",
                        help="Spark schema to export, repeatable (default: staging)")
    parser.add_argument("--out", type=Path, required=True, help="folder to write <table>/ Parquet folders into")
    args = parser.parse_args(argv)
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        print("export_spark: pyspark is not installed here: run it with .venv-spark/bin/python "
              "(make spark-venv creates it)", file=sys.stderr)
        return 2
    spark = (SparkSession.builder.enableHiveSupport()
             .config("spark.sql.session.timeZone", "UTC")
             .config("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
             .config("spark.ui.enabled", "false")
             .config("spark.ui.showConsoleProgress", "false")
             .getOrCreate())
    for schema in args.schemas or ["staging"]:
        # show tables lists views too; a view is exported as the rows it returns.
        tables = [row.tableName for row in spark.sql(f"show tables in {schema}").collect() if not row.isTemporary]
        if not tables:
            print(f"export_spark: schema {schema!r} has no tables: run make build-spark first", file=sys.stderr)
            spark.stop()
            return 1
        for position, name in enumerate(sorted(tables), start=1):
            spark.table(f"{schema}.{name}").coalesce(1).write.mode("overwrite").parquet(str(args.out / schema / name))
            print(f"  [{position}/{len(tables)}] {schema}.{name}", file=sys.stderr, flush=True)
    spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
