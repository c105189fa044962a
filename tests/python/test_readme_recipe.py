"""The README's "Run it on your own data" recipe works as written.

The bash block of that section is taken from README.md and run with bash,
unchanged except for two substitutions a user makes too: the export folder
(``export EXPORT=...``) and the warehouse file (so the test does not write
into the checkout). The export is not the sample: a small shop whose
history is 1997-1998, with users and orders only (every other entity
absent), zero-amount orders, ISO timestamps with offsets and a literal NULL.
Then the warehouse must hold the export's numbers, with its own window.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import pathlib
import re
import subprocess

import duckdb
import pytest

from conftest import REPO

pytestmark = pytest.mark.slow

USERS = ["user_id", "registered_at", "birth_year", "gender", "city", "device", "acquisition_channel",
         "acquisition_campaign_id", "referrer_user_id", "phone", "full_name", "is_test_account", "loaded_at"]
ORDERS = ["order_id", "user_id", "placed_at", "paid_at", "cancelled_at", "status", "list_amount",
          "discount_amount", "coupon_amount", "shipping_fee", "paid_amount", "channel", "campaign_id",
          "coupon_id", "risk_flag", "loaded_at"]


def recipe_block() -> str:
    """The first bash block of the README section "Run it on your own data"."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("## Run it on your own data", 1)[1].split("\n## ", 1)[0]
    match = re.search(r"```bash\n(.*?)```", section, flags=re.S)
    assert match, "README's own-data section has no bash block"
    return match.group(1)


def write_export(folder: pathlib.Path) -> dict[str, object]:
    """A 1997-1998 export: 40 users (one every 10 days), 3 orders each, 30 days apart.

    Returns the figures the warehouse must reproduce, worked out here."""
    folder.mkdir()
    start = dt.datetime(1997, 1, 1, 2, 0, 0)
    users, orders = [], []
    order_id = 1
    paid_gmv = 0
    zero_paid = 0
    for user in range(1, 41):
        registered = start + dt.timedelta(days=user * 10)
        users.append({
            "user_id": user, "registered_at": registered.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "birth_year": "NULL", "gender": "NULL", "city": "NULL", "device": "NULL",
            "acquisition_channel": "NULL", "acquisition_campaign_id": "", "referrer_user_id": "",
            "phone": "", "full_name": "", "is_test_account": "", "loaded_at": "1999-01-01 00:00:00",
        })
        for number in range(3):
            placed = registered + dt.timedelta(days=30 * number, hours=1)
            amount = "0.00" if (user + number) % 10 == 0 else f"{50 + user}.{number}0"
            paid = number < 2 or user % 2 == 0
            orders.append({
                "order_id": order_id, "user_id": user,
                # Beijing-time offsets: 10:00+08:00 is 02:00 UTC.
                "placed_at": (placed + dt.timedelta(hours=8)).strftime("%Y-%m-%d %H:%M:%S+08:00"),
                "paid_at": (placed + dt.timedelta(minutes=5)).strftime("%Y-%m-%d %H:%M:%S") if paid else "",
                "cancelled_at": "", "status": "paid" if paid else "created",
                "list_amount": amount, "discount_amount": "", "coupon_amount": "", "shipping_fee": "",
                "paid_amount": amount, "channel": "", "campaign_id": "", "coupon_id": "", "risk_flag": "",
                "loaded_at": "1999-01-01 00:00:00",
            })
            if paid:
                paid_gmv += round(float(amount) * 100)
                zero_paid += amount == "0.00"
            order_id += 1
    for name, columns, rows in (("users", USERS, users), ("orders", ORDERS, orders)):
        with (folder / f"{name}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns)
            writer.writeheader()
            writer.writerows(rows)
    # The last Shanghai day with activity: the latest order (its payment,
    # 5 minutes after placing, is on the same Shanghai day: 11:05).
    last_day = max(dt.datetime.strptime(o["placed_at"][:10], "%Y-%m-%d").date() for o in orders)
    return {
        "users": len(users),
        "orders": len(orders),
        "paid_orders": sum(1 for o in orders if o["paid_at"]),
        "paid_gmv_cents": paid_gmv,
        "zero_amount_paid_orders": zero_paid,
        "last_day": last_day,
    }


def test_readme_recipe_builds_a_foreign_export(tmp_path: pathlib.Path) -> None:
    export = tmp_path / "export"
    expected = write_export(export)
    warehouse = tmp_path / "my_warehouse.duckdb"
    block = recipe_block()
    assert "export EXPORT=/path/to/export" in block
    assert "$PWD/my_warehouse.duckdb" in block
    script = (block.replace("export EXPORT=/path/to/export", f"export EXPORT={export}")
              .replace("$PWD/my_warehouse.duckdb", str(warehouse)))
    env = dict(os.environ)
    env.pop("ECOMOPS_PII_SALT", None)
    env.update(DBT_TARGET_PATH=str(tmp_path / "target"), DBT_LOG_PATH=str(tmp_path / "logs"),
               DBT_SEND_ANONYMOUS_USAGE_STATS="false")
    result = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=REPO, env=env,
                            capture_output=True, text=True)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-6000:]
    # The build said once which entities the export lacks.
    assert output.count("has no rows for 11 of 13 entities") == 1, output[-6000:]

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        users, orders, paid, gmv, zero = con.execute(
            "select (select count(*) from marts.dim_users), count(*), count(*) filter (where is_paid),"
            " sum(paid_gmv_cny), count(*) filter (where is_paid and is_zero_amount) from marts.fct_orders"
        ).fetchone()
        assert (users, orders, paid) == (expected["users"], expected["orders"], expected["paid_orders"])
        assert round(gmv * 100) == expected["paid_gmv_cents"]
        assert zero == expected["zero_amount_paid_orders"] > 0
        # The window is the export's own, not the sample's.
        last_day, first_hour = con.execute(
            "select data_end_date, (select min(placed_at) from marts.fct_orders)"
            " from intermediate.int_data_window"
        ).fetchone()
        assert last_day == expected["last_day"]
        assert first_hour == dt.datetime(1997, 1, 11, 3, 0, 0)  # 1997-01-11 11:00+08:00 in UTC
        calendar_years = con.execute("select min(year), max(year) from marts.dim_date").fetchone()
        assert calendar_years[0] == 1997 and calendar_years[1] >= 1998
        # Nothing was set aside: NULL literals and absent attributes are repaired.
        assert con.execute("select count(*) from staging.stg_quarantine__rows").fetchone() == (0,)
        devices = con.execute("select distinct device from marts.dim_users").fetchall()
        assert devices == [("unknown",)]
    finally:
        con.close()
