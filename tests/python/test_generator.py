"""Tests of the sample-data generator (ecomops.generate) and of the committed sample.

The committed sample (seeds/raw, seed 42, scale 1) must equal the generator's
output byte for byte, keep the raw contract's columns, keep every business
rule on its clean rows, carry the documented defects at their rates, and tell
the platform's story (calibration targets, measured with SQL over the files
only: ecomops.generate.calibration never imports the generator).
"""

from __future__ import annotations

import math
import pathlib

import duckdb
import pytest
import yaml

from ecomops.generate.calibration import TARGETS, report
from ecomops.generate.pipeline import generate

REPO = pathlib.Path(__file__).resolve().parents[2]
SEEDS = REPO / "seeds" / "raw"
ENTITIES = (
    "users", "events", "orders", "order_items", "shipments", "returns", "campaigns",
    "channel_spend", "coupons", "points_ledger", "member_tiers", "messages", "experiments",
)


def contract_columns() -> dict[str, list[str]]:
    """Column lists straight from the sources YAML (read here, not through the generator)."""
    columns: dict[str, list[str]] = {}
    for path in sorted((REPO / "models" / "staging").glob("*/_*__sources.yml")):
        for source in yaml.safe_load(path.read_text(encoding="utf-8"))["sources"]:
            for table in source["tables"]:
                columns[table["name"]] = [column["name"] for column in table["columns"]]
    return columns


def csv(entity: str, directory: pathlib.Path = SEEDS) -> str:
    return f"read_csv('{directory / (entity + '.csv')}', header = true, all_varchar = true)"


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    """Typed views over the committed CSVs (all rows, defects included)."""
    connection = duckdb.connect(":memory:")
    connection.execute("set TimeZone = 'UTC'")
    for entity in ENTITIES:
        connection.execute(f"create view raw_{entity} as select * from {csv(entity)}")
    connection.execute("""
    create view users as select distinct on (user_id) try_cast(user_id as bigint) as user_id,
        registered_at::timestamp as registered_at, lower(is_test_account) = 'true' as is_test
        from raw_users where user_id is not null order by user_id, loaded_at desc;
    create view orders as select distinct on (order_id) order_id::bigint as order_id, user_id::bigint as user_id,
        placed_at::timestamp as placed_at, paid_at::timestamp as paid_at, status,
        list_amount::decimal(18,2) as list_amount, discount_amount::decimal(18,2) as discount_amount,
        coupon_amount::decimal(18,2) as coupon_amount, shipping_fee::decimal(18,2) as shipping_fee,
        paid_amount::decimal(18,2) as paid_amount, coupon_id::bigint as coupon_id, risk_flag
        from raw_orders order by order_id, loaded_at desc;
    create view clean_orders as select orders.* from orders join users using (user_id)
        where risk_flag = 'none' and paid_amount > 0 and (paid_at is null or paid_at >= placed_at) and not is_test;
    create view events as select distinct on (event_id) event_id::bigint as event_id, user_id::bigint as user_id,
        event_type, event_at::timestamp as event_at from raw_events where event_id is not null
        order by event_id, loaded_at desc;
    create view shipments as select distinct on (shipment_id) shipment_id::bigint as shipment_id,
        order_id::bigint as order_id, carrier, shipped_at::timestamp as shipped_at,
        delivered_at::timestamp as delivered_at from raw_shipments order by shipment_id, loaded_at desc;
    create view points as select distinct on (entry_id) entry_id::bigint as entry_id, user_id::bigint as user_id,
        entry_type, reason, points::integer as points, order_id::bigint as order_id,
        occurred_at::timestamp as occurred_at from raw_points_ledger where entry_id is not null
        order by entry_id, loaded_at desc;
    """)
    yield connection
    connection.close()


def scalar(con: duckdb.DuckDBPyConnection, sql: str) -> float:
    value = con.execute(sql).fetchone()[0]
    return float(value) if value is not None else math.nan


# --- determinism and the committed sample -------------------------------------------------

