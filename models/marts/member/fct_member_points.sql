-- Points (积分) per user and Asia/Shanghai day with a ledger movement:
-- earned by reason, redeemed, expired and the running balance, all over
-- entries not suspected of farming (刷分); farmed points are counted apart
-- and never enter the balance.

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
        sum(case when not is_farming_suspected and entry_type = 'redeem' then points else 0 end) as points_redeemed,
        sum(case when not is_farming_suspected and entry_type = 'expire' then points else 0 end) as points_expired,
        sum(case when is_farming_suspected and entry_type = 'earn' then points else 0 end) as farmed_points_earned,
        sum(case when is_farming_suspected and entry_type != 'earn' then points else 0 end)
            as farmed_points_redeemed_or_expired,
        sum(case when is_farming_suspected then 1 else 0 end) as farmed_entries
    from ledger
    group by user_id, occurred_date

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
        farmed_points_redeemed_or_expired,
        farmed_entries,
        sum(points_earned) over user_to_date as cumulative_points_earned,
        sum(points_redeemed) over user_to_date as cumulative_points_redeemed,
        sum(points_expired) over user_to_date as cumulative_points_expired,
        sum(farmed_points_earned) over user_to_date as cumulative_farmed_points_earned
    from daily
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
        cast(farmed_points_redeemed_or_expired as bigint) as farmed_points_redeemed_or_expired,
        cast(farmed_entries as bigint) as farmed_entries,
        cast(cumulative_points_earned as bigint) as cumulative_points_earned,
        cast(cumulative_points_redeemed as bigint) as cumulative_points_redeemed,
        cast(cumulative_points_expired as bigint) as cumulative_points_expired,
        cast(cumulative_farmed_points_earned as bigint) as cumulative_farmed_points_earned,
        cast(cumulative_points_earned - cumulative_points_redeemed - cumulative_points_expired as bigint)
            as points_balance
    from running

)

select * from final
