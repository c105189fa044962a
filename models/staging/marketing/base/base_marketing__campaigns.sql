{#-
    Every raw campaign row, typed, with its quarantine reason and its rank
    among rows of the same campaign_id (1 = latest loaded_at, the one kept).
-#}
with

source as (

    select
        campaign_id,
        campaign_name,
        campaign_type,
        start_date,
        end_date,
        budget,
        loaded_at
    from {{ raw_source('marketing', 'campaigns') }}

),

typed as (

    select
        {{ safe_cast('campaign_id', 'bigint') }} as campaign_id,
        nullif(trim(cast(campaign_name as {{ dbt.type_string() }})), '') as campaign_name,
        {{ normalise_enum('campaign_type') }} as campaign_type,
        {{ safe_cast('start_date', 'date') }} as start_date,
        {{ safe_cast('end_date', 'date') }} as end_date,
        {{ safe_cast('budget', 'decimal(18,2)') }} as budget_cny,
        {{ safe_cast('loaded_at', 'timestamp') }} as loaded_at,
        cast(campaign_id as {{ dbt.type_string() }}) as natural_key,
        {{ raw_row_json(
            ['campaign_id', 'campaign_name', 'campaign_type', 'start_date', 'end_date',
             'budget', 'loaded_at']
        ) }} as raw_row,
        campaign_id is null as is_key_missing,
        (
            start_date is null
            or end_date is null
            or loaded_at is null
            or {{ cast_fails('campaign_id', 'bigint') }}
            or {{ cast_fails('start_date', 'date') }}
            or {{ cast_fails('end_date', 'date') }}
            or {{ cast_fails('budget', 'decimal(18,2)') }}
            or {{ cast_fails('loaded_at', 'timestamp') }}
        ) as has_invalid_value
    from source

),

ranked as (

    select
        typed.*,
        case
            when typed.campaign_id is null then 1
            else row_number() over (
                    partition by typed.campaign_id
                    order by typed.loaded_at desc nulls last, typed.raw_row desc
                )
        end as duplicate_rank
    from typed

),

final as (

    select
        campaign_id,
        campaign_name,
        campaign_type,
        start_date,
        end_date,
        budget_cny,
        loaded_at,
        natural_key,
        raw_row,
        duplicate_rank,
        case
            when is_key_missing then 'null_key'
            when has_invalid_value then 'invalid_value'
            when campaign_type not in (
                    'new_user_week', 'points_race', 'flash_discount_night', 'member_day',
                    'weekend_flash_sale', 'referral', 'festival'
                )
                or campaign_type is null
                then 'unknown_enum'
            when budget_cny <= 0 then 'non_positive_amount'
            when end_date < start_date then 'end_before_start'
        end as quarantine_reason
    from ranked

)

select * from final
