{#-
    Members of the audiences of rule recall_step (var crm_audiences), as
    spans of days (here one day each): a user at churn node 1
    (registered_no_return, fct_churn_node_episodes node
    churn_recall_node_code()) belongs to the audience of recall step k on
    the Asia/Shanghai day of registration + the step's offset (var
    churn_recall_step_offset_days: 1, 3, 7 days of 24 hours), when the user
    has not come back (no tracking event) by that instant and the instant
    lies within the data: the recall models' own reference instant
    (int_recall_step_exposures). Rules are in _int_crm__models.yml.
-#}
{%- do crm_check_settings() -%}
{%- set audiences = var('crm_audiences', []) | selectattr('rule', 'equalto', 'recall_step') | list -%}
{%- set step_offsets = var('churn_recall_step_offset_days', [1, 3, 7]) -%}
with

node_episodes as (

    select
        user_id,
        entered_at,
        recovered_at
    from {{ ref('fct_churn_node_episodes') }}
    where node_code = '{{ churn_recall_node_code() }}'

),

data_end as (

    select {{ churn_data_end_at() }} as data_end_at

),

audience_steps as (

    {% if audiences %}
        {% for audience in audiences %}
            {%- set step = audience.parameters.recall_step | int -%}
            {%- if step < 1 or step > step_offsets | length -%}
                {{ exceptions.raise_compiler_error(
                    "var crm_audiences: audience " ~ audience.name ~ " has recall_step " ~ step
                    ~ "; churn_recall_step_offset_days defines steps 1 to " ~ step_offsets | length
                ) }}
            {%- endif %}
            select
                cast('{{ audience.name }}' as {{ dbt.type_string() }}) as audience_name,
                {{ step }} as recall_step,
                {{ step_offsets[step - 1] | int }} as step_offset_days
            {% if not loop.last %}union all{% endif %}
        {% endfor %}
    {% else %}
        select
            cast(null as {{ dbt.type_string() }}) as audience_name,
            cast(null as integer) as recall_step,
            cast(null as integer) as step_offset_days
        where 1 = 0
    {% endif %}

),

step_instants as (

    select
        audience_steps.audience_name,
        audience_steps.step_offset_days,
        node_episodes.user_id,
        node_episodes.recovered_at,
        {{ dbt.dateadd('day', 'audience_steps.step_offset_days', 'node_episodes.entered_at') }} as reference_at
    from node_episodes
    cross join audience_steps

),

final as (

    select
        step_instants.audience_name,
        step_instants.user_id,
        {{ to_shanghai_date('step_instants.reference_at') }} as span_start_date,
        {{ to_shanghai_date('step_instants.reference_at') }} as span_end_date,
        {{ dbt.concat(["'day_'", 'cast(step_instants.step_offset_days as ' ~ dbt.type_string() ~ ')']) }}
            as match_detail
    from step_instants
    cross join data_end
    where
        step_instants.reference_at < data_end.data_end_at
        and (step_instants.recovered_at is null or step_instants.recovered_at > step_instants.reference_at)

)

select * from final