def test_same_seed_and_scale_give_identical_bytes(tmp_path: pathlib.Path) -> None:
    for name in ("first", "second"):
        generate(tmp_path / name, fmt="csv", scale=0.1, seed=7, quiet=True)
    for entity in ENTITIES:
        first = (tmp_path / "first" / f"{entity}.csv").read_bytes()
        assert first == (tmp_path / "second" / f"{entity}.csv").read_bytes(), entity
        assert len(first.splitlines()) > 1, f"{entity} is empty"


def test_other_seed_gives_other_data(tmp_path: pathlib.Path) -> None:
    generate(tmp_path / "a", fmt="csv", scale=0.1, seed=1, quiet=True)
    generate(tmp_path / "b", fmt="csv", scale=0.1, seed=2, quiet=True)
    assert (tmp_path / "a" / "orders.csv").read_bytes() != (tmp_path / "b" / "orders.csv").read_bytes()


def test_committed_sample_is_the_generator_output(tmp_path: pathlib.Path) -> None:
    generate(tmp_path, fmt="csv", scale=1.0, seed=42, quiet=True)
    for entity in ENTITIES:
        fresh = (tmp_path / f"{entity}.csv").read_bytes()
        committed = (SEEDS / f"{entity}.csv").read_bytes()
        assert fresh == committed, (
            f"seeds/raw/{entity}.csv differs from `python -m ecomops.generate` (seed 42, scale 1): "
            "regenerate the sample")


def test_parquet_is_typed_and_deterministic(tmp_path: pathlib.Path) -> None:
    for name in ("first", "second"):
        generate(tmp_path / name, fmt="parquet", scale=0.05, seed=3, quiet=True)
    for entity in ENTITIES:
        assert (tmp_path / "first" / f"{entity}.parquet").read_bytes() == \
            (tmp_path / "second" / f"{entity}.parquet").read_bytes(), entity
    path = tmp_path / "first" / "orders.parquet"
    types = {row[0]: row[1] for row in duckdb.sql(f"describe select * from '{path}'").fetchall()}
    assert types["order_id"] == "BIGINT"
    assert types["placed_at"] == "TIMESTAMP"
    assert types["paid_amount"] == "DECIMAL(18,2)"


# --- blocks: bounded memory at any scale ---------------------------------------------------

# Every column that holds an id of a user, order, ... (the contract's keys and
# references), by the entity it identifies: written here from the sources
# YAML, not read from the generator.
REFERENCES = {
    "user": [("users", "user_id"), ("users", "referrer_user_id"), ("events", "user_id"), ("orders", "user_id"),
             ("coupons", "user_id"), ("points_ledger", "user_id"), ("member_tiers", "user_id"),
             ("messages", "user_id"), ("experiments", "user_id")],
    "order": [("orders", "order_id"), ("order_items", "order_id"), ("shipments", "order_id"),
              ("returns", "order_id"), ("coupons", "redeemed_order_id"), ("points_ledger", "order_id")],
    "coupon": [("coupons", "coupon_id"), ("orders", "coupon_id")],
    "event": [("events", "event_id")], "session": [("events", "session_id")],
    "order_item": [("order_items", "order_item_id")], "shipment": [("shipments", "shipment_id")],
    "return": [("returns", "return_id")], "entry": [("points_ledger", "entry_id")],
    "tier_change": [("member_tiers", "tier_change_id")], "message": [("messages", "message_id")],
    "assignment": [("experiments", "assignment_id")],
}


