{#-
    One row per campaign: cost (channel spend + coupons + points), reach,
    acquisition, orders, GMV, ROI, retention of the users it acquired and the
    30-day repurchase after it. Definitions in _marketing__models.yml.
-#}
{%- set repurchase_days = var('marketing_repurchase_window_days') -%}

with

campaigns as (
    select * from {{ ref('stg_marketing__campaigns') }}
),

channel_spend as (
    select * from {{ ref('stg_marketing__channel_spend') }}
),

coupon_redemptions as (
    select * from {{ ref('int_coupon_redemptions') }}
),

points_ledger as (
    select * from {{ ref('stg_crm__points_ledger') }}
),

orders as (
    select * from {{ ref('fct_orders') }}
),

users as (
    select * from {{ ref('dim_users') }}
),

touches as (
    select * from {{ ref('int_marketing_touches') }}
),

day_n_retention as (
    select * from {{ ref('int_user_day_n_retention') }}
    where cohort_event = 'registration' and activity_type = 'any_event'
),

campaign_spend as (
    select
        campaign_id,
        sum(spend_cny) as channel_spend_cny
    from channel_spend
    where campaign_id is not null
    group by campaign_id
),

-- Orders placed under the campaign during its window, paid or not.
campaign_orders as (
    select
        campaigns.campaign_id,
        orders.order_id,
        orders.user_id,
        orders.is_paid,
        orders.is_first_paid_order,
        orders.paid_gmv_cny
    from campaigns
    inner join orders
        on
            campaigns.campaign_id = orders.campaign_id
            and orders.placed_date between campaigns.start_date and campaigns.end_date
),

campaign_order_totals as (
    select
        campaign_id,
        sum(case when is_paid then 1 else 0 end) as paid_orders,
        sum(case when is_paid and is_first_paid_order then 1 else 0 end) as first_orders,
        sum(paid_gmv_cny) as gmv_cny,
        count(distinct case when is_paid then user_id end) as campaign_buyers
    from campaign_orders
    group by campaign_id
),

-- Coupons the campaign issued, at the value they took off paid orders,
-- whenever they were redeemed: int_coupon_redemptions.coupon_cost_cny, the
-- one definition of coupon cost (fct_coupon_performance reads it too).
coupon_cost as (
    select
        campaign_id,
        sum(coupon_cost_cny) as coupon_cost_cny
    from coupon_redemptions
    where campaign_id is not null
    group by campaign_id
),

-- Points redeemed on the campaign's paid orders.
points_redeemed as (
    select
        campaign_orders.campaign_id,
        sum(points_ledger.points) as points_redeemed
    from points_ledger
    inner join campaign_orders
        on points_ledger.order_id = campaign_orders.order_id
    where points_ledger.entry_type = 'redeem' and campaign_orders.is_paid
    group by campaign_orders.campaign_id
),

acquired_users as (
    select
        acquisition_campaign_id as campaign_id,
        user_id
    from users
    where acquisition_campaign_id is not null
),

participants as (
    select
        campaigns.campaign_id,
        touches.user_id
    from campaigns
    inner join touches
        on
            campaigns.campaign_id = touches.campaign_id
            and touches.touch_date between campaigns.start_date and campaigns.end_date
    union
    select
        campaign_id,
        user_id
    from campaign_orders
    union
    select
        campaign_id,
        user_id
    from acquired_users
),

participant_counts as (
    select
        campaign_id,
        count(*) as participants
    from participants
    group by campaign_id
),

-- Day-N retention of the acquired users: day 0 = the registration day,
-- activity = any recorded activity; observable and retained flags come from
-- int_user_day_n_retention, the one definition of the rule.
acquired_user_days as (
    select
        acquired_users.campaign_id,
        acquired_users.user_id,
        coalesce(day_n.is_d1_observable, false) as is_d1_observable,
        coalesce(day_n.is_d1_retained, false) as is_d1_retained,
        coalesce(day_n.is_d30_observable, false) as is_d30_observable,
        coalesce(day_n.is_d30_retained, false) as is_d30_retained
    from acquired_users
    left join day_n_retention as day_n
        on acquired_users.user_id = day_n.user_id
),

acquired_retention as (
    select
        campaign_id,
        count(*) as new_users,
        sum(case when is_d1_observable then 1 else 0 end) as d1_cohort_users,
        sum(case when is_d1_retained then 1 else 0 end) as d1_retained_users,
        sum(case when is_d30_observable then 1 else 0 end) as d30_cohort_users,
        sum(case when is_d30_retained then 1 else 0 end) as d30_retained_users
    from acquired_user_days
    group by campaign_id
),

campaign_buyers as (
    select distinct
        campaign_id,
        user_id
    from campaign_orders
    where is_paid
),

repurchases as (
    select
        campaign_buyers.campaign_id,
        count(distinct orders.user_id) as repurchase_buyers_30d,
        sum(orders.paid_gmv_cny) as repurchase_gmv_30d_cny
    from campaign_buyers
    inner join campaigns
        on campaign_buyers.campaign_id = campaigns.campaign_id
    inner join orders
        on
            campaign_buyers.user_id = orders.user_id
            and orders.is_paid
            and campaigns.end_date < orders.paid_date
            and orders.paid_date
            <= cast({{ dbt.dateadd('day', repurchase_days, 'campaigns.end_date') }} as date)
    group by campaign_buyers.campaign_id
),

joined as (
    select
        campaigns.campaign_id,
        campaigns.campaign_name,
        campaigns.campaign_type,
        campaigns.start_date,
        campaigns.end_date,
        campaigns.budget_cny,
        coalesce(campaign_spend.channel_spend_cny, 0) as channel_spend_cny,
        coalesce(coupon_cost.coupon_cost_cny, 0) as coupon_cost_cny,
        coalesce(points_redeemed.points_redeemed, 0) as points_redeemed,
        coalesce(participant_counts.participants, 0) as participants,
        coalesce(acquired_retention.new_users, 0) as new_users,
        coalesce(campaign_order_totals.first_orders, 0) as first_orders,
        coalesce(campaign_order_totals.paid_orders, 0) as paid_orders,
        coalesce(campaign_order_totals.gmv_cny, 0) as gmv_cny,
        coalesce(campaign_order_totals.campaign_buyers, 0) as campaign_buyers,
        coalesce(acquired_retention.d1_cohort_users, 0) as d1_cohort_users,
        coalesce(acquired_retention.d1_retained_users, 0) as d1_retained_users,
        coalesce(acquired_retention.d30_cohort_users, 0) as d30_cohort_users,
        coalesce(acquired_retention.d30_retained_users, 0) as d30_retained_users,
        cast({{ dbt.dateadd('day', repurchase_days, 'campaigns.end_date') }} as date)
        <= {{ last_data_date() }} as is_repurchase_window_complete,
        coalesce(repurchases.repurchase_buyers_30d, 0) as repurchase_buyers_30d,
        coalesce(repurchases.repurchase_gmv_30d_cny, 0) as repurchase_gmv_30d_cny
    from campaigns
    left join campaign_spend
        on campaigns.campaign_id = campaign_spend.campaign_id
    left join coupon_cost
        on campaigns.campaign_id = coupon_cost.campaign_id
    left join points_redeemed
        on campaigns.campaign_id = points_redeemed.campaign_id
    left join participant_counts
        on campaigns.campaign_id = participant_counts.campaign_id
    left join acquired_retention
        on campaigns.campaign_id = acquired_retention.campaign_id
    left join campaign_order_totals
        on campaigns.campaign_id = campaign_order_totals.campaign_id
    left join repurchases
        on campaigns.campaign_id = repurchases.campaign_id
),

costed as (
    select
        *,
        {{ money_divide('points_redeemed', var('marketing_points_per_yuan')) }} as points_cost_cny
    from joined
),

final as (
    select
        campaign_id,
        campaign_name,
        campaign_type,
        start_date,
        end_date,
        cast({{ dbt.datediff('start_date', 'end_date', 'day') }} + 1 as integer) as campaign_days,
        cast(budget_cny as decimal(18, 2)) as budget_cny,
        cast(channel_spend_cny as decimal(18, 2)) as channel_spend_cny,
        cast(coupon_cost_cny as decimal(18, 2)) as coupon_cost_cny,
        cast(points_redeemed as bigint) as points_redeemed,
        points_cost_cny,
        cast(channel_spend_cny + coupon_cost_cny + points_cost_cny as decimal(18, 2)) as actual_cost_cny,
        {{ marketing_ratio('channel_spend_cny + coupon_cost_cny + points_cost_cny', 'budget_cny', 4) }}
            as budget_used_ratio,
        cast(participants as bigint) as participants,
        cast(new_users as bigint) as new_users,
        cast(first_orders as bigint) as first_orders,
        cast(paid_orders as bigint) as paid_orders,
        cast(gmv_cny as decimal(18, 2)) as gmv_cny,
        {{ marketing_ratio('gmv_cny', 'channel_spend_cny + coupon_cost_cny + points_cost_cny', 4) }} as roi,
        cast(d1_cohort_users as bigint) as d1_cohort_users,
        cast(d1_retained_users as bigint) as d1_retained_users,
        {{ marketing_ratio('d1_retained_users', 'd1_cohort_users', 4) }} as d1_retention_rate,
        cast(d30_cohort_users as bigint) as d30_cohort_users,
        cast(d30_retained_users as bigint) as d30_retained_users,
        {{ marketing_ratio('d30_retained_users', 'd30_cohort_users', 4) }} as d30_retention_rate,
        cast(campaign_buyers as bigint) as campaign_buyers,
        is_repurchase_window_complete,
        case
            when is_repurchase_window_complete then cast(repurchase_buyers_30d as bigint)
        end as repurchase_buyers_30d,
        case
            when is_repurchase_window_complete then cast(repurchase_gmv_30d_cny as decimal(18, 2))
        end as repurchase_gmv_30d_cny
    from costed
)

select * from final
