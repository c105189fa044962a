{#-
    Every raw coupon row, typed, with its quarantine reason and its
    duplicate rank (rank_versions: 1 = judged, staged or quarantined).
    Issue and redemption are the row's events; the expiry is set in advance
    (it may lie after loaded_at) and year 9999 there means "never expires".
    A coupon worth nothing is not a coupon (face value must be > 0); a zero
    threshold is a no-threshold coupon (无门槛券).
    Raw columns are referenced by their raw names; in DuckDB a table column
    takes precedence over a select alias of the same name.
-#}
with

source as (

    select
        coupon_id,
        user_id,
        campaign_id,
        threshold_amount,
        discount_value,
        issued_at,
        expires_at,
        redeemed_at,
        redeemed_order_id,
        loaded_at,
        raw_line_number,
        raw_line_shape
    from {{ raw_source('marketing', 'coupons') }}

),

users as (

    select
        user_id,
        quarantine_reason
    from {{ ref('base_shop__users') }}
    where is_key_version

),

campaigns as (

    select
        campaign_id,
        quarantine_reason
    from {{ ref('base_marketing__campaigns') }}
    where is_key_version

),

typed as (

    select
        {{ safe_cast('coupon_id', 'bigint') }} as coupon_id,
        {{ safe_cast('user_id', 'bigint') }} as user_id,
        {{ safe_cast('campaign_id', 'bigint') }} as campaign_id,
        -- Repair: no threshold is a no-threshold coupon (无门槛券).
        coalesce({{ parse_money('threshold_amount') }}, 0) as threshold_amount_cny,
        {{ parse_money('discount_value') }} as discount_value_cny,
        {{ parse_timestamp('issued_at') }} as issued_at,
        {{ parse_timestamp('expires_at') }} as raw_expires_at,
        {{ parse_timestamp('redeemed_at') }} as redeemed_at,
        {{ safe_cast('redeemed_order_id', 'bigint') }} as redeemed_order_id,
        {{ parse_timestamp('loaded_at') }} as loaded_at,
        raw_line_number,
        coalesce(
            cast(coupon_id as {{ dbt.type_string() }}),
            'line ' || cast(raw_line_number as {{ dbt.type_string() }})
        ) as natural_key,
        {% set raw_columns = ['coupon_id', 'user_id', 'campaign_id', 'threshold_amount', 'discount_value',
             'issued_at', 'expires_at', 'redeemed_at', 'redeemed_order_id', 'loaded_at'] -%}
        case
            when raw_line_number is not null then raw_line_shape
            else {{ raw_row_json(raw_columns) }}
        end as raw_row,
        {{ row_fingerprint(raw_columns) }} as row_fingerprint,
        (coupon_id is null or user_id is null) as is_key_missing,
        (
            discount_value is null
            or issued_at is null
            or {{ cast_fails('coupon_id', 'bigint') }}
            or {{ cast_fails('user_id', 'bigint') }}
            or {{ cast_fails('campaign_id', 'bigint') }}
            or {{ money_fails('threshold_amount') }}
            or {{ money_fails('discount_value') }}
            or {{ timestamp_fails('issued_at') }}
            or {{ timestamp_fails('expires_at') }}
            or {{ timestamp_fails('redeemed_at') }}
            or {{ cast_fails('redeemed_order_id', 'bigint') }}
        ) as has_invalid_value,
        (
            {{ money_sub_cent('threshold_amount') }}
            or {{ money_sub_cent('discount_value') }}
        ) as has_sub_cent_money
    from source

),

repaired as (

    select
        typed.coupon_id,
        typed.user_id,
        typed.campaign_id,
        typed.threshold_amount_cny,
        typed.discount_value_cny,
        typed.issued_at,
        -- Repair: an expiry in year 9999 is the systems' "never expires":
        -- null (the coupon has no expiry).
        case
            when extract(year from typed.raw_expires_at) < 9999 then typed.raw_expires_at
        end as expires_at,
        typed.redeemed_at,
        typed.redeemed_order_id,
        typed.loaded_at,
        typed.raw_line_number,
        typed.natural_key,
        typed.raw_row,
        typed.row_fingerprint,
        typed.is_key_missing,
        typed.has_invalid_value,
        typed.has_sub_cent_money,
        -- Implausible timestamps: issue and redemption (the events) and
        -- loaded_at by the macro; the expiry, set in advance, only for
        -- another stand-in for "no date" (the epoch day, 1900-01-01,
        -- 0001-01-01). An expiry before the floor is expires_before_issued.
        coalesce(
            {{ implausible_timestamp_rule(['typed.issued_at', 'typed.redeemed_at'], 'typed.loaded_at') }},
            case
                when cast(typed.raw_expires_at as date) in (
                        cast('1970-01-01' as date), cast('1900-01-01' as date), cast('0001-01-01' as date)
                    )
                    then 'timestamp_placeholder'
            end
        ) as implausible_timestamp_rule,
        {{ to_shanghai_date('typed.issued_at') }} as issued_date,
        {{ to_shanghai_date('typed.redeemed_at') }} as redeemed_date,
        typed.redeemed_at is not null as is_redeemed
    from typed

),

ranked as (

    {{ rank_versions('repaired', ['coupon_id']) }}

),

{% set quarantine_rule -%}
    case
        {{ shared_quarantine_rules('ranked') }}
        when ranked.discount_value_cny < 0 or ranked.threshold_amount_cny < 0 then 'negative_amount'
        when ranked.discount_value_cny = 0 then 'non_positive_amount'
        when ranked.expires_at < ranked.issued_at then 'expires_before_issued'
        when ranked.redeemed_at < ranked.issued_at then 'redeemed_before_issued'
        when users.user_id is null then 'orphan_user'
        when users.quarantine_reason = 'test_account' then 'test_account'
        when ranked.campaign_id is not null and campaigns.campaign_id is null then 'orphan_campaign'
        when users.quarantine_reason is not null or campaigns.quarantine_reason is not null
            then 'parent_quarantined'
    end
{%- endset %}

final as (

    select
        ranked.coupon_id,
        ranked.user_id,
        ranked.campaign_id,
        ranked.threshold_amount_cny,
        ranked.discount_value_cny,
        ranked.issued_at,
        ranked.issued_date,
        ranked.expires_at,
        ranked.redeemed_at,
        ranked.redeemed_date,
        ranked.redeemed_order_id,
        ranked.is_redeemed,
        -- The contract has no free-text column: nothing to mask.
        cast(0 as integer) as pii_masked_values,
        ranked.loaded_at,
        ranked.natural_key,
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
    left join users
        on ranked.user_id = users.user_id
    left join campaigns
        on ranked.campaign_id = campaigns.campaign_id

)

select * from final
