{#-
    Every raw registration row, typed, with its quarantine reason and its
    rank among rows of the same user_id (1 = latest loaded_at, the one kept).
    Raw columns are referenced by their raw names; in DuckDB a table column
    takes precedence over a select alias of the same name.
-#}
with

source as (

    select
        user_id,
        registered_at,
        birth_year,
        gender,
        city,
        device,
        acquisition_channel,
        acquisition_campaign_id,
        referrer_user_id,
        phone,
        full_name,
        is_test_account,
        loaded_at
    from {{ raw_source('shop', 'users') }}

),

channel_mapping as (

    select
        traffic_source,
        channel
    from {{ ref('channel_mapping') }}

),

typed as (

    select
        {{ safe_cast('user_id', 'bigint') }} as user_id,
        {{ safe_cast('registered_at', 'timestamp') }} as registered_at,
        {{ safe_cast('birth_year', 'integer') }} as raw_birth_year,
        {{ normalise_enum('gender') }} as raw_gender,
        nullif(trim(cast(city as {{ dbt.type_string() }})), '') as city,
        {{ normalise_enum('device') }} as raw_device,
        {{ normalise_enum('acquisition_channel') }} as acquisition_source,
        {{ safe_cast('acquisition_campaign_id', 'bigint') }} as acquisition_campaign_id,
        {{ safe_cast('referrer_user_id', 'bigint') }} as referrer_user_id,
        {{ hash_pii(normalise_phone('phone')) }} as phone_hash,
        {{ hash_pii('full_name') }} as full_name_hash,
        -- Repair: no flag means not a test account.
        coalesce({{ safe_cast('is_test_account', 'boolean') }}, false) as is_test_account,
        {{ safe_cast('loaded_at', 'timestamp') }} as loaded_at,
        cast(user_id as {{ dbt.type_string() }}) as natural_key,
        {{ raw_row_json(
            ['user_id', 'registered_at', 'birth_year', 'gender', 'city', 'device',
             'acquisition_channel', 'acquisition_campaign_id', 'referrer_user_id',
             'phone', 'full_name', 'is_test_account', 'loaded_at'],
            masked={'phone': 'mask', 'full_name': 'hash'}
        ) }} as raw_row,
        user_id is null as is_key_missing,
        (
            registered_at is null
            or loaded_at is null
            or {{ cast_fails('user_id', 'bigint') }}
            or {{ cast_fails('registered_at', 'timestamp') }}
            or {{ cast_fails('birth_year', 'integer') }}
            or {{ cast_fails('acquisition_campaign_id', 'bigint') }}
            or {{ cast_fails('referrer_user_id', 'bigint') }}
            or {{ cast_fails('is_test_account', 'boolean') }}
            or {{ cast_fails('loaded_at', 'timestamp') }}
        ) as has_invalid_value
    from source

),

repaired as (

    select
        typed.user_id,
        typed.registered_at,
        {{ to_shanghai_date('typed.registered_at') }} as registered_date,
        -- Repair: a self-reported birth year outside 1920 .. the registration
        -- year is treated as not given.
        case
            when typed.raw_birth_year between 1920 and extract(year from typed.registered_at)
                then typed.raw_birth_year
        end as birth_year,
        -- Repair: gender exports vary in case and wording; none given is U.
        case
            when typed.raw_gender is null then 'U'
            when typed.raw_gender in ('f', 'female', '女') then 'F'
            when typed.raw_gender in ('m', 'male', '男') then 'M'
            when typed.raw_gender in ('u', 'unknown', '未知') then 'U'
        end as gender,
        typed.city,
        -- Repair: device spellings of the exports (APP, miniprogram, h5).
        case
            when typed.raw_device in ('app', 'ios', 'android') then 'app'
            when typed.raw_device in ('mini_program', 'miniprogram', 'mini-program', 'wechat_mini_program')
                then 'mini_program'
            when typed.raw_device in ('web', 'h5', 'pc') then 'web'
        end as device,
        typed.acquisition_source,
        -- Repair: an unknown traffic source is channel other, none is direct.
        case
            when typed.acquisition_source is null then 'direct'
            else coalesce(channel_mapping.channel, 'other')
        end as acquisition_channel,
        typed.acquisition_campaign_id,
        typed.referrer_user_id,
        typed.phone_hash,
        typed.full_name_hash,
        typed.is_test_account,
        typed.loaded_at,
        typed.natural_key,
        typed.raw_row,
        typed.is_key_missing,
        typed.has_invalid_value
    from typed
    left join channel_mapping
        on typed.acquisition_source = channel_mapping.traffic_source

),

ranked as (

    select
        repaired.*,
        case
            when repaired.user_id is null then 1
            else row_number() over (
                    partition by repaired.user_id
                    order by repaired.loaded_at desc nulls last, repaired.raw_row desc
                )
        end as duplicate_rank
    from repaired

),

final as (

    select
        user_id,
        registered_at,
        registered_date,
        birth_year,
        gender,
        city,
        device,
        acquisition_source,
        acquisition_channel,
        acquisition_campaign_id,
        referrer_user_id,
        phone_hash,
        full_name_hash,
        is_test_account,
        loaded_at,
        natural_key,
        raw_row,
        duplicate_rank,
        case
            when is_key_missing then 'null_key'
            when has_invalid_value then 'invalid_value'
            when gender is null or device is null then 'unknown_enum'
            when is_test_account then 'test_account'
        end as quarantine_reason
    from ranked

)

select * from final
