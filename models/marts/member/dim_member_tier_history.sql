-- One row per user and tier period. The tier of a day is the tier of the
-- user's cumulative paid spend net of refunds at the end of that day
-- (int_member_spend_daily); consecutive days with the same tier form one
-- period. Every user has a first period from the registration day (or the
-- first spend day, if earlier), so periods leave no gap and never overlap.

with

users as (

    select * from {{ ref('dim_users') }}

),

spend_daily as (

    select * from {{ ref('int_member_spend_daily') }}

),

first_spend as (

    select
        user_id,
        min(spend_date) as first_spend_date
    from spend_daily
    group by user_id

),

opening_points as (

    select
        users.user_id,
        least(users.registered_date, coalesce(first_spend.first_spend_date, users.registered_date)) as point_date,
        0 as point_order,
        'non_member' as tier,
        cast(0 as decimal(18, 2)) as cumulative_net_spend_cny
    from users
    left join first_spend
        on users.user_id = first_spend.user_id

),

spend_points as (

    select
        spend_daily.user_id,
        spend_daily.spend_date as point_date,
        1 as point_order,
        spend_daily.tier_at_end_of_day as tier,
        spend_daily.cumulative_net_spend_cny
    from spend_daily
    inner join users
        on spend_daily.user_id = users.user_id

),

tier_points as (

    select
        user_id,
        point_date,
        point_order,
        tier,
        cumulative_net_spend_cny
    from opening_points
    union all
    select
        user_id,
        point_date,
        point_order,
        tier,
        cumulative_net_spend_cny
    from spend_points

),

ranked_points as (

    select
        user_id,
        point_date,
        tier,
        cumulative_net_spend_cny,
        row_number() over (partition by user_id, point_date order by point_order desc) as rank_in_day
    from tier_points

),

end_of_day as (

    -- the last point of each day is the tier at the end of that day
    select
        user_id,
        point_date,
        tier,
        cumulative_net_spend_cny
    from ranked_points
    where rank_in_day = 1

),

with_previous as (

    select
        user_id,
        point_date,
        tier,
        cumulative_net_spend_cny,
        lag(tier) over (partition by user_id order by point_date) as previous_tier
    from end_of_day

),

changes as (

    select
        user_id,
        point_date,
        tier,
        previous_tier,
        cumulative_net_spend_cny
    from with_previous
    where previous_tier is null or tier != previous_tier

),

periods as (

    select
        user_id,
        {{ bigint_rank('row_number() over (partition by user_id order by point_date)') }} as tier_period_number,
        tier,
        previous_tier,
        point_date as valid_from_date,
        coalesce(
            lead(point_date) over (partition by user_id order by point_date),
            cast('9999-12-31' as date)
        ) as valid_to_date,
        case
            when previous_tier is null then 'registration'
            when {{ member_tier_rank('tier') }} > {{ member_tier_rank('previous_tier') }} then 'upgrade'
            else 'downgrade'
        end as change_type,
        cumulative_net_spend_cny as net_spend_at_start_cny
    from changes

),

final as (

    select
        {{ surrogate_key(['user_id', 'valid_from_date']) }} as tier_period_id,
        user_id,
        tier_period_number,
        tier,
        previous_tier,
        change_type,
        valid_from_date,
        valid_to_date,
        valid_to_date = cast('9999-12-31' as date) as is_current,
        net_spend_at_start_cny
    from periods

)

select * from final
