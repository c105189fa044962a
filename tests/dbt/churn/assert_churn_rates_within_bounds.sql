{#-
    Every share of the churn marts lies in [0, 1] and every uplift (a
    difference of two shares) in [-1, 1]; counts that are parts of a whole
    never exceed it. Returns the offending rows.
-#}
with

daily as (

    select
        node_day_segment_id as row_id,
        'fct_churn_nodes_daily' as model_name
    from {{ ref('fct_churn_nodes_daily') }}
    where
        loss_rate not between 0 and 1
        or never_logged_in_rate not between 0 and 1
        or orders_unpaid_rate not between 0 and 1
        or cohort_orders_unpaid_count > entered_count
        or lost_stock_share not between 0 and 1
        or lost_stock_count > at_node_count
        or recovered_after_loss_count > recovered_count
        or cohort_lost_count > cohort_deadline_passed_count
        or cohort_deadline_passed_count > entered_count

),

recall as (

    select
        recall_outcome_id as row_id,
        'fct_recall_outcomes' as model_name
    from {{ ref('fct_recall_outcomes') }}
    where
        came_back_3d_rate not between 0 and 1
        or recall_success_rate not between 0 and 1
        or paid_7d_rate not between 0 and 1
        or paid_30d_rate not between 0 and 1
        or control_came_back_3d_rate not between 0 and 1
        or control_came_back_7d_rate not between 0 and 1
        or control_paid_7d_rate not between 0 and 1
        or control_paid_30d_rate not between 0 and 1
        or uplift_came_back_3d not between -1 and 1
        or uplift_came_back_7d not between -1 and 1
        or uplift_paid_7d not between -1 and 1
        or uplift_paid_30d not between -1 and 1
        or users_at_node > users_reached
        or users_clicked > users_reached
        or users_came_back_3d > users_came_back_7d
        or users_came_back_7d > users_at_node
        or users_paid_7d > users_paid_30d
        or users_paid_30d > users_at_node
        or users_reached > messages_sent

),

final as (

    select
        row_id,
        model_name
    from daily
    union all
    select
        row_id,
        model_name
    from recall

)

select * from final
