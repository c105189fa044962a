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
        {{ bigint_rank('row_number() over (
            partition by order_id
            order by touched_at, touch_type, touch_id
        )') }} as touch_sequence,
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

-- One row per path touch with every model's weight as a column: the
-- windows and the rounding run once per touch for all models, and the
-- touches are spread to one row per model only at the end.
path_weights as (
    select
        all_paths.order_id,
        all_paths.touch_id,
        all_paths.touch_type,
        all_paths.touched_at,
        all_paths.touch_date,
        all_paths.channel,
        all_paths.campaign_id,
        all_paths.days_before_order,
        all_paths.touch_sequence,
        all_paths.touch_count,
        paid_orders.user_id,
        paid_orders.placed_at,
        paid_orders.paid_at,
        paid_orders.paid_date,
        paid_orders.order_gmv_cny,
        paid_orders.order_gmv_cents,
        {% for model in attribution_models -%}
            {{ marketing_touch_weight(
                model, 'all_paths.touch_sequence', 'all_paths.touch_count', 'all_paths.days_before_order'
            ) }} as weight_{{ model }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from all_paths
    inner join paid_orders
        on all_paths.order_id = paid_orders.order_id
),

normalised as (
    select
        *,
        {% for model in attribution_models -%}
            sum(weight_{{ model }}) over (partition by order_id) as total_weight_{{ model }}
            {%- if not loop.last %},{% endif %}
        {% endfor %}
    from path_weights
),

-- Every touch but the last is rounded half-up (shares to 1e-8, GMV to the
-- cent); the last touch takes what is left, so both sum exactly.
rounded as (
    select
        *,
        {% for model in attribution_models -%}
            case
                when touch_sequence < touch_count
                    then cast(floor(100000000 * weight_{{ model }} / total_weight_{{ model }} + 0.5) as bigint)
            end as share_units_rounded_{{ model }},
            case
                when touch_sequence < touch_count
                    then cast(floor(order_gmv_cents * weight_{{ model }} / total_weight_{{ model }} + 0.5) as bigint)
            end as credited_cents_rounded_{{ model }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from normalised
),

allocated as (
    select
        *,
        {% for model in attribution_models -%}
            case
                when touch_sequence = touch_count
                    then 100000000 - coalesce(sum(share_units_rounded_{{ model }}) over (partition by order_id), 0)
                else share_units_rounded_{{ model }}
            end as share_units_{{ model }},
            case
                when touch_sequence = touch_count
                    then order_gmv_cents
                        - coalesce(sum(credited_cents_rounded_{{ model }}) over (partition by order_id), 0)
                else credited_cents_rounded_{{ model }}
            end as credited_cents_{{ model }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from rounded
),

final as (
    {%- for model in attribution_models %}
        select
            {{ dbt.concat([
                "cast(order_id as " ~ dbt.type_string() ~ ")",
                "'-'", "'" ~ model ~ "'",
                "'-'", "cast(touch_sequence as " ~ dbt.type_string() ~ ")",
            ]) }} as attribution_id,
            order_id,
            user_id,
            '{{ model }}' as attribution_model,
            touch_sequence,
            touch_count,
            touch_id,
            touch_type,
            channel,
            campaign_id,
            touched_at,
            touch_date,
            days_before_order,
            placed_at,
            paid_at,
            paid_date,
            order_gmv_cny,
            cast(
                cast(share_units_{{ model }} as decimal(18, 0)) * cast(0.00000001 as decimal(18, 8))
                as decimal(10, 8)
            ) as credit_share,
            cast(
                cast(credited_cents_{{ model }} as decimal(18, 0)) * cast(0.01 as decimal(18, 2))
                as decimal(18, 2)
            ) as credited_gmv_cny
        from allocated
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
)

select * from final
