{#-
    fct_recall_outcomes accounts for every recall message of staging: the
    messages_sent summed per step equal the recall messages of that step in
    stg_crm__messages, and users_reached equal the distinct (user, channel)
    pairs of the step. Returns the steps that differ.
-#}
with

messages as (

    select
        recall_step,
        {{ dbt.concat(["cast(user_id as " ~ dbt.type_string() ~ ")", "'|'", "message_channel"]) }} as user_channel_key
    from {{ ref('stg_crm__messages') }}
    where recall_step is not null

),

outcomes as (

    select
        recall_step,
        messages_sent,
        users_reached
    from {{ ref('fct_recall_outcomes') }}

),

staged as (

    select
        recall_step,
        count(*) as messages_sent,
        count(distinct user_channel_key) as users_reached
    from messages
    group by recall_step

),

reported as (

    select
        recall_step,
        sum(messages_sent) as messages_sent,
        sum(users_reached) as users_reached
    from outcomes
    group by recall_step

),

final as (

    select
        coalesce(staged.recall_step, reported.recall_step) as recall_step,
        staged.messages_sent as staged_messages_sent,
        reported.messages_sent as reported_messages_sent,
        staged.users_reached as staged_users_reached,
        reported.users_reached as reported_users_reached
    from staged
    full outer join reported
        on staged.recall_step = reported.recall_step
    where
        staged.recall_step is null
        or reported.recall_step is null
        or staged.messages_sent != reported.messages_sent
        or staged.users_reached != reported.users_reached

)

select * from final
