{#-
    Model contracts on Spark. The contracts' data_type values are written in
    DuckDB's names (varchar, integer, ...), the engine the project is built
    for; Spark rejects a varchar without a length. dbt checks a contract by
    running `select cast(null as <data_type>) as <column>, ...` and comparing
    the result's column types with the model's: this override of dbt's
    get_empty_schema_sql (root-project macros win dbt's dispatch; only the
    spark adapter calls spark__) translates each declared type with
    spark_type_of (spark_seeds.sql), the one place that maps DuckDB type
    names to Spark's, so that the yml files stay as they are. DuckDB's
    contract check is untouched.
-#}
{% macro spark__get_empty_schema_sql(columns) -%}
    {%- set translated = {} -%}
    {%- for name in columns -%}
        {%- set column = columns[name] -%}
        {%- set copy = {} -%}
        {%- do copy.update(column) -%}
        {%- if column.get('data_type') is not none -%}
            {%- do copy.update({'data_type': spark_type_of(column['data_type'])}) -%}
        {%- endif -%}
        {%- do translated.update({name: copy}) -%}
    {%- endfor -%}
    {{ return(default__get_empty_schema_sql(translated)) }}
{%- endmacro %}

{#- dbt-spark applies a contract's constraints (alter table ... set not
    null, add constraint ... check) when the file format is delta or unset;
    the tables here are Parquet (no file_format set: Spark's default
    data source), which accept neither, so constraints are applied only to
    an explicitly Delta table. The not_null / unique data tests on the same
    columns still run on Spark. -#}
{% macro spark__persist_constraints(relation, model) -%}
    {%- if config.get('file_format') == 'delta' -%}
        {%- do alter_table_add_constraints(relation, model.constraints) -%}
        {%- do alter_column_set_constraints(relation, model.columns) -%}
    {%- endif -%}
{%- endmacro %}
