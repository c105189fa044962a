{#-
    One row per recall step exposure: a user who received a recall message
    of step k on a message channel ("recalled", one row per user, step and
    channel, timed by the first such message), and a user at node 1 who
    received no message of step k at all ("control", one row per user and
    step, timed at registration + the step's offset in days, var
    churn_recall_step_offset_days). Outcomes are measured from that
    reference instant. Definitions: _churn__models.yml.
-#}
{{ config(materialized='table') }}
{%- set step_offsets = var('churn_recall_step_offset_days', [1, 3, 7]) %}
with

messages as (

    select
        message_id,
        user_id,
        message_channel,
        recall_step,
        sent_at,
        is_clicked
    from {{ ref('stg_crm__messages') }}
    where recall_step is not null

),

node_entries as (

    select
        user_id,
        entered_at,
        recovered_at
    from {{ ref('int_churn_entries_registered_no_return') }}

),

orders as (

    select
        user_id,
        paid_at
    from {{ ref('stg_shop__orders') }}
    where is_paid

),

recall_steps as (

    {% for offset_days in step_offsets %}
        select
            {{ loop.index }} as recall_step,
            {{ offset_days | int }} as step_offset_days
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

data_end as (

    select {{ churn_data_end_at() }} as data_end_at

),

recalled as (

    select
        user_id,
        recall_step,
        'recalled' as exposure_group,
        message_channel,
        min(sent_at) as reference_at,
        count(*) as messages_sent,
        max(case when is_clicked then 1 else 0 end) = 1 as is_clicked
    from messages
    group by user_id, recall_step, message_channel

),

users_messaged_in_step as (

    select distinct
        user_id,
        recall_step
    from messages

),

control as (

    select
        node_entries.user_id,
        recall_steps.recall_step,
        'control' as exposure_group,
        cast(null as {{ dbt.type_string() }}) as message_channel,
        {{ dbt.dateadd('day', 'recall_steps.step_offset_days', 'node_entries.entered_at') }} as reference_at,
        0 as messages_sent,
        false as is_clicked
    from node_entries
    cross join recall_steps
    left join users_messaged_in_step
        on
            node_entries.user_id = users_messaged_in_step.user_id
            and recall_steps.recall_step = users_messaged_in_step.recall_step
    where users_messaged_in_step.user_id is null

),

exposures as (

    select
        user_id,
        recall_step,
        exposure_group,
        message_channel,
        reference_at,
        messages_sent,
        is_clicked
    from recalled

    union all

    select
        user_id,
        recall_step,
        exposure_group,
        message_channel,
        reference_at,
        messages_sent,
        is_clicked
    from control

),

with_node as (

    select
        exposures.user_id,
        exposures.recall_step,
        exposures.exposure_group,
        exposures.message_channel,
        exposures.reference_at,
        exposures.messages_sent,
        exposures.is_clicked,
        node_entries.entered_at,
        node_entries.recovered_at,
        coalesce(
            node_entries.entered_at <= exposures.reference_at
            and (node_entries.recovered_at is null or node_entries.recovered_at > exposures.reference_at),
            false
        ) as is_at_node,
        data_end.data_end_at
    from exposures
    left join node_entries
        on exposures.user_id = node_entries.user_id
    cross join data_end

),

-- control users count only while they are at the node, and only once their
-- reference instant lies within the data
kept as (

    select
        user_id,
        recall_step,
        exposure_group,
        message_channel,
        reference_at,
        messages_sent,
        is_clicked,
        entered_at,
        recovered_at,
        is_at_node,
        data_end_at
    from with_node
    where exposure_group = 'recalled' or (is_at_node and reference_at < data_end_at)

),

payments_after as (

    select
        kept.user_id,
        kept.recall_step,
        kept.exposure_group,
        kept.message_channel,
        max(
            case when orders.paid_at <= {{ dbt.dateadd('day', 7, 'kept.reference_at') }} then 1 else 0 end
        ) = 1 as has_paid_7d,
        max(
            case when orders.paid_at <= {{ dbt.dateadd('day', 30, 'kept.reference_at') }} then 1 else 0 end
        ) = 1 as has_paid_30d
    from kept
    inner join orders
        on
            kept.user_id = orders.user_id
            and kept.reference_at < orders.paid_at
            and orders.paid_at <= {{ dbt.dateadd('day', 30, 'kept.reference_at') }}
    group by kept.user_id, kept.recall_step, kept.exposure_group, kept.message_channel

),

final as (

    select
        {{ surrogate_key(['kept.user_id', 'kept.recall_step', 'kept.exposure_group', 'kept.message_channel']) }}
            as exposure_id,
        kept.user_id,
        kept.recall_step,
        kept.exposure_group,
        kept.message_channel,
        kept.reference_at,
        {{ to_shanghai_date('kept.reference_at') }} as reference_date,
        cast({{ dbt.date_trunc('week', to_shanghai_date('kept.reference_at')) }} as date) as week_start_date,
        kept.messages_sent,
        kept.is_clicked,
        kept.is_at_node,
        kept.recovered_at,
        coalesce(
            kept.is_at_node and kept.recovered_at <= {{ dbt.dateadd('day', 3, 'kept.reference_at') }}, false
        ) as has_come_back_3d,
        coalesce(
            kept.is_at_node and kept.recovered_at <= {{ dbt.dateadd('day', 7, 'kept.reference_at') }}, false
        ) as has_come_back_7d,
        coalesce(payments_after.has_paid_7d, false) as has_paid_7d,
        coalesce(payments_after.has_paid_30d, false) as has_paid_30d,
        {{ dbt.dateadd('day', 3, 'kept.reference_at') }} < kept.data_end_at as is_window_complete_3d,
        {{ dbt.dateadd('day', 7, 'kept.reference_at') }} < kept.data_end_at as is_window_complete_7d,
        {{ dbt.dateadd('day', 30, 'kept.reference_at') }} < kept.data_end_at as is_window_complete_30d
    from kept
    left join payments_after
        on
            kept.user_id = payments_after.user_id
            and kept.recall_step = payments_after.recall_step
            and kept.exposure_group = payments_after.exposure_group
            and coalesce(kept.message_channel, '') = coalesce(payments_after.message_channel, '')

)

select * from final
