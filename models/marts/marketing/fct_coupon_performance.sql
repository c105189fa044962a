{#-
    One row per campaign and coupon template (threshold x face value; the
    coupons no campaign issued form their own rows, campaign_id null):
    issued, redeemed, redemption rate, days to redeem, face value, cost and
    the GMV of the orders that used them, and the campaign's claim rate
    (int_campaign_coupon_offers). Every coupon fact comes from
    int_coupon_redemptions, the one definition of redemption and coupon
    cost. Definitions in _marketing__models.yml.
-#}

with

coupon_redemptions as (
    select * from {{ ref('int_coupon_redemptions') }}
),

campaigns as (
    select * from {{ ref('stg_marketing__campaigns') }}
),

campaign_offers as (
    select * from {{ ref('int_campaign_coupon_offers') }}
),

keyed as (
    select
        coalesce(cast(campaign_id as {{ dbt.type_string() }}), 'none')
        || '-' || cast(threshold_amount_cny as {{ dbt.type_string() }})
        || '-' || cast(discount_value_cny as {{ dbt.type_string() }}) as coupon_performance_id,
        *
    from coupon_redemptions
),

-- Redeemed coupons numbered by days to redeem within their row, for the
-- median (portable: no percentile function).
ranked_days as (
    select
        coupon_performance_id,
        days_to_redeem,
        row_number() over (
            partition by coupon_performance_id
            order by days_to_redeem, coupon_id
        ) as day_rank,
        count(*) over (partition by coupon_performance_id) as redeemed_count
    from keyed
    where is_redeemed
),

-- The middle value (odd count) or the two middle values (even count).
median_days as (
    select
        coupon_performance_id,
        cast(sum(days_to_redeem) as {{ dbt.type_numeric() }}) / count(*) as median_days_to_redeem
    from ranked_days
    where 2 * day_rank >= redeemed_count and 2 * day_rank <= redeemed_count + 2
    group by coupon_performance_id
),

aggregated as (
    select
        coupon_performance_id,
        campaign_id,
        threshold_amount_cny,
        discount_value_cny,
        min(issued_date) as first_issued_date,
        max(issued_date) as last_issued_date,
        count(*) as coupons_issued,
        sum(case when is_redeemed then 1 else 0 end) as coupons_redeemed,
        sum(case when redemption_status = 'used_on_unpaid_order' then 1 else 0 end)
            as coupons_used_on_unpaid_orders,
        sum(case when redemption_status = 'unmatched_redemption' then 1 else 0 end)
            as coupons_unmatched_redemption,
        sum(case when redemption_status = 'expired' then 1 else 0 end) as coupons_expired,
        sum(case when redemption_status = 'unused' then 1 else 0 end) as coupons_unused,
        sum(case when is_redeemed_after_expiry then 1 else 0 end) as coupons_redeemed_after_expiry,
        sum(days_to_redeem) as total_days_to_redeem,
        max(days_to_redeem) as max_days_to_redeem,
        sum(case when days_to_redeem <= 7 then 1 else 0 end) as coupons_redeemed_within_7d,
        sum(case when is_redeemed then discount_value_cny else 0 end) as redeemed_face_value_cny,
        sum(coupon_cost_cny) as coupon_cost_cny,
        sum(paid_orders) as paid_orders,
        sum(redeemed_order_gmv_cny) as redeemed_order_gmv_cny
    from keyed
    group by coupon_performance_id, campaign_id, threshold_amount_cny, discount_value_cny
),

final as (
    select
        aggregated.coupon_performance_id,
        aggregated.campaign_id,
        campaigns.campaign_name,
        campaigns.campaign_type,
        aggregated.threshold_amount_cny,
        aggregated.discount_value_cny,
        case
            when aggregated.threshold_amount_cny = 0
                then '无门槛减' || {{ coupon_amount_label('aggregated.discount_value_cny') }}
            else '满' || {{ coupon_amount_label('aggregated.threshold_amount_cny') }}
                || '减' || {{ coupon_amount_label('aggregated.discount_value_cny') }}
        end as template_name,
        {{ marketing_ratio('aggregated.discount_value_cny', 'aggregated.threshold_amount_cny', 4) }}
            as discount_depth,
        aggregated.first_issued_date,
        aggregated.last_issued_date,
        cast(aggregated.coupons_issued as bigint) as coupons_issued,
        cast(aggregated.coupons_redeemed as bigint) as coupons_redeemed,
        {{ marketing_ratio('aggregated.coupons_redeemed', 'aggregated.coupons_issued', 4) }} as redemption_rate,
        cast(aggregated.coupons_used_on_unpaid_orders as bigint) as coupons_used_on_unpaid_orders,
        cast(aggregated.coupons_unmatched_redemption as bigint) as coupons_unmatched_redemption,
        cast(aggregated.coupons_expired as bigint) as coupons_expired,
        cast(aggregated.coupons_unused as bigint) as coupons_unused,
        cast(aggregated.coupons_redeemed_after_expiry as bigint) as coupons_redeemed_after_expiry,
        {{ marketing_ratio('aggregated.total_days_to_redeem', 'aggregated.coupons_redeemed', 2) }}
            as mean_days_to_redeem,
        cast(median_days.median_days_to_redeem as decimal(18, 1)) as median_days_to_redeem,
        cast(aggregated.max_days_to_redeem as integer) as max_days_to_redeem,
        cast(aggregated.coupons_redeemed_within_7d as bigint) as coupons_redeemed_within_7d,
        cast(aggregated.redeemed_face_value_cny as decimal(18, 2)) as redeemed_face_value_cny,
        cast(aggregated.coupon_cost_cny as decimal(18, 2)) as coupon_cost_cny,
        cast(aggregated.paid_orders as bigint) as paid_orders,
        cast(aggregated.redeemed_order_gmv_cny as decimal(18, 2)) as redeemed_order_gmv_cny,
        {{ marketing_ratio('aggregated.redeemed_order_gmv_cny', 'aggregated.coupon_cost_cny', 4) }}
            as gmv_per_coupon_cost,
        campaign_offers.users_offered as campaign_users_offered,
        campaign_offers.offered_users_claimed as campaign_offered_users_claimed,
        {{ marketing_ratio('campaign_offers.offered_users_claimed', 'campaign_offers.users_offered', 4) }}
            as campaign_claim_rate
    from aggregated
    left join median_days
        on aggregated.coupon_performance_id = median_days.coupon_performance_id
    left join campaigns
        on aggregated.campaign_id = campaigns.campaign_id
    left join campaign_offers
        on aggregated.campaign_id = campaign_offers.campaign_id
)

select * from final
