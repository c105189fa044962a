{#-
    Reconciliation of user counts across layers:
    distinct user ids in raw - quarantined user ids = stg_shop__users rows
    = dim_users rows. Raw side from the raw file without the staging models
    (a user id whose surviving row is quarantined is set aside as a whole;
    older duplicates of a kept user are not users of their own). Returns one
    row, with the three counts, when they differ.
-#}
with

raw_users as (

    select user_id
    from {{ raw_source('shop', 'users') }}

),

quarantined_users as (

    select natural_key
    from {{ ref('stg_quarantine__rows') }}
    where entity = 'users'

),

staged_users as (

    select user_id
    from {{ ref('stg_shop__users') }}

),

dim_users as (

    select user_id
    from {{ ref('dim_users') }}

),

counts as (

    select
        (
            select count(distinct {{ safe_cast('raw_users.user_id', 'bigint') }})
            from raw_users
            where
                raw_users.user_id is not null
                and cast(raw_users.user_id as {{ dbt.type_string() }}) not in (
                    select quarantined_users.natural_key from quarantined_users
                )
        ) as raw_users_after_quarantine,
        (select count(*) from staged_users) as staged_users,
        (select count(*) from dim_users) as dim_users

),

final as (

    select
        raw_users_after_quarantine,
        staged_users,
        dim_users
    from counts
    where
        raw_users_after_quarantine != staged_users
        or staged_users != dim_users

)

select * from final
