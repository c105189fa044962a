-- For every paid order and attribution model the credit shares sum to
-- exactly 1 (decimal arithmetic, no tolerance). Returns the offending pairs.
with

attribution as (
    select * from {{ ref('fct_order_attribution') }}
),

share_sums as (
    select
        order_id,
        attribution_model,
        sum(credit_share) as total_share,
        min(credit_share) as lowest_share,
        max(credit_share) as highest_share
    from attribution
    group by order_id, attribution_model
),

final as (
    select
        order_id,
        attribution_model,
        total_share,
        lowest_share,
        highest_share
    from share_sums
    where total_share != 1 or lowest_share < 0 or highest_share > 1
)

select * from final
