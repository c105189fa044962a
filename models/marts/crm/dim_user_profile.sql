{#-
    The user profile (用户画像): one row per user of dim_users (clean,
    non-test) as of the data's last day, joining the CRM tags the other
    areas compute - lifecycle stage and RFM segment, value level, current
    churn node, member tier, probability alive and predicted CLV - with the
    preferred category, the festivals the user bought for, the channels the
    user can be reached on and the marketing SMS of the day against the cap.
    No personal data, not even hashed. Definitions are in _crm__models.yml.
-#}
{%- set sms_cap = var('churn_max_marketing_sms_per_user_day') | int %}
with

users as (

    select
        user_id,
        registered_date,
        acquisition_channel
    from {{ ref('dim_users') }}

),

rfm as (

    select
        user_id,
        last_paid_date,
        rfm_segment,
        lifecycle_stage
    from {{ ref('fct_customer_rfm') }}

),

clv as (

    select
        user_id,
        probability_alive,
        clv_12m_cny
    from {{ ref('fct_customer_clv') }}

),

tier_periods as (

    select
        user_id,
        tier,
        valid_from_date,
        valid_to_date
    from {{ ref('dim_member_tier_history') }}

),

churn_episodes as (

    select
        user_id,
        node_code,
        node_number,
        window_days,
        episode_id,
        deadline_at,
        deadline_date
    from {{ ref('fct_churn_node_episodes') }}
    where is_lost and recovered_at is null

),

value_months as (

    select
        user_id,
        month_start_date,
        value_level
    from {{ ref('int_user_value_months') }}

),

preferred_categories as (

    select
        user_id,
        preferred_category
    from {{ ref('int_crm_user_preferred_categories') }}

),

festival_purchases as (

    select distinct
        user_id,
        festival_name
    from {{ ref('int_crm_festival_purchases') }}

),

reachability as (

    select
        user_id,
        sms_reachable_from_date,
        push_reachable_from_date,
        wecom_reachable_from_date
    from {{ ref('int_crm_user_reachability') }}

),

marketing_sms as (

    select
        user_id,
        sent_date,
        marketing_sms_sent
    from {{ ref('int_crm_marketing_sms_daily') }}

),

as_of as (

    select {{ last_data_date() }} as as_of_date

),

current_tiers as (

    select
        tier_periods.user_id,
        tier_periods.tier
    from tier_periods
    cross join as_of
    where tier_periods.valid_from_date <= as_of.as_of_date and tier_periods.valid_to_date > as_of.as_of_date

),

-- the node the user fell into last (latest deadline) among the episodes
-- lost and not recovered within the data; ties: the later node, then the
-- longer window
ranked_churn_nodes as (

    select
        user_id,
        node_code,
        deadline_date,
        row_number() over (
            partition by user_id
            order by deadline_at desc, node_number desc, window_days desc, episode_id asc
        ) as node_rank
    from churn_episodes

),

current_churn_nodes as (

    select
        user_id,
        node_code,
        deadline_date
    from ranked_churn_nodes
    where node_rank = 1

),

ranked_value_months as (

    select
        user_id,
        month_start_date,
        value_level,
        row_number() over (partition by user_id order by month_start_date desc) as month_rank
    from value_months

),

latest_value_months as (

    select
        user_id,
        month_start_date,
        value_level
    from ranked_value_months
    where month_rank = 1

),

festivals as (

    select
        user_id,
        {{ ordered_listagg('festival_name', "','", 'festival_name') }} as festivals_bought_for
    from festival_purchases
    group by user_id

),

reachable as (

    select
        reachability.user_id,
        coalesce(reachability.sms_reachable_from_date <= as_of.as_of_date, false) as is_reachable_sms,
        coalesce(reachability.push_reachable_from_date <= as_of.as_of_date, false) as is_reachable_push,
        coalesce(reachability.wecom_reachable_from_date <= as_of.as_of_date, false) as is_reachable_wecom
    from reachability
    cross join as_of

),

last_day_sms as (

    select
        marketing_sms.user_id,
        marketing_sms.marketing_sms_sent
    from marketing_sms
    cross join as_of
    where marketing_sms.sent_date = as_of.as_of_date

),

final as (

    select
        cast(users.user_id as bigint) as user_id,
        cast(as_of.as_of_date as date) as as_of_date,
        cast(users.registered_date as date) as registered_date,
        cast(users.acquisition_channel as {{ dbt.type_string() }}) as acquisition_channel,
        cast(rfm.lifecycle_stage as {{ dbt.type_string() }}) as lifecycle_stage,
        cast(rfm.rfm_segment as {{ dbt.type_string() }}) as rfm_segment,
        cast(rfm.last_paid_date as date) as last_paid_date,
        cast(latest_value_months.value_level as {{ dbt.type_string() }}) as value_level,
        cast(latest_value_months.month_start_date as date) as value_level_month_start_date,
        cast(current_churn_nodes.node_code as {{ dbt.type_string() }}) as churn_node_code,
        cast(current_churn_nodes.deadline_date as date) as churn_node_reached_date,
        cast(
            {{ dbt.datediff('current_churn_nodes.deadline_date', 'as_of.as_of_date', 'day') }} as integer
        ) as days_in_churn_node,
        cast(coalesce(current_tiers.tier, 'non_member') as {{ dbt.type_string() }}) as member_tier,
        cast(clv.probability_alive as decimal(9, 6)) as probability_alive,
        cast(clv.clv_12m_cny as decimal(18, 2)) as clv_12m_cny,
        cast(preferred_categories.preferred_category as {{ dbt.type_string() }}) as preferred_category,
        cast(festivals.festivals_bought_for as {{ dbt.type_string() }}) as festivals_bought_for,
        cast(coalesce(reachable.is_reachable_sms, false) as boolean) as is_reachable_sms,
        cast(coalesce(reachable.is_reachable_push, false) as boolean) as is_reachable_push,
        cast(coalesce(reachable.is_reachable_wecom, false) as boolean) as is_reachable_wecom,
        cast(coalesce(last_day_sms.marketing_sms_sent, 0) as integer) as marketing_sms_sent_on_as_of_date,
        cast({{ sms_cap }} as integer) as marketing_sms_cap,
        cast(coalesce(last_day_sms.marketing_sms_sent, 0) >= {{ sms_cap }} as boolean) as is_at_marketing_sms_cap
    from users
    cross join as_of
    left join rfm
        on users.user_id = rfm.user_id
    left join clv
        on users.user_id = clv.user_id
    left join current_tiers
        on users.user_id = current_tiers.user_id
    left join current_churn_nodes
        on users.user_id = current_churn_nodes.user_id
    left join latest_value_months
        on users.user_id = latest_value_months.user_id
    left join preferred_categories
        on users.user_id = preferred_categories.user_id
    left join festivals
        on users.user_id = festivals.user_id
    left join reachable
        on users.user_id = reachable.user_id
    left join last_day_sms
        on users.user_id = last_day_sms.user_id

)

select * from final
