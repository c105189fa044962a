"""Measure the sample's story on the written files, independently of the generator.

Everything here reads only the raw files (CSV or Parquet) with DuckDB SQL:
no generator internals. The clean views drop duplicates (latest loaded_at
wins), test accounts, fraud and broken rows, so the figures describe the
business, not the injected dirt. ``python -m ecomops.generate.calibration
DIR`` prints target vs measured; the pytest suite asserts the same targets.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb

SH = "interval 8 hour"
END_DATE = "2026-04-30"


@dataclass(frozen=True)
class Target:
    """A calibration target: the reported figure and the tolerance the sample keeps."""

    name: str
    target: float
    low: float
    high: float
    note: str = ""


TARGETS: tuple[Target, ...] = (
    Target("users (clean, non-test)", 3000, 2800, 3200),
    Target("test account share of users", 0.01, 0.007, 0.013),
    Target("no event within 24 h of registration (node 1)", 0.18, 0.16, 0.20),
    Target("never a login event after registration", 0.41, 0.37, 0.45),
    Target("under-18 share of users", 0.21, 0.19, 0.23),
    Target("under-18 share of node-1 users", 0.37, 0.32, 0.42),
    Target("next-day retention, all cohorts", 0.35, 0.30, 0.40),
    Target("next-day retention, new_user_week users", 0.75, 0.70, 0.80),
    Target("day-30 retention, cohorts 2025-01..2025-06", 0.32, 0.29, 0.35),
    Target("day-30 retention, cohorts 2025-10..2026-03", 0.38, 0.35, 0.41),
    Target("browse user-days with add_to_cart within 7 days", 0.082, 0.070, 0.095),
    Target("carting browse user-days with an order after the cart within 7 days", 0.15, 0.12, 0.18),
    Target("orders paid", 0.88, 0.86, 0.90),
    Target("ordering browse user-days with the order paid within 7 days", 0.88, 0.82, 0.94),
    Target("visit share platform_search", 0.35, 0.32, 0.38),
    Target("visit share douyin_live", 0.28, 0.25, 0.31),
    Target("visit share private_community", 0.15, 0.13, 0.17),
    Target("GMV share douyin_live", 0.11, 0.08, 0.14),
    Target("order conversion per visit, private_community / douyin_live", 2.67, 2.0, 3.4),
    Target("repurchase cycle: median over repeat buyers of their mean days between paid orders", 45, 38, 54),
    Target("repurchase cycle of high-retention users (10+ paid orders)", 22, 16, 30),
    Target("AOV 2025-Q1 (yuan)", 210, 195, 225),
    Target("AOV 2026-Q1..Q2 (yuan)", 260, 245, 275),
    Target("AOV of orders paid while VIP (cumulative >= 5000 before the order)", 286, 255, 350),
    Target("AOV of under-18 users (yuan)", 89, 75, 105),
    Target("member repurchase: members at quarter start with 2+ paid orders in it, 2025-Q2..Q3", 0.28, 0.22, 0.34),
    Target("member repurchase: members at quarter start with 2+ paid orders in it, 2026-Q1", 0.33, 0.28, 0.40),
    Target("monthly repurchase of buyers acquired via private_community", 0.28, 0.21, 0.34),
    Target("monthly repurchase of all buyers", 0.18, 0.13, 0.22),
    Target("sleeping buyers (no paid order in the last 180 days)", 0.35, 0.30, 0.40),
    Target("users reaching regular (>= 500 yuan)", 400, 200, 900),
    Target("users reaching vip (>= 5000 yuan)", 25, 8, 80),
    Target("recalled node-1 users back within 7 days of step 1", 0.34, 0.29, 0.39),
    Target("holdout node-1 users back within 7 days of the 24 h mark", 0.20, 0.14, 0.26),
    Target("max marketing SMS per user per day", 3, 0, 3),
    Target("experiment users", 1200, 1000, 2000),
    Target("experiment day-30 retention, group A", 0.415, 0.40, 0.43),
    Target("experiment day-30 retention, group B", 0.353, 0.34, 0.37),
    Target("experiment AOV, group A (yuan)", 250, 235, 265),
    Target("experiment AOV, group B (yuan)", 225, 210, 240),
    Target("experiment users, A/A test (homepage_banner_aa_2025q3)", 300, 200, 450),
    Target("A/A test: group A share of assigned users", 0.5, 0.44, 0.56,
           "a fair coin: the SRM check passes"),
    Target("broken split (search_ranking_2025q4): group A share of assigned users", 0.667, 0.6, 0.72,
           "half of B's rows lost: the SRM check flags it"),
    Target("S level (3+ paid orders and 5+ interactions in a month): share of the month's buyers", 0.048,
           0.038, 0.058, "the reports' 4.8% of users, read over buyer-months"),
    Target("user-months with 3+ paid orders that have 5+ interactions", 0.92, 0.85, 0.98),
    Target("interaction events per active user-month", 0.6, 0.45, 0.75),
    Target("community coupon (community_coupon campaigns): offered users who claimed it", 0.89, 0.82, 0.95),
    Target("community coupon: claimed coupons redeemed", 0.62, 0.52, 0.72),
    Target("满599减200 (member_coupon campaigns): claimed coupons redeemed", 0.29, 0.15, 0.43,
           "21 coupons on the sample: a binomial standard error of 0.10"),
    Target("delivered within 72 h of payment", 0.89, 0.86, 0.92),
    Target("returns per delivered order", 0.065, 0.05, 0.08),
    Target("returns with reason late_delivery", 0.22, 0.17, 0.27),
    Target("points entries farming-suspected", 0.04, 0.03, 0.05),
    Target("Q4 2025 points redeemed / earned", 0.63, 0.55, 0.71),
    Target("fraud orders share", 0.005, 0.004, 0.006),
    Target("channel ROI xiaohongshu", 4.2, 3.7, 4.7),
    Target("channel ROI private_community", 3.0, 2.6, 3.4),
    Target("channel ROI douyin_live", 2.55, 2.3, 2.8),
    Target("campaign ROI new_user_week", 3.2, 2.9, 3.5),
    Target("campaign ROI points_race", 2.8, 2.5, 3.1),
    Target("campaign ROI flash_discount_night", 2.9, 2.6, 3.2),
    Target("referral CAC (yuan per referred user)", 5.0, 4.0, 6.0),
    Target("new-user CAC: acquisition-campaign spend / users they acquired", 15.0, 10.0, 20.0),
    Target("weekly budget flags: cut", 1, 1, 10_000),
    Target("weekly budget flags: raise", 1, 1, 10_000),
    Target("orders per day, Spring Festival week vs 年货节 before it", 0.5, 0.25, 0.75),
    Target("orders per day, week after Spring Festival vs festival week", 1.8, 1.2, 10),
    Target("orders per day, 618 (06-01..18) vs May", 1.8, 1.3, 10),
    Target("orders per day, 双11 (11-01..11) vs October", 1.9, 1.3, 10),
)


def _source(directory: Path, entity: str) -> str:
    csv = directory / f"{entity}.csv"
    if csv.exists():
        return f"read_csv('{csv}', header = true, all_varchar = true)"
    return f"(select * from read_parquet('{directory / (entity + '.parquet')}'))"


def connect(directory: Path) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with clean, typed views over the raw files."""
    con = duckdb.connect(":memory:")
    con.execute("set TimeZone = 'UTC'")
    src = {entity: _source(directory, entity) for entity in (
        "users", "events", "orders", "order_items", "shipments", "returns", "campaigns", "channel_spend",
        "coupons", "points_ledger", "member_tiers", "messages", "experiments")}
    con.execute(f"""
    create view users as
    with raw as (
        select try_cast(user_id as bigint) as user_id, try_cast(registered_at as timestamp) as registered_at,
               try_cast(birth_year as integer) as birth_year, lower(device) as device,
               lower(acquisition_channel) as source, try_cast(acquisition_campaign_id as bigint) as campaign_id,
               lower(cast(is_test_account as varchar)) = 'true' as is_test,
               try_cast(loaded_at as timestamp) as loaded_at
        from {src['users']}
    ), ranked as (
        select *, row_number() over (partition by user_id order by loaded_at desc) as rn from raw
        where user_id is not null
    )
    select user_id, registered_at, cast(registered_at + {SH} as date) as reg_date, birth_year,
           year(registered_at + {SH}) - birth_year < 18 as is_under_18, device, source, campaign_id, is_test
    from ranked where rn = 1 and device in ('app', 'mini_program', 'miniprogram', 'web', 'h5');

    create view real_users as select * from users where not is_test;

    create view events as
    with raw as (
        select try_cast(event_id as bigint) as event_id, try_cast(user_id as bigint) as user_id,
               try_cast(session_id as bigint) as session_id, event_type, lower(utm_source) as source,
               try_cast(event_at as timestamp) as event_at, try_cast(loaded_at as timestamp) as loaded_at
        from {src['events']}
    ), ranked as (
        select *, row_number() over (partition by event_id order by loaded_at desc) as rn from raw
        where event_id is not null
    )
    select event_id, ranked.user_id, session_id, event_type, ranked.source, event_at,
           cast(event_at + {SH} as date) as event_date
    from ranked join real_users using (user_id)
    where rn = 1 and event_type in ('login', 'page_view', 'search', 'add_to_cart');

    create view interaction_events as
    with raw as (
        select try_cast(event_id as bigint) as event_id, try_cast(user_id as bigint) as user_id,
               case event_type when 'review' then 'comment' when 'vote' then 'like' when 'checkin' then 'check_in'
                   else event_type end as event_type,
               try_cast(event_at as timestamp) as event_at, try_cast(loaded_at as timestamp) as loaded_at
        from {src['events']}
    ), ranked as (
        select *, row_number() over (partition by event_id order by loaded_at desc) as rn from raw
        where event_id is not null
    )
    select event_id, ranked.user_id, event_type, event_at
    from ranked join real_users using (user_id)
    where rn = 1 and event_type in ('share', 'comment', 'like', 'check_in');

    create view orders as
    with raw as (
        select try_cast(order_id as bigint) as order_id, try_cast(user_id as bigint) as user_id,
               try_cast(placed_at as timestamp) as placed_at, try_cast(paid_at as timestamp) as paid_at,
               status, try_cast(paid_amount as decimal(18,2)) as paid_amount, lower(channel) as source,
               try_cast(campaign_id as bigint) as campaign_id, try_cast(coupon_id as bigint) as coupon_id,
               risk_flag, try_cast(loaded_at as timestamp) as loaded_at
        from {src['orders']}
    ), ranked as (
        select *, row_number() over (partition by order_id order by loaded_at desc) as rn from raw
        where order_id is not null
    )
    select order_id, ranked.user_id, placed_at, paid_at, paid_at is not null as is_paid,
           cast(placed_at + {SH} as date) as placed_date, cast(paid_at + {SH} as date) as paid_date,
           status, paid_amount, ranked.source, ranked.campaign_id, coupon_id
    from ranked join real_users using (user_id)
    where rn = 1 and risk_flag = 'none' and paid_amount > 0 and (paid_at is null or paid_at >= placed_at);

    create view paid_orders as select * from orders where is_paid;

    create view shipments as
    with raw as (
        select try_cast(shipment_id as bigint) as shipment_id, try_cast(order_id as bigint) as order_id, carrier,
               try_cast(shipped_at as timestamp) as shipped_at, try_cast(delivered_at as timestamp) as delivered_at,
               try_cast(promised_delivery_at as timestamp) as promised_at, try_cast(loaded_at as timestamp) as loaded_at
        from {src['shipments']}
    ), ranked as (select *, row_number() over (partition by shipment_id order by loaded_at desc) as rn from raw)
    select shipment_id, order_id, carrier, shipped_at, delivered_at, promised_at from ranked
    where rn = 1 and carrier in ('sf', 'jd', 'zto', 'yto', 'ems') and order_id in (select order_id from orders);

    create view returns as
    with raw as (
        select try_cast(return_id as bigint) as return_id, try_cast(order_id as bigint) as order_id,
               try_cast(requested_at as timestamp) as requested_at, reason,
               try_cast(refund_amount as decimal(18,2)) as refund_amount, try_cast(loaded_at as timestamp) as loaded_at
        from {src['returns']}
    ), ranked as (select *, row_number() over (partition by return_id order by loaded_at desc) as rn from raw)
    select return_id, order_id, requested_at, reason, refund_amount from ranked
    where rn = 1 and refund_amount > 0 and order_id in (select order_id from orders);

    create view campaigns as
    select try_cast(campaign_id as bigint) as campaign_id, campaign_name, campaign_type,
           try_cast(start_date as date) as start_date, try_cast(end_date as date) as end_date
    from {src['campaigns']};

    create view spend as
    with raw as (
        select try_cast(spend_date as date) as spend_date, channel, try_cast(campaign_id as bigint) as campaign_id,
               try_cast(spend_amount as decimal(18,2)) as spend_amount, try_cast(loaded_at as timestamp) as loaded_at
        from {src['channel_spend']}
    ), ranked as (
        select *, row_number() over (partition by spend_date, channel, campaign_id order by loaded_at desc) as rn
        from raw
    )
    select spend_date, channel, campaign_id, spend_amount from ranked where rn = 1 and spend_amount > 0;

    create view coupons as
    with raw as (
        select try_cast(coupon_id as bigint) as coupon_id, try_cast(user_id as bigint) as user_id,
               try_cast(campaign_id as bigint) as campaign_id,
               try_cast(threshold_amount as decimal(18,2)) as threshold_amount,
               try_cast(discount_value as decimal(18,2)) as discount_value,
               try_cast(issued_at as timestamp) as issued_at, try_cast(expires_at as timestamp) as expires_at,
               try_cast(redeemed_at as timestamp) as redeemed_at,
               try_cast(redeemed_order_id as bigint) as redeemed_order_id, try_cast(loaded_at as timestamp) as loaded_at
        from {src['coupons']}
    ), ranked as (select *, row_number() over (partition by coupon_id order by loaded_at desc) as rn from raw)
    select * exclude (rn, loaded_at) from ranked where rn = 1;

    create view points as
    with raw as (
        select try_cast(entry_id as bigint) as entry_id, try_cast(user_id as bigint) as user_id, entry_type, reason,
               try_cast(points as integer) as points, try_cast(order_id as bigint) as order_id,
               try_cast(occurred_at as timestamp) as occurred_at,
               lower(cast(is_farming_suspected as varchar)) = 'true' as is_farming,
               try_cast(loaded_at as timestamp) as loaded_at
        from {src['points_ledger']}
    ), ranked as (
        select *, row_number() over (partition by entry_id order by loaded_at desc) as rn from raw
        where entry_id is not null
    )
    select * exclude (rn, loaded_at) from ranked where rn = 1;

    create view tiers as
    with raw as (
        select try_cast(tier_change_id as bigint) as tier_change_id, try_cast(user_id as bigint) as user_id,
               from_tier, to_tier, try_cast(changed_at as timestamp) as changed_at,
               try_cast(loaded_at as timestamp) as loaded_at
        from {src['member_tiers']}
    ), ranked as (select *, row_number() over (partition by tier_change_id order by loaded_at desc) as rn from raw)
    select * exclude (rn, loaded_at) from ranked where rn = 1;

    create view messages as
    with raw as (
        select try_cast(message_id as bigint) as message_id, try_cast(user_id as bigint) as user_id,
               message_channel, purpose, try_cast(campaign_id as bigint) as campaign_id,
               try_cast(sent_at as timestamp) as sent_at,
               try_cast(clicked_at as timestamp) as clicked_at, try_cast(loaded_at as timestamp) as loaded_at
        from {src['messages']}
    ), ranked as (
        select *, row_number() over (partition by message_id order by loaded_at desc) as rn from raw
        where message_id is not null
    )
    select * exclude (rn, loaded_at) from ranked where rn = 1;

    create view experiments as
    with raw as (
        select try_cast(assignment_id as bigint) as assignment_id, experiment_id,
               try_cast(user_id as bigint) as user_id, upper(group_name) as group_name,
               try_cast(assigned_at as timestamp) as assigned_at, try_cast(loaded_at as timestamp) as loaded_at
        from {src['experiments']}
    ), ranked as (select *, row_number() over (partition by assignment_id order by loaded_at desc) as rn from raw)
    select * exclude (rn, loaded_at) from ranked where rn = 1;

    create view channel_map as
    select * from (values
        ('app_search', 'platform_search'), ('search', 'platform_search'), ('douyin', 'douyin_live'),
        ('douyin_live', 'douyin_live'), ('xhs', 'xiaohongshu'), ('xiaohongshu', 'xiaohongshu'),
        ('weibo', 'weibo'), ('bilibili', 'bilibili'), ('b23', 'bilibili'), ('wecom', 'private_community'),
        ('wechat_group', 'private_community'), ('kol', 'kol_koc'), ('koc', 'kol_koc'),
        ('official', 'official_site'), ('website', 'official_site'), ('store', 'offline_store'),
        ('offline', 'offline_store')
    ) as mapping(source, channel);
    """)
    return con


