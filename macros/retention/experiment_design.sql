{#-
    The design split of the experiments (var experiment_design_splits: a map
    of experiment id to {group: share}, key `default` for every experiment
    not listed), for the sample-ratio-mismatch check of
    fct_experiment_checks.

    experiment_design_split_key(experiment_id_column): the key of the var
    that applies to the experiment (its own id when listed, else 'default').
    experiment_design_split_rows(): a select of one row per key and group
    (split_key, group_name, design_share); shares are used as given and
    normalised by their sum in the mart.
-#}
{% macro experiment_design_split_key(experiment_id_column) -%}
    {%- set splits = var('experiment_design_splits') -%}
    {%- set ns = namespace(expression="'default'") -%}
    {%- for experiment_id in splits.keys() if experiment_id != 'default' -%}
        {%- set ns.expression = "case when " ~ experiment_id_column ~ " = '" ~ experiment_id ~ "' then '"
            ~ experiment_id ~ "' else " ~ ns.expression ~ " end" -%}
    {%- endfor -%}
    {{ ns.expression }}
{%- endmacro %}

{% macro experiment_design_split_rows() -%}
    {%- set splits = var('experiment_design_splits') -%}
    {%- if 'default' not in splits -%}
        {{ exceptions.raise_compiler_error("var experiment_design_splits needs a key `default`") }}
    {%- endif -%}
    {%- set rows = [] -%}
    {%- for split_key, groups in splits.items() -%}
        {%- for group_name, share in groups.items() -%}
            {%- do rows.append(
                "select cast('" ~ split_key ~ "' as " ~ dbt.type_string() ~ ") as split_key, cast('"
                ~ group_name ~ "' as " ~ dbt.type_string() ~ ") as group_name, cast("
                ~ share ~ " as double) as design_share"
            ) -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ rows | join('\n    union all\n    ') }}
{%- endmacro %}

{#-
    experiment_sorted_list(expression, delimiter_literal): an aggregate of
    the text expression over the group's rows, sorted ascending and joined
    by the delimiter (a SQL string literal). Default: dbt.listagg with an
    order by; Spark: dbt-spark's listagg ignores the order, so
    array_join(array_sort(collect_list(...))). Dispatchable.
-#}
{% macro experiment_sorted_list(expression, delimiter_literal) -%}
    {{ return(adapter.dispatch('experiment_sorted_list')(expression, delimiter_literal)) }}
{%- endmacro %}

{% macro default__experiment_sorted_list(expression, delimiter_literal) -%}
    {{ dbt.listagg(expression, delimiter_literal, 'order by ' ~ expression) }}
{%- endmacro %}

{% macro spark__experiment_sorted_list(expression, delimiter_literal) -%}
    array_join(array_sort(collect_list({{ expression }})), {{ delimiter_literal }})
{%- endmacro %}
