{#-
    Every episode's timeline is in order: recovered at or after entered (a
    delivery or a payment is recovered only strictly after it: nodes
    received_not_repurchased and sleeping), the deadline after the entry,
    and the flags agree with the timestamps. Returns the offending episodes.
-#}
with

episodes as (

    select
        episode_id,
        node,
        entered_at,
        deadline_at,
        recovered_at,
        is_deadline_passed,
        is_recovered_before_deadline,
        is_lost,
        is_recovered_after_loss
    from {{ ref('fct_churn_node_episodes') }}

),

final as (

    select
        episode_id,
        node,
        entered_at,
        deadline_at,
        recovered_at,
        is_lost
    from episodes
    where
        recovered_at < entered_at
        or (node in ('received_not_repurchased', 'sleeping') and recovered_at <= entered_at)
        or deadline_at <= entered_at
        or (is_lost and not is_deadline_passed)
        or (is_lost and is_recovered_before_deadline)
        or (is_recovered_after_loss and recovered_at <= deadline_at)
        or (is_recovered_before_deadline and (recovered_at is null or recovered_at > deadline_at))

)

select * from final
