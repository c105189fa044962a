{#-
    Every raw return / refund row, typed, with its quarantine reason and its
    duplicate rank (rank_versions: 1 = judged, staged or quarantined).
    A return belongs in staging only if its order does. A refund must be
    positive: a zero refund refunds nothing (non_positive_amount), a
    negative one is negative_amount. The reason is descriptive (often typed
    by the buyer or the service agent): a missing or unknown one is repaired
    to unknown, never a reason to set a return aside, and personal numbers
    typed into it are masked.
    Raw columns are referenced by their raw names; in DuckDB a table column
    takes precedence over a select alias of the same name.
-#}
with

source as (

    select
        return_id,
        order_id,
        requested_at,
        reason,
        refund_amount,
        loaded_at,
        raw_line_number,
        raw_line_shape
    from {{ raw_source('logistics', 'returns') }}

),

orders as (

    select
        order_id,
        paid_at,
        order_amount_cny,
        quarantine_reason
    from {{ ref('base_shop__orders') }}
    where is_key_version

),

deliveries as (

    select
        order_id,
        min(delivered_at) as first_delivered_at
    from {{ ref('base_logistics__shipments') }}
    where is_key_version
        and quarantine_reason is null
    group by order_id

),

typed as (

    select
        {{ safe_cast('return_id', 'bigint') }} as return_id,
        {{ safe_cast('order_id', 'bigint') }} as order_id,
        {{ parse_timestamp('requested_at') }} as requested_at,
        {{ normalise_enum('reason') }} as raw_reason,
        -- The reason is free text: counted when a personal number is in it
        -- (the raw text reaches only raw_row, masked).
        {{ free_text_masked_flag('reason') }} as pii_masked_values,
        {{ parse_money('refund_amount') }} as refund_amount_cny,
        {{ parse_timestamp('loaded_at') }} as loaded_at,
        raw_line_number,
        coalesce(
            cast(return_id as {{ dbt.type_string() }}),
            'line ' || cast(raw_line_number as {{ dbt.type_string() }})
        ) as natural_key,
        {% set raw_columns = ['return_id', 'order_id', 'requested_at', 'reason', 'refund_amount', 'loaded_at'] -%}
        case
            when raw_line_number is not null then raw_line_shape
            else {{ raw_row_json(raw_columns) }}
        end as raw_row,
        {{ row_fingerprint(raw_columns) }} as row_fingerprint,
        (return_id is null or order_id is null) as is_key_missing,
        (
            requested_at is null
            or refund_amount is null
            or {{ cast_fails('return_id', 'bigint') }}
            or {{ cast_fails('order_id', 'bigint') }}
            or {{ timestamp_fails('requested_at') }}
            or {{ money_fails('refund_amount') }}
        ) as has_invalid_value,
        {{ money_sub_cent('refund_amount') }} as has_sub_cent_money
    from source

),

repaired as (

    select
        typed.return_id,
        typed.order_id,
        typed.requested_at,
        {{ to_shanghai_date('typed.requested_at') }} as requested_date,
        -- Repair: short and Chinese spellings of the reasons. None given, or
        -- a value not recognised (free text), is unknown.
        case
            when typed.raw_reason in ('late_delivery', 'late', '物流慢') then 'late_delivery'
            when typed.raw_reason in ('quality', '质量问题') then 'quality'
            when typed.raw_reason in ('wrong_size_shade', 'wrong_size', 'wrong_shade') then 'wrong_size_shade'
            when typed.raw_reason in ('not_as_described', 'changed_mind') then typed.raw_reason
            else 'unknown'
        end as return_reason,
        typed.pii_masked_values,
        typed.refund_amount_cny,
        typed.loaded_at,
        typed.raw_line_number,
        typed.natural_key,
        typed.raw_row,
        typed.row_fingerprint,
        typed.is_key_missing,
        typed.has_invalid_value,
        typed.has_sub_cent_money,
        {{ implausible_timestamp_rule(['typed.requested_at'], 'typed.loaded_at') }} as implausible_timestamp_rule
    from typed

),

ranked as (

    {{ rank_versions('repaired', ['return_id']) }}

),

{% set quarantine_rule -%}
    case
        {{ shared_quarantine_rules('ranked') }}
        when ranked.refund_amount_cny < 0 then 'negative_amount'
        when ranked.refund_amount_cny = 0 then 'non_positive_amount'
        when orders.order_id is not null
            and (orders.paid_at is null or ranked.requested_at < orders.paid_at)
            then 'requested_before_paid'
        when ranked.requested_at < deliveries.first_delivered_at then 'returned_before_delivered'
        when ranked.refund_amount_cny > orders.order_amount_cny then 'refund_exceeds_paid'
        when orders.order_id is null then 'orphan_order'
        when orders.quarantine_reason = 'test_account' then 'test_account'
        when orders.quarantine_reason is not null then 'parent_quarantined'
    end
{%- endset %}

final as (

    select
        ranked.return_id,
        ranked.order_id,
        ranked.requested_at,
        ranked.requested_date,
        ranked.return_reason,
        ranked.refund_amount_cny,
        ranked.pii_masked_values,
        ranked.loaded_at,
        ranked.natural_key,
        -- Kept, masked, for the rows set aside (stg_quarantine__rows): a staged
        -- row or a removed duplicate is in the raw file as loaded.
        case
            when ({{ quarantine_rule }}) is not null then {{ mask_free_text('ranked.raw_row') }}
        end as raw_row,
        ranked.row_fingerprint,
        ranked.duplicate_rank,
        ranked.key_rank,
        ranked.is_key_version,
        {{ quarantine_rule }} as quarantine_reason
    from ranked
    left join orders
        on ranked.order_id = orders.order_id
    left join deliveries
        on ranked.order_id = deliveries.order_id

)

select * from final
