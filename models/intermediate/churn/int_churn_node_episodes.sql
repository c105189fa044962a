{#-
    Every churn-node episode with its window applied: the entries of the five
    nodes (one model each) fanned out over each node's windows (dbt vars
    churn_<node>_window_days; each window is a variant with its own
    node_code, e.g. registered_no_return_1d and registered_no_return_7d),
    with the deadline, whether it passed within the data, and whether the
    user was lost. Definitions: _churn__models.yml.
-#}
{%- set node_windows = churn_node_windows() %}
with

registered_no_return as (

    select * from {{ ref('int_churn_entries_registered_no_return') }}

),

carted_not_ordered as (

    select * from {{ ref('int_churn_entries_carted_not_ordered') }}

),

ordered_not_paid as (

    select * from {{ ref('int_churn_entries_ordered_not_paid') }}

),

received_not_repurchased as (

    select * from {{ ref('int_churn_entries_received_not_repurchased') }}

),

sleeping as (

    select * from {{ ref('int_churn_entries_sleeping') }}

),

node_windows as (

    {% for row in node_windows %}
        select
            '{{ row.node }}' as node,
            {{ row.node_number }} as node_number,
            {{ row.window_days }} as window_days,
            '{{ row.node_code }}' as node_code
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

data_end as (

    select {{ churn_data_end_at() }} as data_end_at

),

entries as (

    select
        user_id,
        node,
        entered_at,
        entry_reference_type,
        entry_reference_id,
        recovered_at,
        recovery_reference_type,
        recovery_reference_id,
        recovery_campaign_id,
        has_login_after_entry,
        cast(null as timestamp) as order_paid_at
    from registered_no_return

    union all

    select
        user_id,
        node,
        entered_at,
        entry_reference_type,
        entry_reference_id,
        recovered_at,
        recovery_reference_type,
        recovery_reference_id,
        recovery_campaign_id,
        cast(null as boolean) as has_login_after_entry,
        cast(null as timestamp) as order_paid_at
    from carted_not_ordered

    union all

    select
        user_id,
        node,
        entered_at,
        entry_reference_type,
        entry_reference_id,
        recovered_at,
        recovery_reference_type,
        recovery_reference_id,
        recovery_campaign_id,
        cast(null as boolean) as has_login_after_entry,
        order_paid_at
    from ordered_not_paid

    union all

    select
        user_id,
        node,
        entered_at,
        entry_reference_type,
        entry_reference_id,
        recovered_at,
        recovery_reference_type,
        recovery_reference_id,
        recovery_campaign_id,
        cast(null as boolean) as has_login_after_entry,
        cast(null as timestamp) as order_paid_at
    from received_not_repurchased

    union all

    select
        user_id,
        node,
        entered_at,
        entry_reference_type,
        entry_reference_id,
        recovered_at,
        recovery_reference_type,
        recovery_reference_id,
        recovery_campaign_id,
        cast(null as boolean) as has_login_after_entry,
        cast(null as timestamp) as order_paid_at
    from sleeping

),

windowed as (

    select
        entries.user_id,
        node_windows.node_code,
        node_windows.node,
        node_windows.node_number,
        node_windows.window_days,
        entries.entered_at,
        entries.entry_reference_type,
        entries.entry_reference_id,
        {{ dbt.dateadd('day', 'node_windows.window_days', 'entries.entered_at') }} as deadline_at,
        -- The data is read as of its last day: what happens after it (a
        -- payment a few minutes past midnight of the export) is not yet known.
        case when entries.recovered_at < data_end.data_end_at then entries.recovered_at end as recovered_at,
        case
            when entries.recovered_at < data_end.data_end_at then entries.recovery_reference_type
        end as recovery_reference_type,
        case
            when entries.recovered_at < data_end.data_end_at then entries.recovery_reference_id
        end as recovery_reference_id,
        case
            when entries.recovered_at < data_end.data_end_at then entries.recovery_campaign_id
        end as recovery_campaign_id,
        entries.has_login_after_entry,
        entries.order_paid_at,
        data_end.data_end_at
    from entries
    inner join node_windows
        on entries.node = node_windows.node
    cross join data_end
    where entries.entered_at < data_end.data_end_at

),

flagged as (

    select
        user_id,
        node_code,
        node,
        node_number,
        window_days,
        {{ bigint_rank('row_number() over (
            partition by user_id, node_code
            order by entered_at, entry_reference_id
        )') }} as episode_number,
        entered_at,
        entry_reference_type,
        entry_reference_id,
        deadline_at,
        deadline_at < data_end_at as is_deadline_passed,
        recovered_at,
        recovery_reference_type,
        recovery_reference_id,
        recovery_campaign_id,
        coalesce(recovered_at <= deadline_at, false) as is_recovered_before_deadline,
        has_login_after_entry,
        case
            when node = 'ordered_not_paid'
                then deadline_at < data_end_at and coalesce(order_paid_at > deadline_at, true)
        end as is_order_unpaid_at_deadline
    from windowed

),

final as (

    select
        {{ surrogate_key(['node_code', 'user_id', 'episode_number']) }} as episode_id,
        user_id,
        node_code,
        node,
        node_number,
        window_days,
        episode_number,
        entered_at,
        {{ to_shanghai_date('entered_at') }} as entered_date,
        entry_reference_type,
        entry_reference_id,
        deadline_at,
        {{ to_shanghai_date('deadline_at') }} as deadline_date,
        is_deadline_passed,
        is_recovered_before_deadline,
        is_deadline_passed and not is_recovered_before_deadline as is_lost,
        recovered_at,
        {{ to_shanghai_date('recovered_at') }} as recovered_date,
        recovery_reference_type,
        recovery_reference_id,
        recovery_campaign_id,
        has_login_after_entry,
        is_order_unpaid_at_deadline
    from flagged

)

select * from final
