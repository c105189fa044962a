{#-
    Seeds on Spark. The seeds' column_types are written in DuckDB's names
    (varchar, the text type the raw seeds load as); Spark rejects a varchar
    without a length. These overrides of dbt-spark's seed macros (root-project
    macros win dbt's dispatch) translate each declared type with
    spark_type_of before it reaches Spark. Only the spark adapter calls them;
    DuckDB's seeds are untouched.
-#}

{#- A DuckDB type name as Spark's: varchar / text / char without a length ->
    string; the integer and floating aliases to Spark's; anything else as is. -#}
{% macro spark_type_of(type) -%}
    {%- set name = (type | string | lower | trim) -%}
    {%- set mapping = {
        'varchar': 'string', 'text': 'string', 'char': 'string', 'bpchar': 'string',
        'integer': 'int', 'int4': 'int', 'int8': 'bigint', 'hugeint': 'decimal(38, 0)',
        'real': 'float', 'float4': 'float', 'float8': 'double', 'double precision': 'double',
        'bool': 'boolean', 'timestamptz': 'timestamp',
    } -%}
    {{ return(mapping.get(name, type)) }}
{%- endmacro %}

{% macro spark__create_csv_table(model, agate_table) -%}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set quote_seed_column = model['config'].get('quote_columns', None) -%}
    {%- set columns = [] -%}
    {%- for col_name in agate_table.column_names -%}
        {%- set type = spark_type_of(column_override.get(col_name, adapter.convert_type(agate_table, loop.index0))) -%}
        {%- do columns.append(adapter.quote_seed_column(col_name | string, quote_seed_column) ~ ' ' ~ type) -%}
    {%- endfor -%}
    {%- set sql = 'create table ' ~ this.render() ~ ' (' ~ columns | join(', ') ~ ')\n'
        ~ file_format_clause() ~ '\n' ~ partition_cols(label='partitioned by') ~ '\n'
        ~ clustered_cols(label='clustered by') ~ '\n' ~ location_clause() ~ '\n' ~ comment_clause() -%}
    {%- call statement('_') -%}
        {{ sql }}
    {%- endcall -%}
    {{ return(sql) }}
{%- endmacro %}

{#- A seed value as a Spark SQL literal: null for an empty cell, otherwise
    the text quoted, with backslash and quote escaped (a backslash is an
    escape character in Spark string literals). -#}
{% macro spark_seed_literal(value) -%}
    {%- if value is none -%}
        {{ return('null') }}
    {%- endif -%}
    {{ return("'" ~ (value | string) | replace('\\', '\\\\') | replace("'", "\\'") ~ "'") }}
{%- endmacro %}

{#- The rows as literals, not as bindings: in session mode dbt-spark
    substitutes a binding as '<value>', so an empty cell (None) would load
    as the text 'None' and a quote or backslash in a value would break or
    change the statement. -#}
{% macro spark__load_csv_rows(model, agate_table) -%}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set types = [] -%}
    {%- for col_name in agate_table.column_names -%}
        {%- set declared = column_override.get(col_name, adapter.convert_type(agate_table, loop.index0)) -%}
        {%- do types.append(spark_type_of(declared)) -%}
    {%- endfor -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
        {%- set rows = [] -%}
        {%- for row in chunk -%}
            {%- set values = [] -%}
            {%- for value in row -%}
                {%- do values.append('cast(' ~ spark_seed_literal(value) ~ ' as ' ~ types[loop.index0] ~ ')') -%}
            {%- endfor -%}
            {%- do rows.append('(' ~ values | join(', ') ~ ')') -%}
        {%- endfor -%}
        {%- set sql = 'insert into ' ~ this.render() ~ ' values\n' ~ rows | join(',\n') -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- if loop.index0 == 0 -%}
            {%- do statements.append(sql) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(statements[0]) }}
{%- endmacro %}