@pytest.fixture(scope="module")
def two_blocks(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    """Scale 2 in blocks of scale 1: block 1 is seed 42 at scale 1, the committed sample."""
    out = tmp_path_factory.mktemp("two_blocks")
    generate(out, fmt="csv", scale=2.0, seed=42, quiet=True, block_scale=1.0)
    return out


def test_blocks_are_deterministic(tmp_path: pathlib.Path) -> None:
    for name in ("first", "second"):
        generate(tmp_path / name, fmt="csv", scale=0.1, seed=7, quiet=True, block_scale=0.04)
    for entity in ENTITIES:
        assert (tmp_path / "first" / f"{entity}.csv").read_bytes() == \
            (tmp_path / "second" / f"{entity}.csv").read_bytes(), entity


def test_the_first_block_is_the_population_of_its_seed(two_blocks: pathlib.Path) -> None:
    """Block 1 is written first, unchanged: its rows start every file (spend is sized on both blocks)."""
    for entity in ENTITIES:
        if entity == "channel_spend":
            continue
        committed = (SEEDS / f"{entity}.csv").read_bytes()
        blocks = (two_blocks / f"{entity}.csv").read_bytes()
        assert blocks.startswith(committed), entity
        if entity != "campaigns":
            assert len(blocks.splitlines()) > 1.5 * len(committed.splitlines()), entity


def test_later_blocks_never_reuse_an_earlier_blocks_id(two_blocks: pathlib.Path) -> None:
    """Every id or reference in block 2's rows is null or above the largest of its kind in block 1."""
    con = duckdb.connect(":memory:")
    for entity in ENTITIES:
        n_first = len((SEEDS / f"{entity}.csv").read_bytes().splitlines()) - 1
        con.execute(f"""create view first_{entity} as select * from {csv(entity, two_blocks)} limit {n_first}""")
        con.execute(f"""create view second_{entity} as select * from {csv(entity, two_blocks)} offset {n_first}""")
    for space, columns in REFERENCES.items():
        largest = max(scalar(con, f"select max(try_cast({column} as bigint)) from first_{entity}")
                      for entity, column in columns)
        for entity, column in columns:
            reused = scalar(con, f"select count(*) from second_{entity} where try_cast({column} as bigint) <= {largest}")
            assert reused == 0, f"{entity}.{column}: {reused:.0f} rows of block 2 reuse block 1's {space} ids"
            assert scalar(con, f"select count({column}) from second_{entity}") > 0, f"{entity}.{column} all null"
    # Block 2's orders are its own users' (but for the orphan-user defect rows, as in block 1).
    share = {block: scalar(con, f"""select avg((user_id in (select user_id from {block}_users))::int)
                                    from {block}_orders""") for block in ("first", "second")}
    assert share["second"] > 0.98 and abs(share["second"] - share["first"]) < 0.01, share


def test_blocks_keep_the_story(two_blocks: pathlib.Path) -> None:
    """Every calibration target that is a rate or a ratio holds on two blocks (counts double)."""
    counts = {"users (clean, non-test)", "users reaching regular (>= 500 yuan)", "users reaching vip (>= 5000 yuan)",
              "experiment users", "experiment users, A/A test (homepage_banner_aa_2025q3)",
              "weekly budget flags: cut", "weekly budget flags: raise"}
    off = [f"{target.name}: {measured:.3f} not in [{target.low}, {target.high}]"
           for target, measured, ok in report(two_blocks) if not ok and target.name not in counts]
    assert off == []


def test_files_have_exactly_the_contract_columns() -> None:
    expected = contract_columns()
    for entity in ENTITIES:
        header = (SEEDS / f"{entity}.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
        assert header == expected[entity], entity


def test_seed_files_are_under_10_mb() -> None:
    total = sum((SEEDS / f"{entity}.csv").stat().st_size for entity in ENTITIES)
    assert total < 10_000_000, f"committed sample is {total:,} bytes"


def test_value_formats(con: duckdb.DuckDBPyConnection) -> None:
    # Timestamps 'YYYY-MM-DD HH:MM:SS', money with two decimals, booleans true/false.
    assert scalar(con, r"""select count(*) from raw_orders
        where not regexp_full_match(placed_at, '\d{4}-\d\d-\d\d \d\d:\d\d:\d\d')""") == 0
    assert scalar(con, r"""select count(*) from raw_orders
        where not regexp_full_match(paid_amount, '-?\d+\.\d\d')""") == 0
    assert scalar(con, r"""select count(*) from raw_channel_spend
        where not regexp_full_match(spend_date, '\d{4}-\d\d-\d\d')""") == 0
    assert scalar(con, "select count(*) from raw_users where is_test_account not in ('true', 'false')") == 0


def test_span_and_size_of_the_sample(con: duckdb.DuckDBPyConnection) -> None:
    first, last = con.execute("""select min(cast(registered_at + interval 8 hour as date)),
        max(cast(registered_at + interval 8 hour as date)) from users""").fetchone()
    assert str(first) == "2025-01-01" and str(last) == "2026-04-30"
    last_event = con.execute("select max(cast(event_at + interval 8 hour as date)) from events").fetchone()[0]
    assert str(last_event) == "2026-04-30"
    assert 2_900 <= scalar(con, "select count(*) from users") <= 3_200


# --- business rules on clean rows ---------------------------------------------------------

def test_orders_after_registration_and_payment_after_placement(con: duckdb.DuckDBPyConnection) -> None:
    assert scalar(con, """select count(*) from orders join users using (user_id)
        where placed_at < registered_at""") == 0
    assert scalar(con, "select count(*) from clean_orders where paid_at < placed_at") == 0
    # Every amount adds up (defect rows included: their components are consistent too).
    assert scalar(con, """select count(*) from orders
        where paid_amount <> list_amount - discount_amount - coupon_amount + shipping_fee""") == 0


def test_order_lines_sum_to_the_list_amount(con: duckdb.DuckDBPyConnection) -> None:
    assert scalar(con, """
        with lines as (select distinct on (order_item_id) order_id::bigint as order_id,
                       unit_price::decimal(18,2) * quantity::integer as amount
                       from raw_order_items where order_item_id is not null order by order_item_id, loaded_at desc)
        select count(*) from clean_orders
        where list_amount <> (select sum(amount) from lines where lines.order_id = clean_orders.order_id)""") == 0


def test_shipments_follow_payment_and_deliveries_follow_shipping(con: duckdb.DuckDBPyConnection) -> None:
    clean = "select * from shipments join clean_orders using (order_id) where carrier <> 'xyz'"
    assert scalar(con, f"select count(*) from ({clean}) where paid_at is null") == 0
    assert scalar(con, f"select count(*) from ({clean}) where shipped_at < paid_at") == 0
    assert scalar(con, f"select count(*) from ({clean}) where delivered_at < shipped_at") == 0
    assert scalar(con, f"select count(*) from ({clean})") > 3_000


def test_returns_after_delivery_and_refund_at_most_paid(con: duckdb.DuckDBPyConnection) -> None:
    rows = """select r.requested_at::timestamp as requested_at, r.refund_amount::decimal(18,2) as refund,
              s.delivered_at, o.paid_amount
              from raw_returns as r join shipments as s on s.order_id = r.order_id::bigint and s.carrier <> 'xyz'
              join clean_orders as o on o.order_id = r.order_id::bigint
              where r.refund_amount::decimal(18,2) > 0"""
    assert scalar(con, f"select count(*) from ({rows}) where delivered_at is null or requested_at < delivered_at") == 0
    assert scalar(con, f"select count(*) from ({rows}) where refund > paid_amount") == 0


def test_coupons_are_redeemed_on_the_holders_qualifying_orders(con: duckdb.DuckDBPyConnection) -> None:
    redeemed = """
        with coupons as (select distinct on (coupon_id) coupon_id::bigint as coupon_id, user_id::bigint as user_id,
                         threshold_amount::decimal(18,2) as threshold, discount_value::decimal(18,2) as value,
                         issued_at::timestamp as issued_at, expires_at::timestamp as expires_at,
                         redeemed_at::timestamp as redeemed_at, redeemed_order_id::bigint as order_id
                         from raw_coupons order by coupon_id, loaded_at desc),
        points_used as (select order_id, sum(points) / 100.0 as yuan from points
                        where entry_type = 'redeem' group by 1)
        select coupons.*, o.user_id as buyer, o.coupon_id as order_coupon, o.coupon_amount,
               o.list_amount - (o.discount_amount - coalesce(points_used.yuan, 0)) as goods
        from coupons join clean_orders as o using (order_id) left join points_used using (order_id)"""
    assert scalar(con, f"select count(*) from ({redeemed})") > 300
    assert scalar(con, f"select count(*) from ({redeemed}) where buyer <> user_id") == 0
    assert scalar(con, f"select count(*) from ({redeemed}) where order_coupon <> coupon_id") == 0
    assert scalar(con, f"select count(*) from ({redeemed}) where coupon_amount <> value") == 0
    assert scalar(con, f"select count(*) from ({redeemed}) where goods < threshold") == 0
    assert scalar(con, f"""select count(*) from ({redeemed})
        where redeemed_at < issued_at or redeemed_at > expires_at""") == 0


def test_points_follow_the_ledger_rules(con: duckdb.DuckDBPyConnection) -> None:
    # 1 point per yuan paid (floored) on every clean paid order.
    assert scalar(con, """select count(*) from clean_orders as o
        left join points as p on p.order_id = o.order_id and p.reason = 'purchase'
        where o.paid_at is not null and o.paid_amount >= 1 and coalesce(p.points, -1) <> floor(o.paid_amount)""") == 0
    # Redemptions come in hundreds and equal the yuan they take off: discount covers them.
    assert scalar(con, "select count(*) from points where entry_type = 'redeem' and points % 100 <> 0") == 0
    assert scalar(con, """select count(*) from points as p join clean_orders as o using (order_id)
        where p.entry_type = 'redeem' and o.discount_amount < p.points / 100.0""") == 0
    # The balance never goes negative within a year (points expire at year end).
    assert scalar(con, """
        with signed as (
            select user_id, occurred_at, entry_id, year(occurred_at + interval 8 hour) as year,
                   case when entry_type = 'earn' then points else -points end as delta
            from points where user_id is not null),
        running as (select sum(delta) over (partition by user_id, year order by occurred_at, entry_id) as balance
                    from signed)
        select count(*) from running where balance < 0""") == 0


def test_member_tier_changes_follow_cumulative_spend(con: duckdb.DuckDBPyConnection) -> None:
    checked = """
        with tiers as (select distinct on (tier_change_id) user_id::bigint as user_id, from_tier, to_tier,
                       changed_at::timestamp as changed_at from raw_member_tiers
                       order by tier_change_id, loaded_at desc)
        select tiers.*, (select coalesce(sum(paid_amount), 0) from clean_orders as o
                         where o.user_id = tiers.user_id and o.paid_at <= tiers.changed_at) as spend
        from tiers join users using (user_id) where not users.is_test"""
    total = scalar(con, f"select count(*) from ({checked})")
    early = scalar(con, f"""select count(*) from ({checked})
        where (to_tier = 'regular' and spend < 500) or (to_tier = 'vip' and spend < 5000)""")
    assert total > 300
    # A few deliberate mismatches (manual upgrades), not more.
    assert 0 < early / total < 0.04
    assert scalar(con, f"select count(*) from ({checked}) where to_tier = 'vip'") >= 8


def test_activity_only_from_registered_users_after_registration(con: duckdb.DuckDBPyConnection) -> None:
    assert scalar(con, """select count(*) from events join users using (user_id)
        where event_at < registered_at""") == 0
    assert scalar(con, """select count(*) from raw_experiments
        where user_id::bigint not in (select user_id from users)""") == 0
    # Each experiment assigns only within its window (Asia/Shanghai days).
    for experiment_id, first, last in (("coupon_push_2025q2", "2025-05-15", "2025-06-15"),
                                       ("homepage_banner_aa_2025q3", "2025-08-01", "2025-08-31"),
                                       ("search_ranking_2025q4", "2025-11-01", "2025-11-30")):
        assert scalar(con, f"""select count(*) from raw_experiments where experiment_id = '{experiment_id}'
            and cast(assigned_at::timestamp + interval 8 hour as date) not between '{first}' and '{last}'""") == 0
    assert scalar(con, """select count(*) from raw_experiments where experiment_id not in
        ('coupon_push_2025q2', 'homepage_banner_aa_2025q3', 'search_ranking_2025q4')""") == 0


INTERACTIONS = "('share', 'comment', 'like', 'check_in', 'checkin', 'vote', 'review')"


def test_interactions_sit_inside_existing_sessions(con: duckdb.DuckDBPyConnection) -> None:
    """An interaction never starts a session or an active day: an earlier-or-equal event of another
    type exists in its session, on the same Asia/Shanghai day (so retention and the funnel are unchanged)."""
    interactions = f"""select distinct on (event_id) event_id::bigint as event_id, user_id::bigint as user_id,
        session_id::bigint as session_id, event_at::timestamp as event_at from raw_events
        where event_id is not null and event_type in {INTERACTIONS} order by event_id, loaded_at"""
    others = f"""select user_id::bigint as user_id, session_id::bigint as session_id,
        event_at::timestamp as event_at from raw_events where event_type not in {INTERACTIONS}"""
    assert scalar(con, f"select count(*) from ({interactions})") > 3000
    assert scalar(con, f"""select count(*) from ({interactions}) as i where not exists (
        select 1 from ({others}) as o where o.user_id = i.user_id and o.session_id = i.session_id
          and o.event_at <= i.event_at
          and cast(o.event_at + interval 8 hour as date) = cast(i.event_at + interval 8 hour as date))""") == 0


def test_check_in_and_share_events_match_unflagged_points(con: duckdb.DuckDBPyConnection) -> None:
    """Every check_in / share event has a points entry of that reason at the same moment; farmed entries
    (flagged) have no event."""
    events = """select distinct on (event_id) user_id::bigint as user_id,
        case event_type when 'checkin' then 'check_in' else event_type end as reason,
        event_at::timestamp as at from raw_events
        where event_id is not null and event_type in ('share', 'check_in', 'checkin') order by event_id, loaded_at"""
    points = """select distinct on (entry_id) user_id::bigint as user_id, reason, occurred_at::timestamp as at,
        is_farming_suspected = 'true' as farmed from raw_points_ledger where entry_id is not null
        order by entry_id, loaded_at"""
    assert scalar(con, f"""select count(*) from ({events}) as e where not exists (
        select 1 from ({points}) as p where p.user_id = e.user_id and p.reason = e.reason and p.at = e.at
          and not p.farmed)""") == 0
    assert scalar(con, f"""select count(*) from ({events}) as e join ({points}) as p
        on p.user_id = e.user_id and p.reason = e.reason and p.at = e.at where p.farmed""") == 0


def test_recall_messages_only_reach_node_one_users(con: duckdb.DuckDBPyConnection) -> None:
    assert scalar(con, """select count(*) from raw_messages as m join users using (user_id)
        where m.purpose like 'recall%' and exists (select 1 from events as e where e.user_id = users.user_id
              and e.event_at < users.registered_at + interval 24 hour)""") == 0
    steps = con.execute("""select purpose, min(date_diff('hour', registered_at, sent_at::timestamp)),
        max(date_diff('hour', registered_at, sent_at::timestamp))
        from raw_messages join users using (user_id) where purpose like 'recall%' group by 1 order by 1""").fetchall()
    assert [(purpose, low // 24, high // 24) for purpose, low, high in steps] == [
        ("recall_1", 1, 1), ("recall_2", 3, 3), ("recall_3", 7, 7)]


# --- injected defects at their documented rates --------------------------------------------

DEFECTS = {
    "duplicate events": ("""select 1 - count(distinct event_id) / count(event_id) from raw_events""", 0.01, 0.007, 0.013),
    "duplicate orders": ("""select 1 - count(distinct order_id) / count(order_id) from raw_orders""",
                         0.005, 0.003, 0.008),
    "late events": ("""select avg((loaded_at::timestamp > event_at::timestamp + interval 2 day)::int)
                      from raw_events""", 0.02, 0.015, 0.03),
    "late orders": ("""
        with ships as (select order_id::bigint as order_id, max(shipped_at::timestamp) as shipped_at,
                              max(delivered_at::timestamp) as delivered_at from raw_shipments group by 1),
             rets as (select order_id::bigint as order_id, max(requested_at::timestamp) as requested_at
                      from raw_returns group by 1),
             known as (
                select o.loaded_at::timestamp as loaded_at,
                       greatest(o.placed_at::timestamp, o.paid_at::timestamp, o.cancelled_at::timestamp,
                                ships.shipped_at, ships.delivered_at,
                                case when ships.delivered_at + interval 7 day < timestamp '2026-04-30 16:00:00'
                                     then ships.delivered_at + interval 7 day end,
                                rets.requested_at + interval 1 day) as last_change
                from (select distinct on (order_id) * from raw_orders order by order_id, loaded_at) as o
                left join ships on ships.order_id = o.order_id::bigint
                left join rets on rets.order_id = o.order_id::bigint)
        select avg((loaded_at > last_change + interval 2 day)::int) from known""", 0.02, 0.015, 0.03),
    "orphan orders": ("""select avg((user_id::bigint not in (select user_id from users))::int) from raw_orders""",
                      0.002, 0.001, 0.004),
    "paid before placed": ("""select avg((paid_at::timestamp < placed_at::timestamp)::int) from raw_orders""",
                           0.002, 0.001, 0.004),
    "non-positive orders": ("select avg((paid_amount::decimal(18,2) <= 0)::int) from raw_orders", 0.002, 0.001, 0.004),
    "fraud orders": ("select avg((risk_flag = 'fraud')::int) from raw_orders", 0.005, 0.004, 0.0065),
    "unknown event type": ("""select avg((event_type not in ('login', 'page_view', 'search', 'add_to_cart',
                                 'share', 'comment', 'like', 'check_in', 'checkin', 'vote', 'review'))::int)
                             from raw_events where event_type not in ('share', 'comment', 'like', 'check_in',
                                 'checkin', 'vote', 'review')""", 0.002, 0.0015, 0.003),
    "interaction SDK spellings": ("""select avg((event_type in ('checkin', 'vote', 'review'))::int) from raw_events
                                    where event_type in ('comment', 'like', 'check_in', 'checkin', 'vote', 'review')""",
                                  0.03, 0.02, 0.04),
    "null event keys": ("select avg((event_id is null)::int) from raw_events", 0.001, 0.0007, 0.0015),
    "test accounts": ("select avg((is_test_account = 'true')::int) from raw_users", 0.01, 0.007, 0.013),
    "device case variants": ("""select avg((device not in ('app', 'mini_program', 'web'))::int) from raw_users""",
                             0.032, 0.02, 0.045),
    "unknown carrier": ("select avg((carrier not in ('sf', 'jd', 'zto', 'yto', 'ems'))::int) from raw_shipments",
                        0.002, 0.001, 0.004),
    "orphan shipments": ("""select avg((order_id::bigint not in (select order_id from orders))::int)
                           from raw_shipments""", 0.001, 0.0005, 0.002),
}


@pytest.mark.parametrize("name", sorted(DEFECTS))
def test_defect_rates(con: duckdb.DuckDBPyConnection, name: str) -> None:
    sql, target, low, high = DEFECTS[name]
    measured = scalar(con, sql)
    assert low <= measured <= high, f"{name}: measured {measured:.4f}, target {target} ([{low}, {high}])"


# --- the story: calibration targets ---------------------------------------------------------

@pytest.fixture(scope="module")
def calibration() -> dict[str, float]:
    return {target.name: value for target, value, _ in report(SEEDS)}


@pytest.mark.parametrize("target", TARGETS, ids=[target.name for target in TARGETS])
def test_calibration_target(calibration: dict[str, float], target) -> None:
    value = calibration[target.name]
    assert target.low <= value <= target.high, (
        f"{target.name}: measured {value:.4f}, target {target.target} (tolerance {target.low} .. {target.high})")


def test_story_directions(calibration: dict[str, float]) -> None:
    # Later cohorts retain better, private community repurchases above the
    # average buyer, AOV rises. (The reports' member repurchase rise, 28% -> 33%,
    # is not reproduced: purchase intensity has no secular trend so that a
    # BG/NBD fit can predict the holdout; both quarters sit near 30%, each within
    # its own calibration band. See docs/sample_data.md.)
    assert calibration["day-30 retention, cohorts 2025-10..2026-03"] > \
        calibration["day-30 retention, cohorts 2025-01..2025-06"] + 0.03
    assert calibration["monthly repurchase of buyers acquired via private_community"] > \
        calibration["monthly repurchase of all buyers"]
    assert calibration["AOV 2026-Q1..Q2 (yuan)"] > calibration["AOV 2025-Q1 (yuan)"] + 30
    assert calibration["recalled node-1 users back within 7 days of step 1"] > \
        calibration["holdout node-1 users back within 7 days of the 24 h mark"] + 0.08


def test_experiment_difference_is_significant(calibration: dict[str, float]) -> None:
    n = calibration["experiment users"] / 2
    p_a = calibration["experiment day-30 retention, group A"]
    p_b = calibration["experiment day-30 retention, group B"]
    pooled = (p_a + p_b) / 2
    z = (p_a - p_b) / math.sqrt(pooled * (1 - pooled) * 2 / n)
    p_value = math.erfc(z / math.sqrt(2))
    assert p_value < 0.05, f"z = {z:.2f}, two-sided p = {p_value:.3f}"
