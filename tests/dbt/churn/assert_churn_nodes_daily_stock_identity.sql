{#-
    The stock identity of fct_churn_nodes_daily, exactly, per node_code and
    segment (stocks before the first day are 0):
      at_node_count(d)    = at_node_count(d-1)    + entered_count(d) - recovered_count(d)
      lost_stock_count(d) = lost_stock_count(d-1) + lost_count(d)    - recovered_after_loss_count(d)
    Episodes leave a node only by recovering, so there is no other exit term.
    Returns the rows where either side differs.
-#}
with

daily as (

    select
        date_day,
        node_code,
        segment_dimension,
        segment_value,
        entered_count,
        lost_count,
        recovered_count,
        recovered_after_loss_count,
        at_node_count,
        lost_stock_count
    from {{ ref('fct_churn_nodes_daily') }}

),

with_previous as (

    select
        date_day,
        node_code,
        segment_dimension,
        segment_value,
        entered_count,
        lost_count,
        recovered_count,
        recovered_after_loss_count,
        at_node_count,
        lost_stock_count,
        lag(date_day) over (
            partition by node_code, segment_dimension, segment_value order by date_day
        ) as previous_date_day,
        coalesce(lag(at_node_count) over (
            partition by node_code, segment_dimension, segment_value order by date_day
        ), 0) as previous_at_node_count,
        coalesce(lag(lost_stock_count) over (
            partition by node_code, segment_dimension, segment_value order by date_day
        ), 0) as previous_lost_stock_count
    from daily

),

final as (

    select
        date_day,
        node_code,
        segment_dimension,
        segment_value,
        previous_date_day,
        previous_at_node_count,
        entered_count,
        recovered_count,
        at_node_count,
        previous_lost_stock_count,
        lost_count,
        recovered_after_loss_count,
        lost_stock_count
    from with_previous
    where
        at_node_count != previous_at_node_count + entered_count - recovered_count
        or lost_stock_count != previous_lost_stock_count + lost_count - recovered_after_loss_count
        or (previous_date_day is not null and previous_date_day != {{ dbt.dateadd('day', -1, 'date_day') }})

)

select * from final
