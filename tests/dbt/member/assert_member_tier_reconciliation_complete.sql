-- Every derived tier change and every CRM tier change appears in
-- fct_member_tier_reconciliation exactly once. An export without CRM tier
-- changes has nothing to reconcile: the mart is then empty by design.

with

reconciliation as (

    select * from {{ ref('fct_member_tier_reconciliation') }}

),

tier_history as (

    select * from {{ ref('dim_member_tier_history') }}

),

crm_tier_changes as (

    select * from {{ ref('stg_crm__member_tiers') }}

),

counts as (

    select
        (
            select count(*) from tier_history
            where
                tier_period_number > 1
                and exists (select 1 from crm_tier_changes)
        ) as derived_changes,
        (
            select count(*) from reconciliation
            where derived_change_date is not null
        ) as reconciled_derived,
        (select count(*) from crm_tier_changes) as crm_changes,
        (select count(distinct crm_tier_change_id) from reconciliation) as reconciled_crm,
        (select count(crm_tier_change_id) from reconciliation) as reconciled_crm_rows

)

select * from counts
where
    derived_changes != reconciled_derived
    or crm_changes != reconciled_crm
    or crm_changes != reconciled_crm_rows
