-- Points per calendar quarter (Asia/Shanghai), all members together, with
-- the points redemption rate the reports quote (Q4 2025: 63%).

with

member_points as (

    select * from {{ ref('fct_member_points') }}

),

quarterly as (

    select
        cast({{ dbt.date_trunc('quarter', 'points_date') }} as date) as quarter_start_date,
        count(distinct user_id) as members_with_movements,
        count(distinct case when points_redeemed > 0 then user_id end) as members_redeeming,
        sum(points_earned) as points_earned,
        sum(points_redeemed) as points_redeemed,
        sum(points_expired) as points_expired,
        sum(farmed_points_earned) as farmed_points_earned
    from member_points
    group by cast({{ dbt.date_trunc('quarter', 'points_date') }} as date)

),

final as (

    select
        quarter_start_date,
        cast(extract(year from quarter_start_date) as integer) as calendar_year,
        cast(extract(quarter from quarter_start_date) as integer) as calendar_quarter,
        cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 3, 'quarter_start_date')) }} as date)
        <= {{ last_data_date() }} as is_complete_quarter,
        cast(members_with_movements as bigint) as members_with_movements,
        cast(members_redeeming as bigint) as members_redeeming,
        cast(points_earned as bigint) as points_earned,
        cast(points_redeemed as bigint) as points_redeemed,
        cast(points_expired as bigint) as points_expired,
        cast(farmed_points_earned as bigint) as farmed_points_earned,
        cast(1.0 * points_redeemed / nullif(points_earned, 0) as decimal(9, 4)) as redemption_rate
    from quarterly

)

select * from final
