{#-
    Coupon helpers (issue 14): the display label of a coupon amount.
-#}

{#- A CNY amount as the coupon templates write it: whole yuan without
    decimals (200.00 -> '200'), otherwise with its cents (9.90 -> '9.90').
    Portable: floor and casts only. -#}
{% macro coupon_amount_label(amount) -%}
    case
        when {{ amount }} = floor({{ amount }})
            then cast(cast({{ amount }} as {{ dbt.type_bigint() }}) as {{ dbt.type_string() }})
        else cast({{ amount }} as {{ dbt.type_string() }})
    end
{%- endmacro %}
