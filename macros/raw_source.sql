{#-
    The relation a base model reads one raw entity from.

    - var raw_dir empty (default): the source, which points at the committed
      seed of the same name in schema raw. The seed is also ref'd so that a
      fresh `dbt build` loads it before the base model runs.
    - var raw_dir set: the file <raw_dir>/<table_name>.<raw_format> read
      directly (csv: every column as text, like the seeds; parquet: as typed
      in the file). source() is still called so that lineage is kept. A
      missing file fails with DuckDB's own message naming the path.
-#}
{% macro raw_source(source_name, table_name) -%}
    {%- set source_relation = source(source_name, table_name) -%}
    {%- set raw_dir = var('raw_dir', '') -%}
    {%- if not raw_dir -%}
        {%- do ref(table_name) -%}
        {{ return(source_relation) }}
    {%- else -%}
        {%- set reader = raw_file_reader(raw_dir, table_name, var('raw_format', 'csv')) -%}
        {#- A file from outside may lack a contract column: stop with a clear message. -#}
        {%- do assert_raw_contract(source_name, table_name, reader) -%}
        {{ return(reader) }}
    {%- endif -%}
{%- endmacro %}

{% macro raw_file_reader(raw_dir, table_name, raw_format) -%}
    {{ return(adapter.dispatch('raw_file_reader', 'ecomops')(raw_dir, table_name, raw_format)) }}
{%- endmacro %}

{% macro default__raw_file_reader(raw_dir, table_name, raw_format) -%}
    {%- set path = (raw_dir | string).rstrip('/') ~ '/' ~ table_name ~ '.' ~ raw_format -%}
    {%- set path = path | replace("'", "''") -%}
    {%- if raw_format == 'csv' -%}
        read_csv('{{ path }}', header = true, all_varchar = true, delim = ',', quote = '"', escape = '"')
    {%- elif raw_format == 'parquet' -%}
        read_parquet('{{ path }}')
    {%- else -%}
        {{ exceptions.raise_compiler_error("var raw_format must be csv or parquet, got '" ~ raw_format ~ "'") }}
    {%- endif -%}
{%- endmacro %}
