-- The current tier of every user is the tier of their total paid spend net
-- of refunds (non_member without spend).

with

tier_history as (

    select * from {{ ref('dim_member_tier_history') }}

),

spend_daily as (

    select * from {{ ref('int_member_spend_daily') }}

),

total_spend as (

    select
        user_id,
        sum(net_spend_change_cny) as net_spend_cny
    from spend_daily
    group by user_id

),

current_tiers as (

    select
        tier_history.user_id,
        tier_history.tier,
        {{ member_tier_of_spend('coalesce(total_spend.net_spend_cny, 0)') }} as expected_tier
    from tier_history
    left join total_spend
        on tier_history.user_id = total_spend.user_id
    where tier_history.is_current

)

select * from current_tiers
where tier != expected_tier
