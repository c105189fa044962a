{#-
    One row per order that has staged lines: units, merchandise value and
    landed cost of its lines. Cost is null for the whole order as soon as
    one line lacks a unit cost (a partial cost would overstate margin).
-#}
with

order_items as (

    select
        order_id,
        quantity,
        unit_cost_cny,
        line_amount_cny
    from {{ ref('stg_shop__order_items') }}

),

aggregated as (

    select
        order_id,
        count(*) as line_count,
        sum(quantity) as item_count,
        sum(line_amount_cny) as line_amount_cny,
        sum(quantity * unit_cost_cny) as known_item_cost_cny,
        sum(case when unit_cost_cny is null then 1 else 0 end) as lines_without_cost
    from order_items
    group by order_id

),

final as (

    select
        order_id,
        cast(line_count as integer) as line_count,
        cast(item_count as integer) as item_count,
        cast(line_amount_cny as decimal(18, 2)) as line_amount_cny,
        cast(
            case when lines_without_cost = 0 then known_item_cost_cny end
            as decimal(18, 2)
        ) as item_cost_cny
    from aggregated

)

select * from final
