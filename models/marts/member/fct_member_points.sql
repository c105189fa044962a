-- Points (积分) per user and Asia/Shanghai day with a ledger movement.
-- Earned points flagged as farming (刷分) are counted apart. Redemptions
-- and expiries are split between farmed and clean points by the
-- farmed-first rule: a user's unspent farmed points are deemed spent before
-- clean ones. With F = cumulative farmed points earned and S = cumulative
-- points spent (redeemed + expired), the farmed points spent so far are
-- S + least(0, running minimum of F - S), the reflected-queue form of
-- farmed-first; within a day, farmed spending is assigned to redemptions
-- before expiries.

with

ledger as (

    select * from {{ ref('stg_crm__points_ledger') }}

),

daily as (

    select
        user_id,
        occurred_date as points_date,
        sum(case when not is_farming_suspected and entry_type = 'earn' and reason = 'purchase' then points else 0 end)
            as points_earned_purchase,
        sum(case when not is_farming_suspected and entry_type = 'earn' and reason = 'check_in' then points else 0 end)
            as points_earned_check_in,
        sum(case when not is_farming_suspected and entry_type = 'earn' and reason = 'share' then points else 0 end)
            as points_earned_share,
        sum(
            case
                when
                    not is_farming_suspected and entry_type = 'earn'
                    and reason not in ('purchase', 'check_in', 'share')
                    then points
                else 0
            end
        ) as points_earned_other,
        sum(case when not is_farming_suspected and entry_type = 'earn' then points else 0 end) as points_earned,
        sum(case when is_farming_suspected and entry_type = 'earn' then points else 0 end) as farmed_points_earned,
        sum(case when entry_type = 'redeem' then points else 0 end) as all_points_redeemed,
        sum(case when entry_type = 'expire' then points else 0 end) as all_points_expired,
        sum(case when is_farming_suspected then 1 else 0 end) as farmed_entries
    from ledger
    group by user_id, occurred_date

),

running_totals as (

    select
        user_id,
        points_date,
        points_earned_purchase,
        points_earned_check_in,
        points_earned_share,
        points_earned_other,
        points_earned,
        farmed_points_earned,
        all_points_redeemed,
        all_points_expired,
        farmed_entries,
        sum(farmed_points_earned) over user_to_date as cumulative_farmed_points_earned,
        sum(all_points_redeemed + all_points_expired) over user_to_date as cumulative_points_spent
    from daily
    window user_to_date as (
        partition by user_id
        order by points_date
        rows between unbounded preceding and current row
    )

),

farmed_first as (

    select
        user_id,
        points_date,
        points_earned_purchase,
        points_earned_check_in,
        points_earned_share,
        points_earned_other,
        points_earned,
        farmed_points_earned,
        all_points_redeemed,
        all_points_expired,
        farmed_entries,
        cumulative_farmed_points_earned,
        cumulative_points_spent
        + least(
            0,
            min(cumulative_farmed_points_earned - cumulative_points_spent) over (
                partition by user_id
                order by points_date
                rows between unbounded preceding and current row
            )
        ) as cumulative_farmed_points_spent
    from running_totals

),

split as (

    select
        user_id,
        points_date,
        points_earned_purchase,
        points_earned_check_in,
        points_earned_share,
        points_earned_other,
        points_earned,
        farmed_points_earned,
        all_points_redeemed,
        all_points_expired,
        farmed_entries,
        cumulative_farmed_points_earned,
        cumulative_farmed_points_spent,
        cumulative_farmed_points_spent
        - coalesce(
            lag(cumulative_farmed_points_spent) over (partition by user_id order by points_date), 0
        ) as farmed_points_spent
    from farmed_first

),

allocated as (

    select
        user_id,
        points_date,
        points_earned_purchase,
        points_earned_check_in,
        points_earned_share,
        points_earned_other,
        points_earned,
        farmed_points_earned,
        farmed_entries,
        cumulative_farmed_points_earned,
        cumulative_farmed_points_spent,
        least(all_points_redeemed, farmed_points_spent) as farmed_points_redeemed,
        farmed_points_spent - least(all_points_redeemed, farmed_points_spent) as farmed_points_expired,
        all_points_redeemed - least(all_points_redeemed, farmed_points_spent) as points_redeemed,
        all_points_expired - (farmed_points_spent - least(all_points_redeemed, farmed_points_spent))
            as points_expired
    from split

),

running as (

    select
        user_id,
        points_date,
        points_earned_purchase,
        points_earned_check_in,
        points_earned_share,
        points_earned_other,
        points_earned,
        points_redeemed,
        points_expired,
        farmed_points_earned,
        farmed_points_redeemed,
        farmed_points_expired,
        farmed_entries,
        cumulative_farmed_points_earned,
        cumulative_farmed_points_spent,
        sum(points_earned) over user_to_date as cumulative_points_earned,
        sum(points_redeemed) over user_to_date as cumulative_points_redeemed,
        sum(points_expired) over user_to_date as cumulative_points_expired
    from allocated
    window user_to_date as (
        partition by user_id
        order by points_date
        rows between unbounded preceding and current row
    )

),

final as (

    select
        {{ surrogate_key(['user_id', 'points_date']) }} as member_points_day_id,
        user_id,
        points_date,
        cast(points_earned_purchase as bigint) as points_earned_purchase,
        cast(points_earned_check_in as bigint) as points_earned_check_in,
        cast(points_earned_share as bigint) as points_earned_share,
        cast(points_earned_other as bigint) as points_earned_other,
        cast(points_earned as bigint) as points_earned,
        cast(points_redeemed as bigint) as points_redeemed,
        cast(points_expired as bigint) as points_expired,
        cast(farmed_points_earned as bigint) as farmed_points_earned,
        cast(farmed_points_redeemed as bigint) as farmed_points_redeemed,
        cast(farmed_points_expired as bigint) as farmed_points_expired,
        cast(farmed_entries as bigint) as farmed_entries,
        cast(cumulative_points_earned as bigint) as cumulative_points_earned,
        cast(cumulative_points_redeemed as bigint) as cumulative_points_redeemed,
        cast(cumulative_points_expired as bigint) as cumulative_points_expired,
        cast(cumulative_points_earned - cumulative_points_redeemed - cumulative_points_expired as bigint)
            as points_balance,
        cast(cumulative_farmed_points_earned - cumulative_farmed_points_spent as bigint) as farmed_points_balance
    from running

)

select * from final
