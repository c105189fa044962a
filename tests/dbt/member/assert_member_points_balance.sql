-- Points balance = earned - redeemed - expired (cumulative, farmed points
-- excluded); each user's last balance equals the signed sum of their
-- non-farmed ledger entries; farmed and non-farmed points add up to the
-- ledger's total.

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
        'balance_identity' as problem
    from member_points
    where points_balance != cumulative_points_earned - cumulative_points_redeemed - cumulative_points_expired

),

last_balances as (

    select
        user_id,
        points_balance
    from (
        select
            user_id,
            points_balance,
            row_number() over (partition by user_id order by points_date desc) as recency_rank
        from member_points
    ) as ranked
    where recency_rank = 1

),

ledger_balances as (

    select
        user_id,
        sum(case when not is_farming_suspected then points_delta else 0 end) as points_balance
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
    where last_balances.points_balance is null or last_balances.points_balance != ledger_balances.points_balance

),

totals as (

    select
        (select sum(points) from ledger) as ledger_points,
        (
            select
                sum(
                    points_earned + points_redeemed + points_expired
                    + farmed_points_earned + farmed_points_redeemed_or_expired
                )
            from member_points
        ) as mart_points

),

total_mismatch as (

    select
        null as user_id,
        null as points_date,
        'points_total_differs_from_ledger' as problem
    from totals
    where ledger_points != mart_points

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
