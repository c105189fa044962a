-- Points balance = earned - redeemed - expired (cumulative clean points);
-- balances are never negative; each user's last clean + farmed balance
-- equals the signed sum of their ledger entries; clean and farmed points
-- add up to the ledger's totals per entry type.

with

member_points as (

    select * from {{ ref('fct_member_points') }}

),

ledger as (

    select * from {{ ref('stg_crm__points_ledger') }}

),

balance_identity as (

    select
        user_id,
        points_date,
        'balance_identity_or_negative' as problem
    from member_points
    where
        points_balance != cumulative_points_earned - cumulative_points_redeemed - cumulative_points_expired
        or points_balance < 0
        or farmed_points_balance < 0

),

last_balances as (

    select
        user_id,
        points_balance,
        farmed_points_balance
    from (
        select
            user_id,
            points_balance,
            farmed_points_balance,
            row_number() over (partition by user_id order by points_date desc) as recency_rank
        from member_points
    ) as ranked
    where recency_rank = 1

),

ledger_balances as (

    select
        user_id,
        sum(points_delta) as points_balance
    from ledger
    group by user_id

),

balance_vs_ledger as (

    select
        ledger_balances.user_id,
        null as points_date,
        'balance_differs_from_ledger' as problem
    from ledger_balances
    left join last_balances
        on ledger_balances.user_id = last_balances.user_id
    where
        last_balances.user_id is null
        or last_balances.points_balance + last_balances.farmed_points_balance != ledger_balances.points_balance

),

ledger_totals as (

    select
        sum(case when entry_type = 'earn' then points else 0 end) as earned,
        sum(case when entry_type = 'redeem' then points else 0 end) as redeemed,
        sum(case when entry_type = 'expire' then points else 0 end) as expired
    from ledger

),

mart_totals as (

    select
        sum(points_earned + farmed_points_earned) as earned,
        sum(points_redeemed + farmed_points_redeemed) as redeemed,
        sum(points_expired + farmed_points_expired) as expired
    from member_points

),

total_mismatch as (

    select
        null as user_id,
        null as points_date,
        'points_totals_differ_from_ledger' as problem
    from ledger_totals
    cross join mart_totals
    where
        ledger_totals.earned != mart_totals.earned
        or ledger_totals.redeemed != mart_totals.redeemed
        or ledger_totals.expired != mart_totals.expired

)

select
    user_id,
    points_date,
    problem
from balance_identity
union all
select
    user_id,
    points_date,
    problem
from balance_vs_ledger
union all
select
    user_id,
    points_date,
    problem
from total_mismatch
