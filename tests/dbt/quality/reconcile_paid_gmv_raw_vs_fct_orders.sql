{#-
    Reconciliation, raw -> marts (gross): paid GMV in raw after quarantine
    equals the paid GMV of fct_orders, to the cent.

    Raw side, computed from the raw files without the staging models: every
    raw order row with a loaded_at whose order id is not in
    stg_quarantine__rows (entity orders) for a rule other than
    missing_loaded_at (a re-delivery without a loaded_at is set aside on its
    own; the loaded row of the same order still counts), the latest load of
    each order id (latest loaded_at), summed over the rows with a paid_at:
    sum(paid_amount). Mart side:
    sum(fct_orders.paid_gmv_cny). GMV here is gross: after discounts, before
    refunds (net GMV is checked against RFM in
    reconcile_net_gmv_fct_orders_vs_customer_rfm). Returns one row, with
    both figures, when they differ.
-#}
with

raw_orders as (

    select
        order_id,
        paid_at,
        paid_amount,
        loaded_at
    from {{ raw_source('shop', 'orders') }}

),

quarantined_orders as (

    select natural_key
    from {{ ref('stg_quarantine__rows') }}
    where entity = 'orders' and rule != 'missing_loaded_at'

),

fct_orders as (

    select paid_gmv_cny
    from {{ ref('fct_orders') }}

),

kept_rows as (

    select
        {{ safe_cast('raw_orders.order_id', 'bigint') }} as order_id,
        {{ parse_timestamp('raw_orders.loaded_at') }} as loaded_at,
        nullif(trim(cast(raw_orders.paid_at as {{ dbt.type_string() }})), '') as paid_at,
        {{ safe_cast('raw_orders.paid_amount', 'decimal(18, 2)') }} as paid_amount_cny
    from raw_orders
    where
        raw_orders.order_id is not null
        and {{ parse_timestamp('raw_orders.loaded_at') }} is not null
        and cast(raw_orders.order_id as {{ dbt.type_string() }}) not in (
            select quarantined_orders.natural_key from quarantined_orders
        )

),

latest_load as (

    select
        order_id,
        max(loaded_at) as loaded_at
    from kept_rows
    group by order_id

),

latest_rows as (

    -- Exact re-exports of one load are identical: max() picks their value.
    select
        kept_rows.order_id,
        max(kept_rows.paid_at) as paid_at,
        max(kept_rows.paid_amount_cny) as paid_amount_cny
    from kept_rows
    inner join latest_load
        on
            kept_rows.order_id = latest_load.order_id
            and kept_rows.loaded_at = latest_load.loaded_at
    group by kept_rows.order_id

),

raw_total as (

    select coalesce(sum(case when paid_at is not null then paid_amount_cny else 0 end), 0) as paid_gmv_cny
    from latest_rows

),

mart_total as (

    select coalesce(sum(paid_gmv_cny), 0) as paid_gmv_cny
    from fct_orders

),

final as (

    select
        raw_total.paid_gmv_cny as raw_paid_gmv_cny,
        mart_total.paid_gmv_cny as fct_orders_paid_gmv_cny,
        raw_total.paid_gmv_cny - mart_total.paid_gmv_cny as difference_cny
    from raw_total
    cross join mart_total
    where raw_total.paid_gmv_cny != mart_total.paid_gmv_cny

)

select * from final
