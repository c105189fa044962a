{#-
    Every raw order row, typed, with its quarantine reason and its rank among
    rows of the same order_id (1 = latest loaded_at, the one kept).
    Raw columns are referenced by their raw names; in DuckDB a table column
    takes precedence over a select alias of the same name.
-#}
with

source as (

    select
        order_id,
        user_id,
        placed_at,
        paid_at,
        cancelled_at,
        status,
        list_amount,
        discount_amount,
        coupon_amount,
        shipping_fee,
        paid_amount,
        channel,
        campaign_id,
        coupon_id,
        risk_flag,
        loaded_at
    from {{ raw_source('shop', 'orders') }}

),

users as (

    select
        user_id,
        quarantine_reason
    from {{ ref('base_shop__users') }}
    where duplicate_rank = 1

),

channel_mapping as (

    select
        traffic_source,
        channel
    from {{ ref('channel_mapping') }}

),

typed as (

    select
        {{ safe_cast('order_id', 'bigint') }} as order_id,
        {{ safe_cast('user_id', 'bigint') }} as user_id,
        {{ safe_cast('placed_at', 'timestamp') }} as placed_at,
        {{ safe_cast('paid_at', 'timestamp') }} as paid_at,
        {{ safe_cast('cancelled_at', 'timestamp') }} as cancelled_at,
        {{ normalise_enum('status') }} as order_status,
        {{ safe_cast('list_amount', 'decimal(18,2)') }} as list_amount_cny,
        {{ safe_cast('discount_amount', 'decimal(18,2)') }} as discount_amount_cny,
        {{ safe_cast('coupon_amount', 'decimal(18,2)') }} as coupon_amount_cny,
        {{ safe_cast('shipping_fee', 'decimal(18,2)') }} as shipping_fee_cny,
        {{ safe_cast('paid_amount', 'decimal(18,2)') }} as order_amount_cny,
        {{ normalise_enum('channel') }} as order_source,
        {{ safe_cast('campaign_id', 'bigint') }} as campaign_id,
        {{ safe_cast('coupon_id', 'bigint') }} as coupon_id,
        -- Repair: no verdict is the verdict none.
        coalesce({{ normalise_enum('risk_flag') }}, 'none') as risk_flag,
        {{ safe_cast('loaded_at', 'timestamp') }} as loaded_at,
        cast(order_id as {{ dbt.type_string() }}) as natural_key,
        {{ raw_row_json(
            ['order_id', 'user_id', 'placed_at', 'paid_at', 'cancelled_at', 'status',
             'list_amount', 'discount_amount', 'coupon_amount', 'shipping_fee',
             'paid_amount', 'channel', 'campaign_id', 'coupon_id', 'risk_flag', 'loaded_at']
        ) }} as raw_row,
        (order_id is null or user_id is null) as is_key_missing,
        (
            placed_at is null
            or list_amount is null
            or paid_amount is null
            or loaded_at is null
            or {{ cast_fails('order_id', 'bigint') }}
            or {{ cast_fails('user_id', 'bigint') }}
            or {{ cast_fails('placed_at', 'timestamp') }}
            or {{ cast_fails('paid_at', 'timestamp') }}
            or {{ cast_fails('cancelled_at', 'timestamp') }}
            or {{ cast_fails('list_amount', 'decimal(18,2)') }}
            or {{ cast_fails('discount_amount', 'decimal(18,2)') }}
            or {{ cast_fails('coupon_amount', 'decimal(18,2)') }}
            or {{ cast_fails('shipping_fee', 'decimal(18,2)') }}
            or {{ cast_fails('paid_amount', 'decimal(18,2)') }}
            or {{ cast_fails('campaign_id', 'bigint') }}
            or {{ cast_fails('coupon_id', 'bigint') }}
            or {{ cast_fails('loaded_at', 'timestamp') }}
        ) as has_invalid_value
    from source

),

repaired as (

    select
        typed.order_id,
        typed.user_id,
        typed.placed_at,
        typed.paid_at,
        typed.cancelled_at,
        typed.order_status,
        typed.list_amount_cny,
        -- Repair: a missing discount, coupon or shipping amount is zero.
        coalesce(typed.discount_amount_cny, 0) as discount_amount_cny,
        coalesce(typed.coupon_amount_cny, 0) as coupon_amount_cny,
        coalesce(typed.shipping_fee_cny, 0) as shipping_fee_cny,
        typed.order_amount_cny,
        typed.order_source,
        -- Repair: an unknown traffic source is channel other, none is direct.
        case
            when typed.order_source is null then 'direct'
            else coalesce(channel_mapping.channel, 'other')
        end as order_channel,
        typed.campaign_id,
        typed.coupon_id,
        typed.risk_flag,
        typed.loaded_at,
        typed.natural_key,
        typed.raw_row,
        typed.is_key_missing,
        typed.has_invalid_value,
        {{ to_shanghai_date('typed.placed_at') }} as placed_date,
        {{ to_shanghai_date('typed.paid_at') }} as paid_date,
        {{ to_shanghai_date('typed.cancelled_at') }} as cancelled_date,
        typed.paid_at is not null as is_paid
    from typed
    left join channel_mapping
        on typed.order_source = channel_mapping.traffic_source

),

ranked as (

    select
        repaired.*,
        case
            when repaired.order_id is null then 1
            else row_number() over (
                    partition by repaired.order_id
                    order by repaired.loaded_at desc nulls last, repaired.raw_row desc
                )
        end as duplicate_rank
    from repaired

),

final as (

    select
        ranked.order_id,
        ranked.user_id,
        ranked.placed_at,
        ranked.placed_date,
        ranked.paid_at,
        ranked.paid_date,
        ranked.cancelled_at,
        ranked.cancelled_date,
        ranked.order_status,
        ranked.is_paid,
        ranked.list_amount_cny,
        ranked.discount_amount_cny,
        ranked.coupon_amount_cny,
        ranked.shipping_fee_cny,
        ranked.order_amount_cny,
        ranked.order_source,
        ranked.order_channel,
        ranked.campaign_id,
        ranked.coupon_id,
        ranked.risk_flag,
        ranked.loaded_at,
        ranked.natural_key,
        ranked.raw_row,
        ranked.duplicate_rank,
        case
            when ranked.is_key_missing then 'null_key'
            when ranked.has_invalid_value then 'invalid_value'
            when ranked.order_status not in (
                    'created', 'paid', 'shipped', 'delivered', 'completed', 'cancelled', 'refunded'
                )
                or ranked.order_status is null
                or ranked.risk_flag not in ('none', 'fraud')
                then 'unknown_enum'
            when ranked.order_amount_cny <= 0
                or ranked.list_amount_cny < 0
                or ranked.discount_amount_cny < 0
                or ranked.coupon_amount_cny < 0
                or ranked.shipping_fee_cny < 0
                then 'non_positive_amount'
            when ranked.paid_at < ranked.placed_at then 'paid_before_placed'
            when ranked.cancelled_at < ranked.placed_at then 'cancelled_before_placed'
            when users.user_id is null then 'orphan_user'
            when users.quarantine_reason = 'test_account' then 'test_account'
            when ranked.risk_flag = 'fraud' then 'fraud_flagged'
            when users.quarantine_reason is not null then 'parent_quarantined'
        end as quarantine_reason
    from ranked
    left join users
        on ranked.user_id = users.user_id

)

select * from final
