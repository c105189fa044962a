{#-
    The CRM export (人群包): one row per Asia/Shanghai day, audience and user
    to send to - the users an audience's rule selects that day, reachable on
    its action channel, and for an SMS audience below the daily marketing SMS
    cap. Definitions are in _crm__models.yml; the audiences in var
    crm_audiences.
-#}
with

candidates as (

    select
        date_day,
        audience_name,
        user_id,
        action_channel,
        match_detail,
        exclusion_reason
    from {{ ref('int_crm_audience_candidates') }}

),

final as (

    select
        cast(date_day as date) as date_day,
        cast(audience_name as {{ dbt.type_string() }}) as audience_name,
        cast(user_id as bigint) as user_id,
        cast(action_channel as {{ dbt.type_string() }}) as action_channel,
        cast(match_detail as {{ dbt.type_string() }}) as match_detail
    from candidates
    where exclusion_reason is null

)

select * from final
