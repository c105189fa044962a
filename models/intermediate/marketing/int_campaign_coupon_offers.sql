{#-
    Coupon offers per campaign (领券率): the users a campaign's marketing
    messages reached, and how many of them claimed one of its coupons at or
    after their first such message. A coupon row exists only once it is
    claimed (issued), so the offered-but-not-claimed count comes from the
    messages. One row per campaign with at least one marketing message.
-#}

with

messages as (
    select * from {{ ref('stg_crm__messages') }}
),

coupons as (
    select * from {{ ref('int_coupon_redemptions') }}
),

-- Each offered user once per campaign, at the first message of it.
offered as (
    select
        campaign_id,
        user_id,
        min(sent_at) as first_offered_at
    from messages
    where is_marketing and campaign_id is not null
    group by campaign_id, user_id
),

claimed as (
    select distinct
        offered.campaign_id,
        offered.user_id
    from offered
    inner join coupons
        on
            offered.campaign_id = coupons.campaign_id
            and offered.user_id = coupons.user_id
            and offered.first_offered_at <= coupons.issued_at
),

final as (
    select
        offered.campaign_id,
        cast(count(*) as bigint) as users_offered,
        cast(count(claimed.user_id) as bigint) as offered_users_claimed
    from offered
    left join claimed
        on
            offered.campaign_id = claimed.campaign_id
            and offered.user_id = claimed.user_id
    group by offered.campaign_id
)

select * from final
