-- Tier periods of a user never overlap and leave no gap: each period ends
-- where the next begins, periods are not empty, the last one (and only it)
-- is current and open-ended, the first starts no later than registration,
-- and every user of dim_users has periods.

with

tier_history as (

    select * from {{ ref('dim_member_tier_history') }}

),

users as (

    select * from {{ ref('dim_users') }}

),

ordered as (

    select
        user_id,
        tier_period_number,
        valid_from_date,
        valid_to_date,
        is_current,
        lead(valid_from_date) over (partition by user_id order by tier_period_number) as next_valid_from_date,
        max(tier_period_number) over (partition by user_id) as last_period_number
    from tier_history

),

broken_periods as (

    select
        user_id,
        tier_period_number,
        'gap_or_overlap' as problem
    from ordered
    where next_valid_from_date is not null and next_valid_from_date != valid_to_date

    union all

    select
        user_id,
        tier_period_number,
        'empty_period' as problem
    from ordered
    where valid_from_date >= valid_to_date

    union all

    select
        user_id,
        tier_period_number,
        'current_flag' as problem
    from ordered
    where
        is_current != (tier_period_number = last_period_number)
        or (is_current and valid_to_date != cast('9999-12-31' as date))

),

first_periods as (

    select
        users.user_id,
        'first_period_after_registration_or_missing' as problem
    from users
    left join tier_history
        on
            users.user_id = tier_history.user_id
            and tier_history.tier_period_number = 1
    where tier_history.user_id is null or tier_history.valid_from_date > users.registered_date

)

select
    user_id,
    tier_period_number,
    problem
from broken_periods
union all
select
    user_id,
    null as tier_period_number,
    problem
from first_periods
