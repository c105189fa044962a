{#-
    Every raw return / refund row, typed, with its quarantine reason and its
    rank among rows of the same return_id (1 = latest loaded_at, the one
    kept). A return belongs in staging only if its order does.
-#}
with

source as (

    select
        return_id,
        order_id,
        requested_at,
        reason,
        refund_amount,
        loaded_at
    from {{ raw_source('logistics', 'returns') }}

),

orders as (

    select
        order_id,
        paid_at,
        order_amount_cny,
        quarantine_reason
    from {{ ref('base_shop__orders') }}
    where duplicate_rank = 1

),

deliveries as (

    select
        order_id,
        min(delivered_at) as first_delivered_at
    from {{ ref('base_logistics__shipments') }}
    where duplicate_rank = 1
        and quarantine_reason is null
    group by order_id

),

typed as (

    select
        {{ safe_cast('return_id', 'bigint') }} as return_id,
        {{ safe_cast('order_id', 'bigint') }} as order_id,
        {{ safe_cast('requested_at', 'timestamp') }} as requested_at,
        {{ normalise_enum('reason') }} as raw_reason,
        {{ safe_cast('refund_amount', 'decimal(18,2)') }} as refund_amount_cny,
        {{ safe_cast('loaded_at', 'timestamp') }} as loaded_at,
        cast(return_id as {{ dbt.type_string() }}) as natural_key,
        {{ raw_row_json(
            ['return_id', 'order_id', 'requested_at', 'reason', 'refund_amount', 'loaded_at']
        ) }} as raw_row,
        (return_id is null or order_id is null) as is_key_missing,
        (
            requested_at is null
            or refund_amount is null
            or loaded_at is null
            or {{ cast_fails('return_id', 'bigint') }}
            or {{ cast_fails('order_id', 'bigint') }}
            or {{ cast_fails('requested_at', 'timestamp') }}
            or {{ cast_fails('refund_amount', 'decimal(18,2)') }}
            or {{ cast_fails('loaded_at', 'timestamp') }}
        ) as has_invalid_value
    from source

),

repaired as (

    select
        typed.return_id,
        typed.order_id,
        typed.requested_at,
        {{ to_shanghai_date('typed.requested_at') }} as requested_date,
        -- Repair: short and Chinese spellings of the reasons.
        case
            when typed.raw_reason in ('late_delivery', 'late', '物流慢') then 'late_delivery'
            when typed.raw_reason in ('quality', '质量问题') then 'quality'
            when typed.raw_reason in ('wrong_size_shade', 'wrong_size', 'wrong_shade') then 'wrong_size_shade'
            when typed.raw_reason in ('not_as_described', 'changed_mind') then typed.raw_reason
        end as return_reason,
        typed.refund_amount_cny,
        typed.loaded_at,
        typed.natural_key,
        typed.raw_row,
        typed.is_key_missing,
        typed.has_invalid_value
    from typed

),

ranked as (

    select
        repaired.*,
        case
            when repaired.return_id is null then 1
            else row_number() over (
                    partition by repaired.return_id
                    order by repaired.loaded_at desc nulls last, repaired.raw_row desc
                )
        end as duplicate_rank
    from repaired

),

final as (

    select
        ranked.return_id,
        ranked.order_id,
        ranked.requested_at,
        ranked.requested_date,
        ranked.return_reason,
        ranked.refund_amount_cny,
        ranked.loaded_at,
        ranked.natural_key,
        ranked.raw_row,
        ranked.duplicate_rank,
        case
            when ranked.is_key_missing then 'null_key'
            when ranked.has_invalid_value then 'invalid_value'
            when ranked.return_reason is null then 'unknown_enum'
            when ranked.refund_amount_cny <= 0 then 'non_positive_amount'
            when orders.order_id is not null
                and (orders.paid_at is null or ranked.requested_at < orders.paid_at)
                then 'requested_before_paid'
            when ranked.requested_at < deliveries.first_delivered_at then 'returned_before_delivered'
            when ranked.refund_amount_cny > orders.order_amount_cny then 'refund_exceeds_paid'
            when orders.order_id is null then 'orphan_order'
            when orders.quarantine_reason = 'test_account' then 'test_account'
            when orders.quarantine_reason is not null then 'parent_quarantined'
        end as quarantine_reason
    from ranked
    left join orders
        on ranked.order_id = orders.order_id
    left join deliveries
        on ranked.order_id = deliveries.order_id

)

select * from final
