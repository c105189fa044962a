{#-
    Sample-ratio-mismatch (SRM) check of every readout: one row per
    experiment and readout type, a chi-square goodness-of-fit test of the
    users assigned per group against the design split (var
    experiment_design_splits; the A/A check's design is the 50/50 user id
    parity split of the control group). Definitions are in
    _retention__models.yml.
-#}
{%- set srm_threshold = var('experiment_srm_p_value_below') -%}

with

observations as (

    -- every assigned user has exactly one d1_retention observation per readout
    select
        readout_type,
        experiment_id,
        group_name,
        control_group_name
    from {{ ref('int_experiment_observations') }}
    where metric_name = 'd1_retention'

),

design_splits as (

    {{ experiment_design_split_rows() }}

),

observed_groups as (

    select
        readout_type,
        experiment_id,
        group_name,
        max(control_group_name) as control_group_name,
        count(*) as observed_users
    from observations
    group by
        readout_type,
        experiment_id,
        group_name

),

readouts as (

    select
        readout_type,
        experiment_id,
        max(control_group_name) as control_group_name,
        sum(observed_users) as total_users
    from observed_groups
    group by
        readout_type,
        experiment_id

),

designed_groups as (

    -- ab_test: the var's split of the experiment; aa_check: the two parity
    -- halves of the control group, half each
    select
        readouts.readout_type,
        readouts.experiment_id,
        design_splits.group_name,
        design_splits.design_share
    from readouts
    inner join design_splits
        on {{ experiment_design_split_key('readouts.experiment_id') }} = design_splits.split_key
    where readouts.readout_type = 'ab_test'

    union all

    select
        readout_type,
        experiment_id,
        control_group_name as group_name,
        0.5 as design_share
    from readouts
    where readout_type = 'aa_check'

    union all

    select
        readout_type,
        experiment_id,
        {{ dbt.concat(["substring(control_group_name, 1, length(control_group_name) - 5)", "'_odd'"]) }}
            as group_name,
        0.5 as design_share
    from readouts
    where readout_type = 'aa_check'

),

design_totals as (

    select
        readout_type,
        experiment_id,
        sum(design_share) as total_share
    from designed_groups
    group by
        readout_type,
        experiment_id

),

group_counts as (

    -- every designed group (observed or not) and every observed group (designed or not)
    select
        coalesce(designed_groups.readout_type, observed_groups.readout_type) as readout_type,
        coalesce(designed_groups.experiment_id, observed_groups.experiment_id) as experiment_id,
        coalesce(designed_groups.group_name, observed_groups.group_name) as group_name,
        designed_groups.design_share is not null as is_designed,
        coalesce(observed_groups.observed_users, 0) as observed_users,
        designed_groups.design_share
    from designed_groups
    full outer join observed_groups
        on
            designed_groups.readout_type = observed_groups.readout_type
            and designed_groups.experiment_id = observed_groups.experiment_id
            and designed_groups.group_name = observed_groups.group_name

),

expected_counts as (

    select
        group_counts.readout_type,
        group_counts.experiment_id,
        group_counts.group_name,
        group_counts.is_designed,
        group_counts.observed_users,
        readouts.total_users * group_counts.design_share / design_totals.total_share as expected_users
    from group_counts
    inner join readouts
        on
            group_counts.readout_type = readouts.readout_type
            and group_counts.experiment_id = readouts.experiment_id
    left join design_totals
        on
            group_counts.readout_type = design_totals.readout_type
            and group_counts.experiment_id = design_totals.experiment_id

),

tests as (

    select
        readout_type,
        experiment_id,
        sum(case when is_designed then 1 else 0 end) as design_groups,
        sum(case when observed_users > 0 then 1 else 0 end) as observed_groups,
        sum(observed_users) as total_users,
        sum(case when not is_designed then observed_users else 0 end) as undesigned_users,
        -- 'A=572, B=571': sorted by the text, which starts with the group name
        {{ experiment_sorted_list(
            dbt.concat(["group_name", "'='", "cast(observed_users as " ~ dbt.type_string() ~ ")"]),
            "', '"
        ) }} as observed_users_by_group,
        {{ experiment_sorted_list(
            dbt.concat([
                "group_name", "'='",
                "cast(round(coalesce(expected_users, 0), 2) as " ~ dbt.type_string() ~ ")"
            ]),
            "', '"
        ) }} as expected_users_by_group,
        sum(
            case
                when is_designed and expected_users > 0
                    then (observed_users - expected_users) * (observed_users - expected_users) / expected_users
            end
        ) as chi_square_statistic,
        max(
            case
                when is_designed and expected_users > 0
                    then abs(observed_users - expected_users) / expected_users
            end
        ) as max_relative_deviation
    from expected_counts
    group by
        readout_type,
        experiment_id

),

test_inputs as (

    select
        *,
        case when design_groups > 1 then design_groups - 1 end as degrees_of_freedom
    from tests

),

p_values as (

    select
        *,
        {{ stats_chi_square_sf('chi_square_statistic', 'degrees_of_freedom') }} as p_value
    from test_inputs

),

final as (

    select
        experiment_id,
        readout_type,
        cast(design_groups as integer) as design_groups,
        cast(observed_groups as integer) as observed_groups,
        cast(total_users as bigint) as total_users,
        cast(undesigned_users as bigint) as undesigned_users,
        cast(observed_users_by_group as {{ dbt.type_string() }}) as observed_users_by_group,
        cast(expected_users_by_group as {{ dbt.type_string() }}) as expected_users_by_group,
        cast(max_relative_deviation as double) as max_relative_deviation,
        cast(chi_square_statistic as double) as chi_square_statistic,
        cast(degrees_of_freedom as integer) as degrees_of_freedom,
        cast(p_value as double) as p_value,
        cast({{ srm_threshold }} as double) as srm_p_value_threshold,
        coalesce(p_value < {{ srm_threshold }}, false) or undesigned_users > 0 as is_sample_ratio_mismatch
    from p_values

)

select * from final
