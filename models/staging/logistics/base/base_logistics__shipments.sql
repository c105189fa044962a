{#-
    Every raw shipment row, typed, with its quarantine reason and its
    duplicate rank (rank_versions: 1 = judged, staged or quarantined).
    A shipment belongs in staging only if its order does. The carrier is
    descriptive: a missing or unknown one is repaired to unknown, never a
    reason to set a parcel aside. The promised delivery time is a promise,
    not an event: it may lie after loaded_at, and a placeholder is repaired
    to no promise.
    Raw columns are referenced by their raw names; in DuckDB a table column
    takes precedence over a select alias of the same name.

    Incremental on DuckDB (docs/incremental.md): a run on a warehouse that
    has this table re-judges only the shipment_ids with a raw row loaded at or
    after the cutoff, or whose parent changed (its order's row or that order's user's row
    loaded at or after it), plus every row without a usable shipment_id;
    each from all of its raw rows. On Spark too
    (macros/spark/spark_incremental.sql).
-#}
{{ config(
    materialized=incremental_materialization(),
    incremental_strategy='delete+insert',
    unique_key='increment_key',
    on_schema_change='fail',
) }}
with

source as (

    select
        shipment_id,
        order_id,
        carrier,
        shipped_at,
        delivered_at,
        promised_delivery_at,
        loaded_at,
        raw_line_number,
        raw_line_shape
    from {{ raw_source('logistics', 'shipments') }}

),

increment as (

    select *
    from source
    where {{ increment_filter(
        key=safe_cast('shipment_id', 'bigint'),
        loaded_at=parse_timestamp('loaded_at'),
        rows='source',
        parent={'fk': safe_cast('order_id', 'bigint'), 'relation': ref('base_shop__orders'), 'key': 'order_id',
            'parent': {'fk': 'user_id', 'relation': ref('base_shop__users'), 'key': 'user_id'}},
    ) }}

),

orders as (

    select
        order_id,
        paid_at,
        quarantine_reason
    from {{ ref('base_shop__orders') }}
    where is_key_version

),

typed as (

    select
        {{ safe_cast('shipment_id', 'bigint') }} as shipment_id,
        {{ safe_cast('order_id', 'bigint') }} as order_id,
        {{ normalise_enum('carrier') }} as raw_carrier,
        {{ parse_timestamp('shipped_at') }} as shipped_at,
        {{ parse_timestamp('delivered_at') }} as delivered_at,
        {{ parse_timestamp('promised_delivery_at') }} as raw_promised_delivery_at,
        {{ parse_timestamp('loaded_at') }} as loaded_at,
        raw_line_number,
        coalesce(
            cast(shipment_id as {{ dbt.type_string() }}),
            'line ' || cast(raw_line_number as {{ dbt.type_string() }})
        ) as natural_key,
        {% set raw_columns = ['shipment_id', 'order_id', 'carrier', 'shipped_at', 'delivered_at',
             'promised_delivery_at', 'loaded_at'] -%}
        case
            when raw_line_number is not null then raw_line_shape
            else {{ raw_row_json(raw_columns) }}
        end as raw_row,
        {{ row_fingerprint(raw_columns) }} as row_fingerprint,
        (shipment_id is null or order_id is null) as is_key_missing,
        (
            shipped_at is null
            or {{ cast_fails('shipment_id', 'bigint') }}
            or {{ cast_fails('order_id', 'bigint') }}
            or {{ timestamp_fails('shipped_at') }}
            or {{ timestamp_fails('delivered_at') }}
            or {{ timestamp_fails('promised_delivery_at') }}
        ) as has_invalid_value
    from increment

),

repaired as (

    select
        typed.shipment_id,
        typed.order_id,
        -- Repair: carrier names written in Chinese or in full. None given, or
        -- a value not recognised, is unknown.
        case
            when typed.raw_carrier in ('sf', 'sf_express', '顺丰') then 'sf'
            when typed.raw_carrier in ('jd', 'jd_logistics', '京东', '京东物流') then 'jd'
            when typed.raw_carrier in ('zto', '中通') then 'zto'
            when typed.raw_carrier in ('yto', '圆通') then 'yto'
            when typed.raw_carrier in ('ems', 'china_post', '邮政') then 'ems'
            else 'unknown'
        end as carrier,
        typed.shipped_at,
        {{ to_shanghai_date('typed.shipped_at') }} as shipped_date,
        typed.delivered_at,
        {{ to_shanghai_date('typed.delivered_at') }} as delivered_date,
        -- Repair: a promise that is a system placeholder (the day 1970-01-01,
        -- 1900-01-01 or 0001-01-01, or any day in year 9999) or lies before
        -- var raw_timestamp_floor is no promise: null, so is_late_delivery is
        -- unknown rather than always or never late.
        case
            when cast(typed.raw_promised_delivery_at as date) in (
                    cast('1970-01-01' as date), cast('1900-01-01' as date), cast('0001-01-01' as date)
                )
                or extract(year from typed.raw_promised_delivery_at) >= 9999
                or typed.raw_promised_delivery_at < cast('{{ var("raw_timestamp_floor") }}' as timestamp)
                then null
            else typed.raw_promised_delivery_at
        end as promised_delivery_at,
        typed.loaded_at,
        typed.raw_line_number,
        typed.natural_key,
        typed.raw_row,
        typed.row_fingerprint,
        typed.is_key_missing,
        typed.has_invalid_value,
        -- The parcel's events; the promise is not one (checked above).
        {{ implausible_timestamp_rule(['typed.shipped_at', 'typed.delivered_at'], 'typed.loaded_at') }}
            as implausible_timestamp_rule
    from typed

),

ranked as (

    {{ rank_versions('repaired', ['shipment_id']) }}

),

{% set quarantine_rule -%}
    case
        {{ shared_quarantine_rules('ranked', has_money=false) }}
        when ranked.delivered_at < ranked.shipped_at then 'delivered_before_shipped'
        when orders.order_id is not null
            and (orders.paid_at is null or ranked.shipped_at < orders.paid_at)
            then 'shipped_before_paid'
        when orders.order_id is null then 'orphan_order'
        when orders.quarantine_reason = 'test_account' then 'test_account'
        when orders.quarantine_reason is not null then 'parent_quarantined'
    end
{%- endset %}

final as (

    select
        ranked.shipment_id,
        ranked.order_id,
        ranked.carrier,
        ranked.shipped_at,
        ranked.shipped_date,
        ranked.delivered_at,
        ranked.delivered_date,
        ranked.promised_delivery_at,
        -- The contract has no free-text column: nothing to mask.
        cast(0 as integer) as pii_masked_values,
        ranked.loaded_at,
        ranked.natural_key,
        -- What an incremental run replaces rows by: the shipment_id, or one
        -- bucket for every row without a usable one (always re-judged).
        coalesce(cast(ranked.shipment_id as {{ dbt.type_string() }}), '(no shipment_id)') as increment_key,
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

)

select * from final
