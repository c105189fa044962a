-- Coupon cost reconciles (issue 14, docs/marketing.md "Coupons"). Returns one
-- row per broken check, with its expected and actual value:
--   1. per campaign, fct_campaign_performance.coupon_cost_cny = the sum of
--      fct_coupon_performance.coupon_cost_cny of its rows (one rule, read
--      twice from int_coupon_redemptions);
--   2. the coupon marts' total cost = fct_orders.coupon_amount_cny summed
--      over the paid orders that carry a clean coupon (stg_marketing__coupons),
--      recomputed here from fct_orders;
--   3. coupons redeemed = distinct clean coupons carried by a paid order;
--   4. coupons issued = clean coupons.
-- Where fct_orders.coupon_amount_cny is not coupon cost, by the rule: on an
-- unpaid order (the coupon is returned, nothing was given), and on a paid
-- order whose coupon_id is null or not a clean coupon (the coupon was
-- quarantined, e.g. a test account's, or is missing from the export): no
-- coupon row to charge it to. Those amounts are left out of both sides.

with

coupons as (
    select * from {{ ref('stg_marketing__coupons') }}
),

orders as (
    select * from {{ ref('fct_orders') }}
),

coupon_performance as (
    select * from {{ ref('fct_coupon_performance') }}
),

campaigns as (
    select * from {{ ref('fct_campaign_performance') }}
),

campaign_coupon_cost as (
    select
        campaign_id,
        sum(coupon_cost_cny) as coupon_cost_cny
    from coupon_performance
    where campaign_id is not null
    group by campaign_id
),

campaign_broken as (
    select
        'campaign ' || cast(campaigns.campaign_id as {{ dbt.type_string() }}) || ' coupon cost' as check_name,
        cast(campaigns.coupon_cost_cny as decimal(18, 2)) as expected_value,
        cast(coalesce(campaign_coupon_cost.coupon_cost_cny, 0) as decimal(18, 2)) as actual_value
    from campaigns
    left join campaign_coupon_cost
        on campaigns.campaign_id = campaign_coupon_cost.campaign_id
    where campaigns.coupon_cost_cny != coalesce(campaign_coupon_cost.coupon_cost_cny, 0)
),

coupon_orders as (
    select
        orders.coupon_id,
        orders.coupon_amount_cny
    from orders
    inner join coupons
        on orders.coupon_id = coupons.coupon_id
    where orders.is_paid
),

expected as (
    select
        (select coalesce(sum(coupon_amount_cny), 0) from coupon_orders) as coupon_cost_cny,
        (select count(distinct coupon_id) from coupon_orders) as coupons_redeemed,
        (select count(*) from coupons) as coupons_issued
),

actual as (
    select
        coalesce(sum(coupon_cost_cny), 0) as coupon_cost_cny,
        coalesce(sum(coupons_redeemed), 0) as coupons_redeemed,
        coalesce(sum(coupons_issued), 0) as coupons_issued
    from coupon_performance
),

total_checks as (
    select
        'total coupon cost against fct_orders.coupon_amount_cny' as check_name,
        cast(expected.coupon_cost_cny as decimal(18, 2)) as expected_value,
        cast(actual.coupon_cost_cny as decimal(18, 2)) as actual_value
    from expected cross join actual
    union all
    select
        'coupons redeemed' as check_name,
        cast(expected.coupons_redeemed as decimal(18, 2)) as expected_value,
        cast(actual.coupons_redeemed as decimal(18, 2)) as actual_value
    from expected cross join actual
    union all
    select
        'coupons issued' as check_name,
        cast(expected.coupons_issued as decimal(18, 2)) as expected_value,
        cast(actual.coupons_issued as decimal(18, 2)) as actual_value
    from expected cross join actual
),

final as (
    select
        check_name,
        expected_value,
        actual_value
    from campaign_broken
    union all
    select
        check_name,
        expected_value,
        actual_value
    from total_checks
    where expected_value != actual_value
)

select * from final
