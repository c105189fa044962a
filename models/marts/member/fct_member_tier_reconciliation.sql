-- Every tier change, derived (dim_member_tier_history) or recorded by the CRM
-- (stg_crm__member_tiers), side by side. The n-th change of a user from
-- tier A to tier B on one side is paired with the n-th such change on the
-- other side; reconciliation_status says whether and how they agree.
-- An export without CRM tier changes (member_tiers absent or header-only)
-- has nothing to reconcile against: the mart is empty rather than calling
-- every derived change missing_in_crm.

with

tier_history as (

    select * from {{ ref('dim_member_tier_history') }}

),

crm_tier_changes as (

    select * from {{ ref('stg_crm__member_tiers') }}

),

spend_daily as (

    select * from {{ ref('int_member_spend_daily') }}

),

derived_changes as (

    select
        user_id,
        previous_tier as from_tier,
        tier as to_tier,
        valid_from_date as change_date,
        {{ bigint_rank('row_number() over (
            partition by user_id, previous_tier, tier
            order by valid_from_date
        )') }} as transition_occurrence
    from tier_history
    where tier_period_number > 1

),

crm_export as (

    select count(*) as crm_tier_changes
    from crm_tier_changes

),

derived_changes_to_reconcile as (

    select derived_changes.*
    from derived_changes
    cross join crm_export
    where crm_export.crm_tier_changes > 0

),

crm_changes as (

    select
        tier_change_id,
        user_id,
        from_tier,
        to_tier,
        changed_date as change_date,
        {{ bigint_rank('row_number() over (
            partition by user_id, from_tier, to_tier
            order by changed_at, tier_change_id
        )') }} as transition_occurrence
    from crm_tier_changes

),

paired as (

    select
        coalesce(derived_changes.user_id, crm_changes.user_id) as user_id,
        coalesce(derived_changes.from_tier, crm_changes.from_tier) as from_tier,
        coalesce(derived_changes.to_tier, crm_changes.to_tier) as to_tier,
        coalesce(
            derived_changes.transition_occurrence, crm_changes.transition_occurrence
        ) as transition_occurrence,
        derived_changes.change_date as derived_change_date,
        crm_changes.change_date as crm_change_date,
        crm_changes.tier_change_id as crm_tier_change_id
    from derived_changes_to_reconcile as derived_changes
    full outer join crm_changes
        on
            derived_changes.user_id = crm_changes.user_id
            and derived_changes.from_tier = crm_changes.from_tier
            and derived_changes.to_tier = crm_changes.to_tier
            and derived_changes.transition_occurrence = crm_changes.transition_occurrence

),

gross_spend_at_crm_change as (

    -- paid spend before refunds up to the CRM's change day, to tell a CRM
    -- upgrade on gross spend from a manual one
    select
        paired.user_id,
        paired.from_tier,
        paired.to_tier,
        paired.transition_occurrence,
        max(spend_daily.cumulative_paid_gmv_cny) as cumulative_paid_gmv_cny
    from paired
    inner join spend_daily
        on
            paired.user_id = spend_daily.user_id
            and paired.crm_change_date >= spend_daily.spend_date
    where paired.derived_change_date is null
    group by paired.user_id, paired.from_tier, paired.to_tier, paired.transition_occurrence

),

classified as (

    select
        paired.user_id,
        paired.from_tier,
        paired.to_tier,
        paired.transition_occurrence,
        paired.derived_change_date,
        paired.crm_change_date,
        paired.crm_tier_change_id,
        case
            when paired.crm_change_date is null then 'missing_in_crm'
            when paired.derived_change_date is null then 'not_derived_from_spend'
            when paired.crm_change_date = paired.derived_change_date then 'matched'
            else 'date_differs'
        end as reconciliation_status,
        case
            when paired.crm_change_date = paired.derived_change_date then null
            when paired.crm_change_date > paired.derived_change_date then 'crm_applied_later'
            when paired.crm_change_date < paired.derived_change_date then 'crm_applied_earlier'
            when
                paired.crm_change_date is null
                and {{ member_tier_rank('paired.to_tier') }} < {{ member_tier_rank('paired.from_tier') }}
                then 'downgrade_after_refund_not_in_crm'
            when paired.crm_change_date is null then 'upgrade_not_recorded_by_crm'
            when
                {{ member_tier_of_spend('coalesce(gross_spend_at_crm_change.cumulative_paid_gmv_cny, 0)') }}
                = paired.to_tier
                then 'crm_counts_spend_before_refunds'
            else 'manual_or_unexplained_crm_change'
        end as likely_cause
    from paired
    left join gross_spend_at_crm_change
        on
            paired.user_id = gross_spend_at_crm_change.user_id
            and paired.from_tier = gross_spend_at_crm_change.from_tier
            and paired.to_tier = gross_spend_at_crm_change.to_tier
            and paired.transition_occurrence = gross_spend_at_crm_change.transition_occurrence

),

final as (

    select
        {{ surrogate_key(['user_id', 'from_tier', 'to_tier', 'transition_occurrence']) }}
            as tier_reconciliation_id,
        user_id,
        from_tier,
        to_tier,
        transition_occurrence,
        derived_change_date,
        crm_change_date,
        crm_tier_change_id,
        {{ dbt.datediff('derived_change_date', 'crm_change_date', 'day') }} as crm_days_after_derived,
        reconciliation_status,
        reconciliation_status != 'matched' as is_mismatch,
        likely_cause
    from classified

)

select * from final
