{#-
    One row per user, churn node (with its window) and episode: when the
    user entered the node, the deadline, whether the user was lost, when and
    by what the user recovered, and the user's segment at entry.
    Definitions: _churn__models.yml.
-#}
{%- set attribution_days = var('churn_recovery_attribution_days', 7) | int %}
with

episodes as (

    select * from {{ ref('int_churn_node_episodes') }}

),

users as (

    select
        user_id,
        acquisition_channel,
        device,
        age_band
    from {{ ref('dim_users') }}

),

tier_history as (

    select
        user_id,
        tier,
        valid_from_date,
        valid_to_date
    from {{ ref('dim_member_tier_history') }}

),

messages as (

    select
        user_id,
        recall_step,
        is_marketing,
        sent_at,
        clicked_at,
        is_clicked
    from {{ ref('stg_crm__messages') }}

),

marketing_clicks as (

    select
        user_id,
        recall_step,
        sent_at,
        clicked_at
    from messages
    where is_marketing and is_clicked

),

-- marketing messages sent during the episode and clicked in the attribution
-- window that ends at the recovery
recovery_clicks as (

    select
        episodes.episode_id,
        max(case when marketing_clicks.recall_step is not null then 1 else 0 end) = 1 as has_recall_click,
        max(case when marketing_clicks.recall_step is null then 1 else 0 end) = 1 as has_promotion_click
    from episodes
    inner join marketing_clicks
        on
            episodes.user_id = marketing_clicks.user_id
            and episodes.entered_at <= marketing_clicks.sent_at
            and episodes.recovered_at >= marketing_clicks.clicked_at
            and marketing_clicks.clicked_at >= {{ dbt.dateadd('day', -1 * attribution_days, 'episodes.recovered_at') }}
    group by episodes.episode_id

),

recall_exposure as (

    select
        episodes.episode_id,
        count(*) as recall_messages_received,
        min(messages.sent_at) as first_recall_sent_at
    from episodes
    inner join messages
        on
            episodes.user_id = messages.user_id
            and episodes.entered_at <= messages.sent_at
    where episodes.node = 'registered_no_return' and messages.recall_step is not null
    group by episodes.episode_id

),

-- the tier held when the day of entry began: dim_member_tier_history gives
-- the tier at the end of a day, so read the day before
tier_at_entry as (

    select
        episodes.episode_id,
        tier_history.tier
    from episodes
    inner join tier_history
        on
            episodes.user_id = tier_history.user_id
            and {{ dbt.dateadd('day', -1, 'episodes.entered_date') }} >= tier_history.valid_from_date
            and {{ dbt.dateadd('day', -1, 'episodes.entered_date') }} < tier_history.valid_to_date

),

final as (

    select
        episodes.episode_id,
        episodes.user_id,
        episodes.node_code,
        episodes.node,
        episodes.node_number,
        episodes.window_days,
        episodes.episode_number,
        episodes.entered_at,
        episodes.entered_date,
        episodes.entry_reference_type,
        episodes.entry_reference_id,
        episodes.deadline_at,
        episodes.deadline_date,
        episodes.is_deadline_passed,
        episodes.is_recovered_before_deadline,
        episodes.is_lost,
        episodes.recovered_at,
        episodes.recovered_date,
        episodes.is_lost and episodes.recovered_at is not null as is_recovered_after_loss,
        episodes.recovery_reference_type,
        episodes.recovery_reference_id,
        episodes.recovery_campaign_id,
        case
            when episodes.recovered_at is null then null
            when recovery_clicks.has_recall_click then 'recall_message'
            when episodes.recovery_campaign_id is not null or recovery_clicks.has_promotion_click then 'campaign'
            else 'organic'
        end as recovered_by,
        {{ dbt.datediff('episodes.entered_date', 'episodes.recovered_date', 'day') }} as days_to_recover,
        users.acquisition_channel,
        users.device,
        users.age_band,
        coalesce(tier_at_entry.tier, 'non_member') as member_tier_at_entry,
        episodes.has_login_after_entry,
        episodes.is_order_unpaid_at_deadline,
        case
            when episodes.node = 'registered_no_return'
                then coalesce(recall_exposure.recall_messages_received, 0)
        end as recall_messages_received,
        recall_exposure.first_recall_sent_at
    from episodes
    left join users
        on episodes.user_id = users.user_id
    left join recovery_clicks
        on episodes.episode_id = recovery_clicks.episode_id
    left join recall_exposure
        on episodes.episode_id = recall_exposure.episode_id
    left join tier_at_entry
        on episodes.episode_id = tier_at_entry.episode_id

)

select * from final