def _one(con: duckdb.DuckDBPyConnection, sql: str) -> float:
    value = con.execute(sql).fetchone()[0]
    return float(value) if value is not None else float("nan")


def measure(directory: Path) -> dict[str, float]:
    """Measure every target on the files in ``directory``."""
    con = connect(directory)
    m: dict[str, float] = {}
    m["users (clean, non-test)"] = _one(con, "select count(*) from real_users")
    m["test account share of users"] = _one(con, "select avg(is_test::int) from users")
    con.execute(f"""
    create temp table user_flags as
    select users.user_id, users.reg_date, users.is_under_18, users.campaign_id,
           not exists (select 1 from events where events.user_id = users.user_id
                       and events.event_at < users.registered_at + interval 24 hour) as node1,
           not exists (select 1 from events where events.user_id = users.user_id
                       and events.event_type = 'login' and events.event_at >= users.registered_at) as never_login,
           exists (select 1 from events where events.user_id = users.user_id
                   and events.event_date = users.reg_date + 1) as active_d1,
           exists (select 1 from events where events.user_id = users.user_id
                   and events.event_date = users.reg_date + 30) as active_d30
    from real_users as users
    """)
    m["no event within 24 h of registration (node 1)"] = _one(con, "select avg(node1::int) from user_flags")
    m["never a login event after registration"] = _one(con, "select avg(never_login::int) from user_flags")
    m["under-18 share of users"] = _one(con, "select avg(coalesce(is_under_18, false)::int) from user_flags")
    m["under-18 share of node-1 users"] = _one(
        con, "select avg(coalesce(is_under_18, false)::int) from user_flags where node1")
    m["next-day retention, all cohorts"] = _one(
        con, f"select avg(active_d1::int) from user_flags where reg_date < date '{END_DATE}'")
    m["next-day retention, new_user_week users"] = _one(con, """
        select avg(active_d1::int) from user_flags join campaigns using (campaign_id)
        where campaign_type = 'new_user_week'""")
    m["day-30 retention, cohorts 2025-01..2025-06"] = _one(
        con, "select avg(active_d30::int) from user_flags where reg_date < date '2025-07-01'")
    m["day-30 retention, cohorts 2025-10..2026-03"] = _one(con, f"""
        select avg(active_d30::int) from user_flags
        where reg_date >= date '2025-10-01' and reg_date + 30 <= date '{END_DATE}'""")

    # Funnel per user-day, in funnel order and in time: the entry is the
    # user-day's first browse; the cart, then an order placed after the first
    # cart, then that order's payment must all fall within 7 x 24 h of it.
    con.execute("""
    create temp table funnel as
    with entries as (
        select user_id, event_date, min(event_at) as browsed_at
        from events where event_type in ('page_view', 'search') group by all
    ), carts as (
        select entries.user_id, entries.event_date, entries.browsed_at, min(events.event_at) as carted_at
        from entries join events on events.user_id = entries.user_id and events.event_type = 'add_to_cart'
            and events.event_at >= entries.browsed_at and events.event_at < entries.browsed_at + interval 7 day
        group by all
    ), ordered as (
        select carts.user_id, carts.event_date,
               bool_or(orders.is_paid and orders.paid_at < carts.browsed_at + interval 7 day) as paid
        from carts join orders on orders.user_id = carts.user_id and orders.placed_at >= carts.carted_at
            and orders.placed_at < carts.browsed_at + interval 7 day
        group by all
    )
    select entries.user_id, entries.event_date, carts.carted_at is not null as carted,
           ordered.user_id is not null as ordered, coalesce(ordered.paid, false) as paid
    from entries
    left join carts using (user_id, event_date)
    left join ordered using (user_id, event_date)
    where entries.event_date <= date '2026-04-23'
    """)
    m["browse user-days with add_to_cart within 7 days"] = _one(con, "select avg(carted::int) from funnel")
    m["carting browse user-days with an order after the cart within 7 days"] = _one(
        con, "select avg(ordered::int) from funnel where carted")
    m["orders paid"] = _one(con, "select avg(is_paid::int) from orders where placed_date <= date '2026-04-27'")
    m["ordering browse user-days with the order paid within 7 days"] = _one(
        con, "select avg(paid::int) from funnel where ordered")

    # Channels.
    con.execute("""
    create temp table sessions as
    select session_id, any_value(coalesce(channel_map.channel, case when events.source is null then 'direct'
                                          else 'other' end)) as channel
    from events left join channel_map using (source) group by session_id;
    create temp table order_channels as
    select orders.*, coalesce(channel_map.channel, case when orders.source is null then 'direct' else 'other' end)
           as channel
    from orders left join channel_map using (source);
    """)
    for channel in ("platform_search", "douyin_live", "private_community"):
        m[f"visit share {channel}"] = _one(
            con, f"select avg((channel = '{channel}')::int) from sessions")
    m["GMV share douyin_live"] = _one(con, """
        select sum(paid_amount) filter (where channel = 'douyin_live') / sum(paid_amount)
        from order_channels where is_paid""")
    m["order conversion per visit, private_community / douyin_live"] = _one(con, """
        with conv as (
            select channel, (select count(*) from order_channels as o where o.channel = s.channel)
                   / count(*) as rate
            from sessions as s group by channel
        )
        select max(rate) filter (where channel = 'private_community') / max(rate) filter (where channel = 'douyin_live')
        from conv""")

    # Repurchase, AOV, members.
    con.execute("""
    create temp table paid_seq as
    select *, row_number() over (partition by user_id order by paid_at) as seq,
           count(*) over (partition by user_id) as n_paid,
           sum(paid_amount) over (partition by user_id order by paid_at
                                  rows between unbounded preceding and current row) as cumulative,
           date_diff('second', lag(paid_at) over (partition by user_id order by paid_at), paid_at) / 86400.0
               as gap_days
    from paid_orders;
    """)
    con.execute("""
    create temp table repeat_buyers as
    select user_id, n_paid, date_diff('second', min(paid_at), max(paid_at)) / 86400.0 / (n_paid - 1) as mean_gap
    from paid_seq where n_paid >= 2 group by user_id, n_paid
    """)
    m["repurchase cycle: median over repeat buyers of their mean days between paid orders"] = _one(
        con, "select median(mean_gap) from repeat_buyers")
    m["repurchase cycle of high-retention users (10+ paid orders)"] = _one(
        con, "select median(mean_gap) from repeat_buyers where n_paid >= 10")
    m["AOV 2025-Q1 (yuan)"] = _one(
        con, "select avg(paid_amount) from paid_orders where paid_date < date '2025-04-01'")
    m["AOV 2026-Q1..Q2 (yuan)"] = _one(
        con, "select avg(paid_amount) from paid_orders where paid_date >= date '2026-01-01'")
    m["AOV of orders paid while VIP (cumulative >= 5000 before the order)"] = _one(
        con, "select avg(paid_amount) from paid_seq where cumulative - paid_amount >= 5000")
    m["AOV of under-18 users (yuan)"] = _one(con, """
        select avg(paid_amount) from paid_orders join real_users using (user_id) where is_under_18""")
    con.execute("""
    create temp table member_quarters as
    with members as (
        select user_id, min(paid_date) filter (where cumulative >= 500) as member_since from paid_seq group by 1
    ), quarters as (
        select unnest([date '2025-04-01', date '2025-07-01', date '2025-10-01', date '2026-01-01']) as quarter
    )
    select members.user_id, quarters.quarter,
           (select count(*) from paid_orders as p where p.user_id = members.user_id
            and p.paid_date >= quarters.quarter and p.paid_date < quarters.quarter + interval 3 month) as n
    from members cross join quarters where members.member_since < quarters.quarter
    """)
    m["member repurchase: members at quarter start with 2+ paid orders in it, 2025-Q2..Q3"] = _one(con, """
        select avg((n >= 2)::int) from member_quarters where quarter in ('2025-04-01', '2025-07-01')""")
    m["member repurchase: members at quarter start with 2+ paid orders in it, 2026-Q1"] = _one(con, """
        select avg((n >= 2)::int) from member_quarters where quarter = '2026-01-01'""")
    con.execute("""
    create temp table buyer_months as
    select user_id, date_trunc('month', paid_date) as month, count(*) as n from paid_orders group by all
    """)
    m["monthly repurchase of buyers acquired via private_community"] = _one(con, """
        select avg((n >= 2)::int) from buyer_months join real_users using (user_id)
        join channel_map using (source) where channel_map.channel = 'private_community'""")
    m["monthly repurchase of all buyers"] = _one(con, "select avg((n >= 2)::int) from buyer_months")
    m["sleeping buyers (no paid order in the last 180 days)"] = _one(con, f"""
        select avg((last_paid < date '{END_DATE}' - 180)::int) from (
            select user_id, max(paid_date) as last_paid from paid_orders group by 1)""")
    m["users reaching regular (>= 500 yuan)"] = _one(
        con, "select count(distinct user_id) from paid_seq where cumulative >= 500")
    m["users reaching vip (>= 5000 yuan)"] = _one(
        con, "select count(distinct user_id) from paid_seq where cumulative >= 5000")

    # Recall.
    con.execute("""
    create temp table node1_users as
    select users.user_id, users.registered_at,
           (select min(sent_at) from messages where messages.user_id = users.user_id
            and purpose = 'recall_1') as step1_at
    from real_users as users join user_flags using (user_id)
    where user_flags.node1 and users.registered_at + interval 8 day < timestamp '2026-04-30 16:00:00'
    """)
    m["recalled node-1 users back within 7 days of step 1"] = _one(con, """
        select avg((exists (select 1 from events where events.user_id = n.user_id
                and events.event_at > n.step1_at and events.event_at <= n.step1_at + interval 7 day))::int)
        from node1_users as n where step1_at is not null""")
    m["holdout node-1 users back within 7 days of the 24 h mark"] = _one(con, """
        select avg((exists (select 1 from events where events.user_id = n.user_id
                and events.event_at <= n.registered_at + interval 8 day))::int)
        from node1_users as n where step1_at is null
          and not exists (select 1 from messages where messages.user_id = n.user_id
                          and purpose like 'recall%')""")
    m["max marketing SMS per user per day"] = _one(con, f"""
        select coalesce(max(n), 0) from (
            select user_id, cast(sent_at + {SH} as date), count(*) as n from messages
            where message_channel = 'sms' and (purpose like 'recall%' or purpose = 'promotion') group by all)""")

    # Experiment.
    con.execute(f"""
    create temp table experiment_users as
    select experiments.user_id, group_name, assigned_at, cast(assigned_at + {SH} as date) as assigned_date,
           exists (select 1 from events where events.user_id = experiments.user_id
                   and events.event_date = cast(assigned_at + {SH} as date) + 30) as retained_30
    from experiments join real_users using (user_id)
    where experiment_id = 'coupon_push_2025q2'
    """)
    m["experiment users"] = _one(con, "select count(*) from experiment_users")
    for group in ("A", "B"):
        m[f"experiment day-30 retention, group {group}"] = _one(
            con, f"select avg(retained_30::int) from experiment_users where group_name = '{group}'")
        m[f"experiment AOV, group {group} (yuan)"] = _one(con, f"""
            select avg(paid_amount) from paid_orders join experiment_users using (user_id)
            where group_name = '{group}' and placed_at >= assigned_at
              and placed_at < assigned_at + interval 30 day""")

    # Side experiments (assignment logs only).
    m["experiment users, A/A test (homepage_banner_aa_2025q3)"] = _one(con, """
        select count(distinct user_id) from experiments join real_users using (user_id)
        where experiment_id = 'homepage_banner_aa_2025q3'""")
    for name, experiment_id in (("A/A test: group A share of assigned users", "homepage_banner_aa_2025q3"),
                                ("broken split (search_ranking_2025q4): group A share of assigned users",
                                 "search_ranking_2025q4")):
        m[name] = _one(con, f"""
            select avg((group_name = 'A')::int) from experiments join real_users using (user_id)
            where experiment_id = '{experiment_id}'""")

    # Interactions and the value model's S level (per Asia/Shanghai month).
    con.execute(f"""
    create temp table user_months as
    with interactions as (
        select user_id, date_trunc('month', event_at + {SH}) as month, count(*) as interactions
        from interaction_events group by all
    ), active as (
        select user_id, date_trunc('month', event_at + {SH}) as month from events
        union
        select user_id, date_trunc('month', event_at + {SH}) from interaction_events
        union
        select user_id, date_trunc('month', paid_at + {SH}) from paid_orders
    ), bought as (
        select user_id, date_trunc('month', paid_at + {SH}) as month, count(*) as paid_orders,
               sum(paid_amount) as paid_gmv
        from paid_orders group by all
    )
    select active.user_id, active.month, coalesce(paid_orders, 0) as paid_orders,
           coalesce(paid_gmv, 0) as paid_gmv, coalesce(interactions, 0) as interactions,
           coalesce(paid_orders >= 3 and interactions >= 5, false) as is_s_level
    from active left join bought using (user_id, month) left join interactions using (user_id, month)
    """)
    m["S level (3+ paid orders and 5+ interactions in a month): share of the month's buyers"] = _one(con, """
        select avg(is_s_level::int) from user_months where paid_orders > 0""")
    m["user-months with 3+ paid orders that have 5+ interactions"] = _one(con, """
        select avg((interactions >= 5)::int) from user_months where paid_orders >= 3""")
    m["interaction events per active user-month"] = _one(con, "select avg(interactions) from user_months")

    # Targeted coupons: offered = messaged for the campaign; claimed = issued its coupon.
    con.execute("""
    create temp table offer_funnel as
    with offered as (
        select distinct messages.user_id, messages.campaign_id, campaigns.campaign_type
        from messages join campaigns using (campaign_id)
        where campaigns.campaign_type in ('community_coupon', 'member_coupon')
    )
    select offered.*, count(coupons.coupon_id) as claimed,
           count(coupons.coupon_id) filter (where coupons.redeemed_order_id in (select order_id from paid_orders))
               as redeemed
    from offered left join coupons using (user_id, campaign_id)
    group by all
    """)
    m["community coupon (community_coupon campaigns): offered users who claimed it"] = _one(con, """
        select avg((claimed > 0)::int) from offer_funnel where campaign_type = 'community_coupon'""")
    m["community coupon: claimed coupons redeemed"] = _one(con, """
        select sum(redeemed) / sum(claimed) from offer_funnel where campaign_type = 'community_coupon'""")
    m["满599减200 (member_coupon campaigns): claimed coupons redeemed"] = _one(con, """
        select sum(redeemed) / sum(claimed) from offer_funnel where campaign_type = 'member_coupon'""")

    # Logistics.
    m["delivered within 72 h of payment"] = _one(con, """
        select avg((delivered_at <= paid_at + interval 72 hour)::int)
        from shipments join paid_orders using (order_id) where delivered_at is not null""")
    m["returns per delivered order"] = _one(con, """
        select (select count(distinct order_id) from returns) / count(*) from shipments
        where delivered_at is not null""")
    m["returns with reason late_delivery"] = _one(con, "select avg((reason = 'late_delivery')::int) from returns")

    # Points.
    m["points entries farming-suspected"] = _one(con, "select avg(is_farming::int) from points")
    m["Q4 2025 points redeemed / earned"] = _one(con, f"""
        select sum(points) filter (where entry_type = 'redeem') / sum(points) filter (where entry_type = 'earn')
        from points where cast(occurred_at + {SH} as date) between date '2025-10-01' and date '2025-12-31'""")
    m["fraud orders share"] = _one(con, f"""
        with raw as (select distinct order_id, risk_flag from {src_orders(directory)})
        select avg((risk_flag = 'fraud')::int) from raw""")

    # Channel and campaign ROI.
    for channel in ("xiaohongshu", "private_community", "douyin_live"):
        m[f"channel ROI {channel}"] = _one(con, f"""
            select (select sum(paid_amount) from order_channels where is_paid and channel = '{channel}')
                   / (select sum(spend_amount) from spend where channel = '{channel}')""")
    for campaign_type in ("new_user_week", "points_race", "flash_discount_night"):
        m[f"campaign ROI {campaign_type}"] = _one(con, f"""
            with per_campaign as (
                select campaigns.campaign_id,
                       (select coalesce(sum(paid_amount), 0) from paid_orders as o
                        where o.campaign_id = campaigns.campaign_id
                          and o.placed_date between campaigns.start_date and campaigns.end_date) as gmv,
                       (select coalesce(sum(spend_amount), 0) from spend
                        where spend.campaign_id = campaigns.campaign_id) as tied,
                       (select coalesce(sum(discount_value), 0) from coupons
                        where coupons.campaign_id = campaigns.campaign_id
                          and coupons.redeemed_order_id in (select order_id from paid_orders)) as coupon_cost,
                       (select coalesce(sum(points), 0) * 0.01 from points
                        join paid_orders as o using (order_id)
                        where points.entry_type = 'redeem' and o.campaign_id = campaigns.campaign_id
                          and o.placed_date between campaigns.start_date and campaigns.end_date) as points_cost
                from campaigns where campaign_type = '{campaign_type}' and start_date <= date '{END_DATE}'
            )
            select sum(gmv) / sum(tied + coupon_cost + points_cost) from per_campaign""")
    m["referral CAC (yuan per referred user)"] = _one(con, """
        select (select sum(spend_amount) from spend join campaigns using (campaign_id)
                where campaign_type = 'referral')
               / (select count(*) from real_users join campaigns using (campaign_id)
                  where campaign_type = 'referral')""")
    m["new-user CAC: acquisition-campaign spend / users they acquired"] = _one(con, """
        select (select sum(spend_amount) from spend join campaigns using (campaign_id)
                where campaign_type in ('referral', 'new_user_week'))
               / (select count(*) from real_users join campaigns using (campaign_id)
                  where campaign_type in ('referral', 'new_user_week'))""")
    con.execute("""
    create temp table weekly_roi as
    with gmv as (
        select channel, date_trunc('week', paid_date) as week, sum(paid_amount) as gmv
        from order_channels where is_paid group by all
    ), cost as (
        select channel, date_trunc('week', spend_date) as week, sum(spend_amount) as spend from spend group by all
    )
    select cost.channel, cost.week, coalesce(gmv.gmv, 0) / cost.spend as roi
    from cost left join gmv using (channel, week)
    where cost.week >= date '2025-01-06' and cost.week <= date '2026-04-20'
    """)
    flags = con.execute("""
        with lagged as (
            select channel, week, roi, lag(roi) over (partition by channel order by week) as previous
            from weekly_roi
        )
        select count(*) filter (where roi < 4 and previous < 4), count(*) filter (where roi > 5 and previous > 5),
               count(*) filter (where not (roi < 4 and previous < 4) and not (roi > 5 and previous > 5))
        from lagged where previous is not null
    """).fetchone()
    m["weekly budget flags: cut"], m["weekly budget flags: raise"] = float(flags[0]), float(flags[1])

    # Seasonality of paid orders per day.
    def per_day(lo: str, hi: str) -> str:
        return (f"(select count(*) / (date '{hi}' - date '{lo}' + 1) from paid_orders "
                f"where paid_date between date '{lo}' and date '{hi}')")
    m["orders per day, Spring Festival week vs 年货节 before it"] = _one(
        con, f"select {per_day('2025-01-26', '2025-02-04')} / {per_day('2025-01-13', '2025-01-24')}")
    m["orders per day, week after Spring Festival vs festival week"] = _one(
        con, f"select {per_day('2025-02-05', '2025-02-12')} / {per_day('2025-01-26', '2025-02-04')}")
    m["orders per day, 618 (06-01..18) vs May"] = _one(
        con, f"select {per_day('2025-06-01', '2025-06-18')} / {per_day('2025-05-01', '2025-05-28')}")
    m["orders per day, 双11 (11-01..11) vs October"] = _one(
        con, f"select {per_day('2025-11-01', '2025-11-11')} / {per_day('2025-10-08', '2025-10-31')}")
    con.close()
    return m


