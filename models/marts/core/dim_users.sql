{#-
    One row per clean user (stg_shop__users): registration profile with
    hashed personal data only, age band and the first paid order.
-#}
with

users as (

    select
        user_id,
        phone_hash,
        full_name_hash,
        registered_at,
        registered_date,
        birth_year,
        gender,
        city,
        device,
        acquisition_source,
        acquisition_channel,
        acquisition_campaign_id,
        referrer_user_id
    from {{ ref('stg_shop__users') }}

),

first_paid_orders as (

    select
        user_id,
        order_id as first_paid_order_id,
        paid_at as first_paid_order_at,
        paid_date as first_paid_order_date
    from {{ ref('int_orders_joined') }}
    where paid_order_sequence = 1

),

aged as (

    select
        users.*,
        extract(year from users.registered_date) - users.birth_year as age_at_registration
    from users

),

final as (

    select
        cast(aged.user_id as bigint) as user_id,
        cast(aged.phone_hash as {{ dbt.type_string() }}) as phone_hash,
        cast(aged.full_name_hash as {{ dbt.type_string() }}) as full_name_hash,
        cast(aged.registered_at as timestamp) as registered_at,
        cast(aged.registered_date as date) as registered_date,
        cast(aged.birth_year as integer) as birth_year,
        cast(
            case
                when aged.age_at_registration is null then 'unknown'
                when aged.age_at_registration < 18 then 'under_18'
                when aged.age_at_registration < 25 then '18_24'
                when aged.age_at_registration < 35 then '25_34'
                when aged.age_at_registration < 45 then '35_44'
                else '45_plus'
            end as {{ dbt.type_string() }}
        ) as age_band,
        cast(aged.gender as {{ dbt.type_string() }}) as gender,
        cast(aged.city as {{ dbt.type_string() }}) as city,
        cast(aged.device as {{ dbt.type_string() }}) as device,
        cast(aged.acquisition_source as {{ dbt.type_string() }}) as acquisition_source,
        cast(aged.acquisition_channel as {{ dbt.type_string() }}) as acquisition_channel,
        cast(aged.acquisition_campaign_id as bigint) as acquisition_campaign_id,
        cast(aged.referrer_user_id as bigint) as referrer_user_id,
        cast(aged.referrer_user_id is not null as boolean) as is_referred,
        cast(first_paid_orders.first_paid_order_id as bigint) as first_paid_order_id,
        cast(first_paid_orders.first_paid_order_at as timestamp) as first_paid_order_at,
        cast(first_paid_orders.first_paid_order_date as date) as first_paid_order_date
    from aged
    left join first_paid_orders
        on aged.user_id = first_paid_orders.user_id

)

select * from final
