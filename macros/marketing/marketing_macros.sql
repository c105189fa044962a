{#-
    Channel ROI helpers (issue 5): exact ratios, the attribution weights and
    the data end day. Money stays decimal: a ratio is worked out on integer
    cents, so that it equals Python's Decimal(a / b).quantize(ROUND_HALF_UP).
-#}

{#- numerator / denominator rounded half-up to `scale` decimals, returned as
    decimal(18, scale); null where the denominator is null or zero (never an
    infinity). Both inputs must be non-negative with at most two decimals
    (CNY amounts or counts). The division runs on integer cents held in
    doubles, exact for amounts under about 4.5e9 yuan. -#}
{% macro marketing_ratio(numerator, denominator, scale=4) -%}
    {%- set unit = 10 ** scale -%}
    {%- set step = '0.' ~ '0' * (scale - 1) ~ '1' -%}
    case
        when ({{ denominator }}) is null or ({{ denominator }}) = 0 then null
        else cast(
            cast(
                floor(
                    (
                        2 * {{ unit }} * cast(round(({{ numerator }}) * 100) as double)
                        + cast(round(({{ denominator }}) * 100) as double)
                    )
                    / (2 * cast(round(({{ denominator }}) * 100) as double))
                ) as decimal(18, 0)
            ) * cast({{ step }} as decimal(18, {{ scale }})) as decimal(18, {{ scale }})
        )
    end
{%- endmacro %}

{#- The five attribution models, in display order. -#}
{% macro marketing_all_attribution_models() -%}
    {{ return(['first_touch', 'last_touch', 'linear', 'position_based', 'time_decay']) }}
{%- endmacro %}

{#- Unnormalised weight of a touch under one attribution model, as a double.
    touch_sequence is 1..touch_count in time order. Integer weights keep the
    rational models exact: position-based gives 2(n-2) to the first and last
    touch and 1 to each middle touch of n >= 3 (40% / 20% spread / 40%),
    1 and 1 for two touches, 1 for one. Time decay weighs 0.5 ^ (days before
    the order / half-life). -#}
{% macro marketing_touch_weight(model, touch_sequence, touch_count, days_before_order) -%}
    {%- if model == 'first_touch' -%}
        cast(case when {{ touch_sequence }} = 1 then 1 else 0 end as double)
    {%- elif model == 'last_touch' -%}
        cast(case when {{ touch_sequence }} = {{ touch_count }} then 1 else 0 end as double)
    {%- elif model == 'linear' -%}
        cast(1 as double)
    {%- elif model == 'position_based' -%}
        cast(
            case
                when {{ touch_count }} <= 2 then 1
                when {{ touch_sequence }} = 1 or {{ touch_sequence }} = {{ touch_count }}
                    then 2 * ({{ touch_count }} - 2)
                else 1
            end as double
        )
    {%- elif model == 'time_decay' -%}
        power(
            cast(0.5 as double),
            coalesce({{ days_before_order }}, 0) / {{ var('marketing_time_decay_half_life_days') }}
        )
    {%- else -%}
        {{ exceptions.raise_compiler_error(
            "Unknown attribution model '" ~ model ~ "'; expected one of "
            ~ marketing_all_attribution_models() | join(', ')
        ) }}
    {%- endif -%}
{%- endmacro %}
