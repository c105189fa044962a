{#-
    One row per recall step, message channel and ISO week (Monday,
    Asia/Shanghai) of the first message: what the step sent, whom it reached
    and how many of the reached users still at node 1 came back or paid,
    beside the same rates of the step's natural control (users at node 1 who
    got no message of that step) and the uplift. Definitions:
    _churn__models.yml.
-#}
{%- set step_offsets = var('churn_recall_step_offset_days', [1, 3, 7]) %}
{%- set windows = [
    ('came_back_3d', 'has_come_back_3d', 3),
    ('came_back_7d', 'has_come_back_7d', 7),
    ('paid_7d', 'has_paid_7d', 7),
    ('paid_30d', 'has_paid_30d', 30),
] %}
with

exposures as (

    select * from {{ ref('int_recall_step_exposures') }}

),

recalled as (

    select
        recall_step,
        message_channel,
        week_start_date,
        sum(messages_sent) as messages_sent,
        count(*) as users_reached,
        count(case when is_clicked then 1 end) as users_clicked,
        count(case when is_at_node then 1 end) as users_at_node,
        {% for outcome, flag, days in windows -%}
            count(case when is_at_node and {{ flag }} then 1 end) as users_{{ outcome }},
            min(case when not is_at_node or is_window_complete_{{ days }}d then 1 else 0 end) = 1
                as is_complete_{{ outcome }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from exposures
    where exposure_group = 'recalled'
    group by recall_step, message_channel, week_start_date

),

control as (

    select
        recall_step,
        week_start_date,
        count(*) as control_users,
        {% for outcome, flag, days in windows -%}
            count(case when {{ flag }} then 1 end) as control_users_{{ outcome }},
            min(case when is_window_complete_{{ days }}d then 1 else 0 end) = 1
                as is_control_complete_{{ outcome }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from exposures
    where exposure_group = 'control'
    group by recall_step, week_start_date

),

rates as (

    select
        recalled.recall_step,
        recalled.message_channel,
        recalled.week_start_date,
        recalled.messages_sent,
        recalled.users_reached,
        recalled.users_clicked,
        recalled.users_at_node,
        {% for outcome, flag, days in windows -%}
            recalled.users_{{ outcome }},
        {% endfor -%}
        coalesce(control.control_users, 0) as control_users,
        {% for outcome, flag, days in windows -%}
            coalesce(control.control_users_{{ outcome }}, 0) as control_users_{{ outcome }},
            case
                when recalled.is_complete_{{ outcome }}
                    then {{ safe_rate('recalled.users_' ~ outcome, 'recalled.users_at_node') }}
            end as {{ outcome }}_rate,
            case
                when control.is_control_complete_{{ outcome }}
                    then {{ safe_rate('control.control_users_' ~ outcome, 'control.control_users') }}
            end as control_{{ outcome }}_rate{% if not loop.last %},{% endif %}
        {% endfor %}
    from recalled
    left join control
        on
            recalled.recall_step = control.recall_step
            and recalled.week_start_date = control.week_start_date

),

final as (

    select
        {{ surrogate_key(['recall_step', 'message_channel', 'week_start_date']) }} as recall_outcome_id,
        week_start_date,
        recall_step,
        case recall_step
            when 1 then 'new_user_gift'
            when 2 then 'video_tutorial'
            when 3 then 'no_threshold_coupon'
        end as recall_step_name,
        case recall_step
            {% for offset_days in step_offsets -%}
                when {{ loop.index }} then {{ offset_days | int }}
            {% endfor -%}
        end as step_offset_days,
        message_channel,
        cast(messages_sent as bigint) as messages_sent,
        cast(users_reached as bigint) as users_reached,
        cast(users_clicked as bigint) as users_clicked,
        cast(users_at_node as bigint) as users_at_node,
        {% for outcome, flag, days in windows -%}
            cast(users_{{ outcome }} as bigint) as users_{{ outcome }},
        {% endfor -%}
        came_back_3d_rate,
        came_back_7d_rate as recall_success_rate,
        paid_7d_rate,
        paid_30d_rate,
        cast(control_users as bigint) as control_users,
        {% for outcome, flag, days in windows -%}
            cast(control_users_{{ outcome }} as bigint) as control_users_{{ outcome }},
        {% endfor -%}
        {% for outcome, flag, days in windows -%}
            control_{{ outcome }}_rate,
        {% endfor -%}
        {% for outcome, flag, days in windows -%}
            {{ outcome }}_rate - control_{{ outcome }}_rate as uplift_{{ outcome }},
        {% endfor -%}
        users_came_back_7d - users_at_node * control_came_back_7d_rate as incremental_users_came_back_7d
    from rates

)

select * from final
