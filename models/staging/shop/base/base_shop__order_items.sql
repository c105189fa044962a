{#-
    Every raw order line row, typed, with its quarantine reason and its rank
    among rows of the same order_item_id (1 = latest loaded_at, the one kept).
    A line belongs in staging only if its order does (no orphan lines).
-#}
with

source as (

    select
        order_item_id,
        order_id,
        product_id,
        category,
        quantity,
        unit_price,
        unit_cost,
        loaded_at
    from {{ raw_source('shop', 'order_items') }}

),

orders as (

    select
        order_id,
        quarantine_reason
    from {{ ref('base_shop__orders') }}
    where duplicate_rank = 1

),

typed as (

    select
        {{ safe_cast('order_item_id', 'bigint') }} as order_item_id,
        {{ safe_cast('order_id', 'bigint') }} as order_id,
        {{ safe_cast('product_id', 'bigint') }} as product_id,
        {{ normalise_enum('category') }} as category,
        {{ safe_cast('quantity', 'integer') }} as quantity,
        {{ safe_cast('unit_price', 'decimal(18,2)') }} as unit_price_cny,
        {{ safe_cast('unit_cost', 'decimal(18,2)') }} as unit_cost_cny,
        {{ safe_cast('loaded_at', 'timestamp') }} as loaded_at,
        cast(order_item_id as {{ dbt.type_string() }}) as natural_key,
        {{ raw_row_json(
            ['order_item_id', 'order_id', 'product_id', 'category', 'quantity',
             'unit_price', 'unit_cost', 'loaded_at']
        ) }} as raw_row,
        (order_item_id is null or order_id is null) as is_key_missing,
        (
            product_id is null
            or quantity is null
            or unit_price is null
            or loaded_at is null
            or {{ cast_fails('order_item_id', 'bigint') }}
            or {{ cast_fails('order_id', 'bigint') }}
            or {{ cast_fails('product_id', 'bigint') }}
            or {{ cast_fails('quantity', 'integer') }}
            or {{ cast_fails('unit_price', 'decimal(18,2)') }}
            or {{ cast_fails('unit_cost', 'decimal(18,2)') }}
            or {{ cast_fails('loaded_at', 'timestamp') }}
        ) as has_invalid_value
    from source

),

ranked as (

    select
        typed.*,
        cast(typed.quantity * typed.unit_price_cny as decimal(18, 2)) as line_amount_cny,
        case
            when typed.order_item_id is null then 1
            else row_number() over (
                    partition by typed.order_item_id
                    order by typed.loaded_at desc nulls last, typed.raw_row desc
                )
        end as duplicate_rank
    from typed

),

final as (

    select
        ranked.order_item_id,
        ranked.order_id,
        ranked.product_id,
        ranked.category,
        ranked.quantity,
        ranked.unit_price_cny,
        ranked.unit_cost_cny,
        ranked.line_amount_cny,
        ranked.loaded_at,
        ranked.natural_key,
        ranked.raw_row,
        ranked.duplicate_rank,
        case
            when ranked.is_key_missing then 'null_key'
            when ranked.has_invalid_value then 'invalid_value'
            when ranked.category not in ('gift_box', 'beauty', 'home', 'snacks')
                or ranked.category is null
                then 'unknown_enum'
            when ranked.quantity <= 0
                or ranked.unit_price_cny <= 0
                or ranked.unit_cost_cny < 0
                then 'non_positive_amount'
            when orders.order_id is null then 'orphan_order'
            when orders.quarantine_reason = 'test_account' then 'test_account'
            when orders.quarantine_reason is not null then 'parent_quarantined'
        end as quarantine_reason
    from ranked
    left join orders
        on ranked.order_id = orders.order_id

)

select * from final
