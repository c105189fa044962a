{#-
    Every raw order row, typed, with its quarantine reason and its duplicate
    rank (rank_versions: 1 = judged, staged or quarantined). A zero paid
    amount is a real purchase (a full-coupon order, a gift, a free sample):
    staged and flagged is_zero_amount; a negative amount is quarantined.
    Raw columns are referenced by their raw names; in DuckDB a table column
    takes precedence over a select alias of the same name.

    Incremental on DuckDB (docs/incremental.md): a run on a warehouse that
    has this table re-judges only the order_ids with a raw row loaded at or
    after the cutoff, or whose parent changed (its user's row
    loaded at or after it), plus every row without a usable order_id;
    each from all of its raw rows. On Spark too
    (macros/spark/spark_incremental.sql).
-#}
{{ config(
    materialized=incremental_materialization(),
    incremental_strategy='delete+insert',
    unique_key='increment_key',
    on_schema_change='fail',
) }}
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
        loaded_at,
        raw_line_number,
        raw_line_shape
    from {{ raw_source('shop', 'orders') }}

),

increment as (

    select *
    from source
    where {{ increment_filter(
        key=safe_cast('order_id', 'bigint'),
        loaded_at=parse_timestamp('loaded_at'),
        rows='source',
        parent={'fk': safe_cast('user_id', 'bigint'), 'relation': ref('base_shop__users'), 'key': 'user_id'},
    ) }}

),

users as (

    select
        user_id,
        quarantine_reason
    from {{ ref('base_shop__users') }}
    where is_key_version

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
        {{ parse_timestamp('placed_at') }} as placed_at,
        {{ parse_timestamp('paid_at') }} as paid_at,
        {{ parse_timestamp('cancelled_at') }} as cancelled_at,
        {{ normalise_enum('status') }} as order_status,
        {{ parse_money('list_amount') }} as list_amount_cny,
        {{ parse_money('discount_amount') }} as discount_amount_cny,
        {{ parse_money('coupon_amount') }} as coupon_amount_cny,
        {{ parse_money('shipping_fee') }} as shipping_fee_cny,
        {{ parse_money('paid_amount') }} as order_amount_cny,
        {{ normalise_enum('channel') }} as order_source,
        {{ safe_cast('campaign_id', 'bigint') }} as campaign_id,
        {{ safe_cast('coupon_id', 'bigint') }} as coupon_id,
        -- Repair: no verdict is the verdict none.
        coalesce({{ normalise_enum('risk_flag') }}, 'none') as risk_flag,
        {{ parse_timestamp('loaded_at') }} as loaded_at,
        raw_line_number,
        coalesce(cast(order_id as {{ dbt.type_string() }}), 'line ' || cast(raw_line_number as {{ dbt.type_string() }}))
            as natural_key,
        {% set raw_columns = ['order_id', 'user_id', 'placed_at', 'paid_at', 'cancelled_at', 'status',
             'list_amount', 'discount_amount', 'coupon_amount', 'shipping_fee',
             'paid_amount', 'channel', 'campaign_id', 'coupon_id', 'risk_flag', 'loaded_at'] -%}
        case
            when raw_line_number is not null then raw_line_shape
            else {{ raw_row_json(raw_columns) }}
        end as raw_row,
        {{ row_fingerprint(raw_columns) }} as row_fingerprint,
        -- Orders carry no free text: nothing to mask.
        0 as pii_masked_values,
        (order_id is null or user_id is null) as is_key_missing,
        (
            placed_at is null
            or list_amount is null
            or paid_amount is null
            or {{ cast_fails('order_id', 'bigint') }}
            or {{ cast_fails('user_id', 'bigint') }}
            or {{ timestamp_fails('placed_at') }}
            or {{ timestamp_fails('paid_at') }}
            or {{ timestamp_fails('cancelled_at') }}
            or {{ money_fails('list_amount') }}
            or {{ money_fails('discount_amount') }}
            or {{ money_fails('coupon_amount') }}
            or {{ money_fails('shipping_fee') }}
            or {{ money_fails('paid_amount') }}
            or {{ cast_fails('campaign_id', 'bigint') }}
            or {{ cast_fails('coupon_id', 'bigint') }}
        ) as has_invalid_value,
        (
            {{ money_sub_cent('list_amount') }}
            or {{ money_sub_cent('discount_amount') }}
            or {{ money_sub_cent('coupon_amount') }}
            or {{ money_sub_cent('shipping_fee') }}
            or {{ money_sub_cent('paid_amount') }}
        ) as has_sub_cent_money
    from increment

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
        typed.raw_line_number,
        typed.pii_masked_values,
        typed.natural_key,
        typed.raw_row,
        typed.row_fingerprint,
        typed.is_key_missing,
        typed.has_invalid_value,
        typed.has_sub_cent_money,
        {{ implausible_timestamp_rule(['typed.placed_at', 'typed.paid_at', 'typed.cancelled_at'], 'typed.loaded_at') }}
            as implausible_timestamp_rule,
        {{ to_shanghai_date('typed.placed_at') }} as placed_date,
        {{ to_shanghai_date('typed.paid_at') }} as paid_date,
        {{ to_shanghai_date('typed.cancelled_at') }} as cancelled_date,
        typed.paid_at is not null as is_paid,
        typed.order_amount_cny = 0 as is_zero_amount
    from typed
    left join channel_mapping
        on typed.order_source = channel_mapping.traffic_source

),

ranked as (

    {{ rank_versions('repaired', ['order_id']) }}

),

{% set quarantine_rule -%}
    case
        {{ shared_quarantine_rules('ranked') }}
        when ranked.order_status not in (
                'created', 'paid', 'shipped', 'delivered', 'completed', 'cancelled', 'refunded'
            )
            or ranked.order_status is null
            or ranked.risk_flag not in ('none', 'fraud')
            then 'unknown_enum'
        when ranked.order_amount_cny < 0
            or ranked.list_amount_cny < 0
            or ranked.discount_amount_cny < 0
            or ranked.coupon_amount_cny < 0
            or ranked.shipping_fee_cny < 0
            then 'negative_amount'
        when ranked.paid_at < ranked.placed_at then 'paid_before_placed'
        when ranked.cancelled_at < ranked.placed_at then 'cancelled_before_placed'
        when users.user_id is null then 'orphan_user'
        when users.quarantine_reason = 'test_account' then 'test_account'
        when ranked.risk_flag = 'fraud' then 'fraud_flagged'
        when users.quarantine_reason is not null then 'parent_quarantined'
    end
{%- endset %}

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
        ranked.is_zero_amount,
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
        -- What an incremental run replaces rows by: the order_id, or one
        -- bucket for every row without a usable one (always re-judged).
        coalesce(cast(ranked.order_id as {{ dbt.type_string() }}), '(no order_id)') as increment_key,
        -- Kept, masked, for the rows set aside (stg_quarantine__rows): a staged
        -- row or a removed duplicate is in the raw file as loaded.
        case
            when ({{ quarantine_rule }}) is not null then {{ mask_free_text('ranked.raw_row') }}
        end as raw_row,
        ranked.row_fingerprint,
        ranked.pii_masked_values,
        ranked.duplicate_rank,
        ranked.key_rank,
        ranked.is_key_version,
        {{ quarantine_rule }} as quarantine_reason
    from ranked
    left join users
        on ranked.user_id = users.user_id

)

select * from final
