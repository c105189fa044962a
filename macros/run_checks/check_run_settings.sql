{#-
    Run-start checks (on-run-start of dbt_project.yml), before any model
    is built. Each failure stops the run with a message that says what to do:

    1. every var given on the command line (--vars) is one the project
       knows (project_var_names): a typo such as raw_directory would
       otherwise be ignored and the committed sample built instead;
    2. with var raw_dir set: the folder holds at least one file of the raw
       contract, and the required entities (users, orders);
    3. with var raw_dir set: the PII salt is not the public development
       salt (ECOMOPS_PII_SALT must be set: a mobile number's salted hash is
       reversed in seconds when the salt is known);
    and, without failing, says once which entities the export lacks (absent
    or header-only) and which marts read them.
-#}
{% macro check_run_settings() -%}
    {%- if execute -%}
        {%- set given = invocation_args_dict.get('vars') or {} -%}
        {%- if given is string -%}
            {%- set given = fromyaml(given) or {} -%}
        {%- endif -%}
        {%- set unknown = [] -%}
        {%- for name in given -%}
            {%- if name not in project_var_names() -%}
                {%- do unknown.append(name) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if unknown -%}
            {{ exceptions.raise_compiler_error(
                "unknown var(s) " ~ unknown | join(', ') ~ " in --vars. Rule known_vars: the project's vars are "
                ~ project_var_names() | join(', ') ~ " (documented in dbt_project.yml)."
            ) }}
        {%- endif -%}
        {%- if var('raw_dir', '') -%}
            {%- do check_raw_export() -%}
        {%- endif -%}
    {%- endif -%}
    select 1 as run_settings_checked
{%- endmacro %}

{% macro check_raw_export() -%}
    {%- set raw_format = var('raw_format', 'csv') -%}
    {%- if raw_format not in ('csv', 'parquet') -%}
        {{ exceptions.raise_compiler_error("var raw_format must be csv or parquet, got '" ~ raw_format ~ "'") }}
    {%- endif -%}
    {%- set files = raw_dir_files() -%}
    {%- set expected = [] -%}
    {%- set found = [] -%}
    {%- set lacking = [] -%}
    {%- for source_name, table_name in raw_entities() -%}
        {%- set file_name = table_name ~ '.' ~ raw_format -%}
        {%- do expected.append(file_name) -%}
        {%- if file_name in files -%}
            {%- do found.append(table_name) -%}
        {%- endif -%}
        {%- if file_name not in files or files[file_name] == 0 or not raw_file_has_rows(raw_file_path(table_name)) -%}
            {%- do lacking.append([source_name, table_name]) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if not found -%}
        {{ exceptions.raise_compiler_error(
            "raw_dir " ~ var('raw_dir') ~ " holds none of the raw contract's files. Rule raw_contract_files: expected "
            ~ expected | join(', ') ~ " (users and orders are required; set var raw_format for parquet)."
            ~ " Run `python -m ecomops check-export " ~ var('raw_dir') ~ "` for a full report."
        ) }}
    {%- endif -%}
    {%- for table_name in raw_required_entities() -%}
        {%- if table_name not in found -%}
            {{ exceptions.raise_compiler_error(
                "raw export incomplete: " ~ raw_file_path(table_name) ~ " is missing. Rule raw_required_entity: every export needs "
                ~ raw_required_entities() | join(' and ') ~ "; the other entities may be absent. Expected files: "
                ~ expected | join(', ') ~ "."
            ) }}
        {%- endif -%}
    {%- endfor -%}
    {%- set salt = run_query(pii_salt_is_default_sql()) -%}
    {%- if salt.rows[0][0] is none or salt.rows[0][0] -%}
        {{ exceptions.raise_compiler_error(
            "refusing to build an export with the public development PII salt. Rule pii_salt: phone numbers are hashed"
            ~ " with a secret salt, and a known salt lets anyone reverse a mobile number's hash in seconds. Set the"
            ~ " environment variable ECOMOPS_PII_SALT to a long random secret (e.g. `export ECOMOPS_PII_SALT=$(openssl rand -hex 32)`),"
            ~ " keep it out of the repository, and run again with the same value every day so that hashes stay stable."
        ) }}
    {%- endif -%}
    {%- if lacking -%}
        {%- set lines = [] -%}
        {%- for source_name, table_name in lacking -%}
            {%- set readers = marts_reading('base_' ~ source_name ~ '__' ~ table_name) -%}
            {%- do lines.append('  - ' ~ table_name ~ ': reading marts ' ~ readers | join(', ')) -%}
        {%- endfor -%}
        {{ log(
            "Export " ~ var('raw_dir') ~ " has no rows for " ~ lacking | length ~ " of " ~ raw_entities() | length
            ~ " entities (absent or header-only). They build empty; a mart that needs them is empty or counts"
            ~ " none of their activity (docs/exports.md):\n" ~ lines | join('\n'),
            info=true
        ) }}
    {%- endif -%}
{%- endmacro %}

{#- The query whose one value is true when the PII salt of this run is the
    public development salt (or none is set). DuckDB: the session variable
    the dbt-duckdb plugin sets (ecomops/dbt/pii_salt.py). -#}
{% macro pii_salt_is_default_sql() -%}
    {{ return(adapter.dispatch('pii_salt_is_default_sql', 'ecomops')()) }}
{%- endmacro %}

{% macro default__pii_salt_is_default_sql() -%}
    {{ return("select getvariable('ecomops_pii_salt_is_default')") }}
{%- endmacro %}

{#- True when a raw file has at least one data row (reads one row). -#}
{% macro raw_file_has_rows(path) -%}
    {%- set probe = run_query('select 1 from ' ~ raw_file_reader(path) ~ ' limit 1') -%}
    {{ return(probe.rows | length > 0) }}
{%- endmacro %}

{#- The public marts downstream of a model, by name, sorted. -#}
{% macro marts_reading(model_name) -%}
    {%- set children = {} -%}
    {%- for node in graph.nodes.values() if node.resource_type == 'model' -%}
        {%- for parent in node.depends_on.nodes -%}
            {%- do children.setdefault(parent, []).append(node.unique_id) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- set seen = {} -%}
    {%- set walk = namespace(frontier=['model.' ~ project_name ~ '.' ~ model_name]) -%}
    {%- for _ in range(30) -%}
        {%- set next_frontier = [] -%}
        {%- for unique_id in walk.frontier -%}
            {%- for child in children.get(unique_id, []) -%}
                {%- if child not in seen -%}
                    {%- do seen.update({child: true}) -%}
                    {%- do next_frontier.append(child) -%}
                {%- endif -%}
            {%- endfor -%}
        {%- endfor -%}
        {%- set walk.frontier = next_frontier -%}
    {%- endfor -%}
    {%- set marts = [] -%}
    {%- for unique_id in seen -%}
        {%- set node = graph.nodes[unique_id] -%}
        {%- if 'marts' in node.fqn -%}
            {%- do marts.append(node.name) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(marts | sort) }}
{%- endmacro %}

{#- Every var of dbt_project.yml (tests/python/test_export_checks.py keeps
    this list equal to the file's). -#}
{% macro project_var_names() -%}
    {{ return([
        'raw_dir', 'raw_format', 'raw_schema',
        'raw_csv_delimiter', 'raw_csv_quote', 'raw_csv_escape', 'raw_csv_encoding', 'raw_csv_null_strings',
        'raw_max_unreadable_lines', 'raw_timezone', 'raw_timestamp_floor',
        'data_start_date', 'data_end_date', 'incremental_lookback_days',
        'member_regular_threshold_cny', 'member_vip_threshold_cny', 'member_as_of_date',
        'clv_calibration_end_date', 'clv_holdout_days', 'clv_monthly_discount_rate', 'clv_holdout_tolerance',
        'marketing_lookback_days', 'marketing_time_decay_half_life_days', 'marketing_attribution_models',
        'marketing_default_attribution_model', 'marketing_budget_cut_roi_below', 'marketing_budget_raise_roi_above',
        'marketing_budget_consecutive_weeks', 'marketing_crm_message_channels', 'marketing_repurchase_window_days',
        'marketing_points_per_yuan',
        'retention_max_periods', 'retention_daily_segment_dimensions', 'retention_day_brackets',
        'funnel_conversion_window_days', 'funnel_session_order_grace_minutes',
        'experiment_window_days', 'experiment_control_groups', 'experiment_design_splits',
        'experiment_srm_p_value_below', 'experiment_cuped_lookback_days',
        'churn_registered_no_return_window_days', 'churn_carted_not_ordered_window_days',
        'churn_ordered_not_paid_window_days', 'churn_received_not_repurchased_window_days',
        'churn_sleeping_window_days', 'churn_segment_dimensions', 'churn_recall_step_offset_days',
        'churn_recovery_attribution_days', 'churn_max_marketing_sms_per_user_day',
        'volume_trailing_days', 'volume_max_ratio', 'volume_min_ratio', 'volume_orders_min_ratio',
        'volume_min_baseline', 'volume_min_history_days',
        'value_interaction_event_types', 'value_level_thresholds',
        'crm_festivals', 'crm_festival_purchase_window_days', 'crm_audiences',
    ]) }}
{%- endmacro %}

{#-
    Run-end summary (on-run-end): when the raw-row reconciliation was built
    in this run, one line per entity with rows staged, quarantined and
    removed as duplicates, and the personal numbers masked in free text, so
    that a person sees what was set aside without querying. Counts only:
    no raw value is ever logged.
-#}
{% macro report_run_summary(results) -%}
    {%- if execute -%}
        {%- set built = [] -%}
        {%- for result in results -%}
            {%- if result.node.name == 'int_raw_rows_reconciled' and result.status == 'success' -%}
                {%- do built.append(result.node.relation_name) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if built -%}
            {%- set counts = run_query(
                'select entity, raw_rows, staged_rows, quarantined_rows, duplicate_rows, pii_masked_values from '
                ~ built[0] ~ ' order by entity'
            ) -%}
            {%- set lines = [] -%}
            {%- for row in counts.rows -%}
                {%- do lines.append('  ' ~ row[0] ~ ': ' ~ row[1] ~ ' raw = ' ~ row[2] ~ ' staged + ' ~ row[3]
                    ~ ' quarantined + ' ~ row[4] ~ ' duplicates; ' ~ row[5] ~ ' personal numbers masked in free text') -%}
            {%- endfor -%}
            {{ log('Raw rows by entity (staging.stg_quarantine__rows lists every row set aside, with its rule):\n'
                ~ lines | join('\n'), info=true) }}
        {%- endif -%}
    {%- endif -%}
    select 1 as run_summary_reported
{%- endmacro %}
