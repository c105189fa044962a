{#-
    The control group of an experiment, as a SQL expression of the
    experiment id column: the var experiment_control_groups maps experiment
    ids to their control group, and its key `default` (B) covers every
    experiment not listed.
-#}
{% macro experiment_control_group(experiment_id_column) -%}
    {%- set control_groups = var('experiment_control_groups') -%}
    {%- set ns = namespace(expression="'" ~ control_groups['default'] ~ "'") -%}
    {%- for experiment_id, group_name in control_groups.items() if experiment_id != 'default' -%}
        {%- set ns.expression = "case when " ~ experiment_id_column ~ " = '" ~ experiment_id ~ "' then '"
            ~ group_name ~ "' else " ~ ns.expression ~ " end" -%}
    {%- endfor -%}
    {{ ns.expression }}
{%- endmacro %}
