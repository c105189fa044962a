{#-
    Every raw coupon row, typed, with its quarantine reason and its rank
    among rows of the same coupon_id (1 = latest loaded_at, the one kept).
-#}
with

source as (

    select
        coupon_id,
        user_id,
        campaign_id,
        threshold_amount,
        discount_value,
        issued_at,
        expires_at,
        redeemed_at,
        redeemed_order_id,
        loaded_at
    from {{ raw_source('marketing', 'coupons') }}

),

users as (

    select
        user_id,
        quarantine_reason
    from {{ ref('base_shop__users') }}
    where duplicate_rank = 1

),

campaigns as (

    select
        campaign_id,
        quarantine_reason
    from {{ ref('base_marketing__campaigns') }}
    where duplicate_rank = 1

),

typed as (

    select
        {{ safe_cast('coupon_id', 'bigint') }} as coupon_id,
        {{ safe_cast('user_id', 'bigint') }} as user_id,
        {{ safe_cast('campaign_id', 'bigint') }} as campaign_id,
        -- Repair: no threshold is a no-threshold coupon (无门槛券).
        coalesce({{ safe_cast('threshold_amount', 'decimal(18,2)') }}, 0) as threshold_amount_cny,
        {{ safe_cast('discount_value', 'decimal(18,2)') }} as discount_value_cny,
        {{ safe_cast('issued_at', 'timestamp') }} as issued_at,
        {{ safe_cast('expires_at', 'timestamp') }} as expires_at,
        {{ safe_cast('redeemed_at', 'timestamp') }} as redeemed_at,
        {{ safe_cast('redeemed_order_id', 'bigint') }} as redeemed_order_id,
        {{ safe_cast('loaded_at', 'timestamp') }} as loaded_at,
        cast(coupon_id as {{ dbt.type_string() }}) as natural_key,
        {{ raw_row_json(
            ['coupon_id', 'user_id', 'campaign_id', 'threshold_amount', 'discount_value',
             'issued_at', 'expires_at', 'redeemed_at', 'redeemed_order_id', 'loaded_at']
        ) }} as raw_row,
        (coupon_id is null or user_id is null) as is_key_missing,
        (
            discount_value is null
            or issued_at is null
            or loaded_at is null
            or {{ cast_fails('coupon_id', 'bigint') }}
            or {{ cast_fails('user_id', 'bigint') }}
            or {{ cast_fails('campaign_id', 'bigint') }}
            or {{ cast_fails('threshold_amount', 'decimal(18,2)') }}
            or {{ cast_fails('discount_value', 'decimal(18,2)') }}
            or {{ cast_fails('issued_at', 'timestamp') }}
            or {{ cast_fails('expires_at', 'timestamp') }}
            or {{ cast_fails('redeemed_at', 'timestamp') }}
            or {{ cast_fails('redeemed_order_id', 'bigint') }}
            or {{ cast_fails('loaded_at', 'timestamp') }}
        ) as has_invalid_value
    from source

),

ranked as (

    select
        typed.*,
        {{ to_shanghai_date('typed.issued_at') }} as issued_date,
        {{ to_shanghai_date('typed.redeemed_at') }} as redeemed_date,
        typed.redeemed_at is not null as is_redeemed,
        case
            when typed.coupon_id is null then 1
            else row_number() over (
                    partition by typed.coupon_id
                    order by typed.loaded_at desc nulls last, typed.raw_row desc
                )
        end as duplicate_rank
    from typed

),

final as (

    select
        ranked.coupon_id,
        ranked.user_id,
        ranked.campaign_id,
        ranked.threshold_amount_cny,
        ranked.discount_value_cny,
        ranked.issued_at,
        ranked.issued_date,
        ranked.expires_at,
        ranked.redeemed_at,
        ranked.redeemed_date,
        ranked.redeemed_order_id,
        ranked.is_redeemed,
        ranked.loaded_at,
        ranked.natural_key,
        ranked.raw_row,
        ranked.duplicate_rank,
        case
            when ranked.is_key_missing then 'null_key'
            when ranked.has_invalid_value then 'invalid_value'
            when ranked.discount_value_cny <= 0 or ranked.threshold_amount_cny < 0
                then 'non_positive_amount'
            when ranked.expires_at < ranked.issued_at then 'expires_before_issued'
            when ranked.redeemed_at < ranked.issued_at then 'redeemed_before_issued'
            when users.user_id is null then 'orphan_user'
            when users.quarantine_reason = 'test_account' then 'test_account'
            when ranked.campaign_id is not null and campaigns.campaign_id is null then 'orphan_campaign'
            when users.quarantine_reason is not null or campaigns.quarantine_reason is not null
                then 'parent_quarantined'
        end as quarantine_reason
    from ranked
    left join users
        on ranked.user_id = users.user_id
    left join campaigns
        on ranked.campaign_id = campaigns.campaign_id

)

select * from final