def src_orders(directory: Path) -> str:
    """Raw orders relation (for rates over all rows)."""
    return _source(directory, "orders")


def report(directory: Path) -> list[tuple[Target, float, bool]]:
    """Targets with the measured value and whether it is within tolerance."""
    measured = measure(directory)
    return [(t, measured[t.name], t.low <= measured[t.name] <= t.high) for t in TARGETS]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ecomops.generate.calibration",
                                     description="Print calibration targets vs measured values.")
    parser.add_argument("directory", type=Path, nargs="?", default=Path("seeds/raw"))
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = parser.parse_args(argv)
    rows = report(args.directory)
    if args.markdown:
        print("| metric | target | tolerance | measured |")
        print("| --- | --- | --- | --- |")
    for target, value, ok in rows:
        fmt = (lambda v: f"{v:.3f}") if abs(target.target) < 10 else (lambda v: f"{v:,.1f}")
        if args.markdown:
            print(f"| {target.name} | {fmt(target.target)} | {fmt(target.low)} .. {fmt(target.high)} | {fmt(value)} |")
        else:
            print(f"{'ok ' if ok else 'OFF'} {target.name:<66} target {fmt(target.target):>9}  "
                  f"[{fmt(target.low)} .. {fmt(target.high)}]  measured {fmt(value):>9}")
    return 0 if all(ok for _, _, ok in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
