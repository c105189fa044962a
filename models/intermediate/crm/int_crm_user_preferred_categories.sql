{#-
    One row per user with a paid order line of a known category: the
    preferred category (偏好品类), the category with the most merchandise
    GMV (sum of line_amount_cny = quantity x unit price) over the user's
    paid orders up to the data's last day. Ties: more units, then the
    category name in alphabetical order. Lines of category unknown are left
    out. Rules are in _int_crm__models.yml.
-#}
with

orders as (

    select
        order_id,
        user_id
    from {{ ref('fct_orders') }}
    where is_paid and paid_date <= {{ last_data_date() }}

),

order_items as (

    select
        order_id,
        category,
        quantity,
        line_amount_cny
    from {{ ref('stg_shop__order_items') }}
    where category <> 'unknown'

),

category_totals as (

    select
        orders.user_id,
        order_items.category,
        sum(order_items.line_amount_cny) as line_amount_cny,
        sum(order_items.quantity) as units
    from order_items
    inner join orders
        on order_items.order_id = orders.order_id
    group by orders.user_id, order_items.category

),

ranked as (

    select
        user_id,
        category,
        line_amount_cny,
        units,
        row_number() over (
            partition by user_id
            order by line_amount_cny desc, units desc, category asc
        ) as category_rank
    from category_totals

),

final as (

    select
        user_id,
        category as preferred_category,
        cast(line_amount_cny as decimal(18, 2)) as preferred_category_gmv_cny,
        cast(units as integer) as preferred_category_units
    from ranked
    where category_rank = 1

)

select * from final
