{#-
    One row per user and cohort event: the Asia/Shanghai day (and its ISO
    week and month) on which the user entered the registration cohort and,
    for buyers, the first-paid-order cohort, with the user's segment
    attributes at the start of that day.
-#}
with

users as (

    select
        user_id,
        registered_at,
        first_paid_order_at,
        acquisition_channel,
        acquisition_campaign_id,
        device,
        age_band
    from {{ ref('dim_users') }}

),

campaigns as (

    select
        campaign_id,
        campaign_name
    from {{ ref('stg_marketing__campaigns') }}

),

tier_history as (

    select
        user_id,
        tier,
        valid_from_date,
        valid_to_date
    from {{ ref('dim_member_tier_history') }}

),

cohort_events as (

    select
        user_id,
        'registration' as cohort_event,
        {{ to_shanghai_date('registered_at') }} as cohort_date
    from users

    union all

    select
        user_id,
        'first_paid_order' as cohort_event,
        {{ to_shanghai_date('first_paid_order_at') }} as cohort_date
    from users
    where first_paid_order_at is not null

),

with_periods as (

    select
        user_id,
        cohort_event,
        cohort_date,
        cast({{ dbt.date_trunc('week', 'cohort_date') }} as date) as cohort_week_start_date,
        cast({{ dbt.date_trunc('month', 'cohort_date') }} as date) as cohort_month_start_date
    from cohort_events

),

final as (

    select
        with_periods.user_id,
        with_periods.cohort_event,
        with_periods.cohort_date,
        with_periods.cohort_week_start_date,
        with_periods.cohort_month_start_date,
        users.acquisition_channel,
        users.acquisition_campaign_id,
        -- the acquisition campaign as a readable, unique label
        case
            when users.acquisition_campaign_id is null then 'none'
            when campaigns.campaign_name is null then cast(users.acquisition_campaign_id as {{ dbt.type_string() }})
            else campaigns.campaign_name
                || ' ('
                || cast(users.acquisition_campaign_id as {{ dbt.type_string() }})
                || ')'
        end as first_campaign,
        users.device,
        users.age_band,
        -- Tier at the start of the cohort day = the tier of the day before
        -- (dim_member_tier_history gives a day's tier as at its end, with
        -- that day's orders); no tier period then means non-member.
        coalesce(tier_history.tier, 'non_member') as member_tier
    from with_periods
    inner join users
        on with_periods.user_id = users.user_id
    left join campaigns
        on users.acquisition_campaign_id = campaigns.campaign_id
    left join tier_history
        on
            with_periods.user_id = tier_history.user_id
            and {{ dbt.dateadd('day', -1, 'with_periods.cohort_date') }} >= tier_history.valid_from_date
            and {{ dbt.dateadd('day', -1, 'with_periods.cohort_date') }} < tier_history.valid_to_date

)

select * from final
