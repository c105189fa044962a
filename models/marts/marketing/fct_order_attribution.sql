{#-
    One row per paid order, touch and attribution model: the touch's credit
    share and credited GMV. See _marketing__models.yml for the rules.
-#}
{%- set attribution_models = var('marketing_attribution_models') -%}
{%- set lookback_days = var('marketing_lookback_days') -%}

with

orders as (
    select * from {{ ref('fct_orders') }}
),

touches as (
    select * from {{ ref('int_marketing_touches') }}
),

paid_orders as (
    select
        order_id,
        user_id,
        placed_at,
        paid_at,
        paid_date,
        paid_gmv_cny as order_gmv_cny,
        cast(paid_gmv_cny * 100 as bigint) as order_gmv_cents
    from orders
    where is_paid
),

touches_in_lookback as (
    select
        paid_orders.order_id,
        touches.touch_id,
        touches.touch_type,
        touches.touched_at,
        touches.touch_date,
        touches.channel,
        touches.campaign_id,
        cast({{ dbt.datediff('touches.touched_at', 'paid_orders.placed_at', 'second') }} as double)
        / 86400 as days_before_order
    from paid_orders
    inner join touches
        on
            paid_orders.user_id = touches.user_id
            and paid_orders.placed_at >= touches.touched_at
            and touches.touched_at >= {{ dbt.dateadd('day', '-' ~ lookback_days, 'paid_orders.placed_at') }}
    where not touches.is_direct
),

touch_paths as (
    select
        order_id,
        touch_id,
        touch_type,
        touched_at,
        touch_date,
        channel,
        campaign_id,
        days_before_order,
        row_number() over (
            partition by order_id
            order by touched_at, touch_type, touch_id
        ) as touch_sequence,
        count(*) over (partition by order_id) as touch_count
    from touches_in_lookback
),

-- An order with no non-direct touch in the lookback: one direct touch.
direct_paths as (
    select
        paid_orders.order_id,
        cast(null as {{ dbt.type_string() }}) as touch_id,
        'direct_fallback' as touch_type,
        cast(null as timestamp) as touched_at,
        cast(null as date) as touch_date,
        'direct' as channel,
        cast(null as bigint) as campaign_id,
        cast(null as double) as days_before_order,
        1 as touch_sequence,
        1 as touch_count
    from paid_orders
    where not exists (
            select 1
            from touch_paths
            where touch_paths.order_id = paid_orders.order_id
        )
),

all_paths as (
    select
        order_id,
        touch_id,
        touch_type,
        touched_at,
        touch_date,
        channel,
        campaign_id,
        days_before_order,
        touch_sequence,
        touch_count
    from touch_paths
    union all
    select
        order_id,
        touch_id,
        touch_type,
        touched_at,
        touch_date,
        channel,
        campaign_id,
        days_before_order,
        touch_sequence,
        touch_count
    from direct_paths
),

weighted as (
    {%- for model in attribution_models %}
        select
            order_id,
            touch_sequence,
            touch_count,
            '{{ model }}' as attribution_model,
            {{ marketing_touch_weight(model, 'touch_sequence', 'touch_count', 'days_before_order') }}
                as touch_weight
        from all_paths
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

normalised as (
    select
        weighted.order_id,
        weighted.touch_sequence,
        weighted.touch_count,
        weighted.attribution_model,
        weighted.touch_weight,
        paid_orders.order_gmv_cents,
        sum(weighted.touch_weight) over (
            partition by weighted.order_id, weighted.attribution_model
        ) as total_weight
    from weighted
    inner join paid_orders
        on weighted.order_id = paid_orders.order_id
),

-- Every touch but the last is rounded half-up (shares to 1e-8, GMV to the
-- cent); the last touch takes what is left, so both sum exactly.
rounded as (
    select
        order_id,
        touch_sequence,
        touch_count,
        attribution_model,
        order_gmv_cents,
        case
            when touch_sequence < touch_count
                then cast(floor(100000000 * touch_weight / total_weight + 0.5) as bigint)
        end as share_units_rounded,
        case
            when touch_sequence < touch_count
                then cast(floor(order_gmv_cents * touch_weight / total_weight + 0.5) as bigint)
        end as credited_cents_rounded
    from normalised
),

allocated as (
    select
        order_id,
        touch_sequence,
        attribution_model,
        case
            when touch_sequence = touch_count
                then 100000000 - coalesce(sum(share_units_rounded) over (
                        partition by order_id, attribution_model
                    ), 0)
            else share_units_rounded
        end as share_units,
        case
            when touch_sequence = touch_count
                then order_gmv_cents - coalesce(sum(credited_cents_rounded) over (
                        partition by order_id, attribution_model
                    ), 0)
            else credited_cents_rounded
        end as credited_cents
    from rounded
),

final as (
    select
        {{ dbt.concat([
            "cast(allocated.order_id as " ~ dbt.type_string() ~ ")",
            "'-'", "allocated.attribution_model",
            "'-'", "cast(allocated.touch_sequence as " ~ dbt.type_string() ~ ")",
        ]) }} as attribution_id,
        allocated.order_id,
        paid_orders.user_id,
        allocated.attribution_model,
        allocated.touch_sequence,
        all_paths.touch_count,
        all_paths.touch_id,
        all_paths.touch_type,
        all_paths.channel,
        all_paths.campaign_id,
        all_paths.touched_at,
        all_paths.touch_date,
        all_paths.days_before_order,
        paid_orders.placed_at,
        paid_orders.paid_at,
        paid_orders.paid_date,
        paid_orders.order_gmv_cny,
        cast(
            cast(allocated.share_units as decimal(18, 0)) * cast(0.00000001 as decimal(18, 8))
            as decimal(10, 8)
        ) as credit_share,
        cast(
            cast(allocated.credited_cents as decimal(18, 0)) * cast(0.01 as decimal(18, 2))
            as decimal(18, 2)
        ) as credited_gmv_cny
    from allocated
    inner join all_paths
        on
            allocated.order_id = all_paths.order_id
            and allocated.touch_sequence = all_paths.touch_sequence
    inner join paid_orders
        on allocated.order_id = paid_orders.order_id
)

select * from final
