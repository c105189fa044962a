{#-
    Stops the build, before a base model reads it, when a raw table or file
    lacks a column of the raw contract (the columns documented for the
    source in models/staging/<source>/_<source>__sources.yml). The message
    names the model, the source table, the missing columns and the rule, so
    a person knows what to fix without reading a binder error.

    source_name, table_name: the source; relation_sql: what the base model
    reads (the seed relation or the file reader raw_source() returns).
    Extra columns are allowed (ignored by staging). Runs only at execution
    time, for models (one DESCRIBE of the file; no data read). raw_source()
    calls it for files read with var raw_dir; the committed seeds are the
    project's own.
-#}
{% macro assert_raw_contract(source_name, table_name, relation_sql) -%}
    {%- if execute and model.resource_type == 'model' -%}
        {%- set source_node = graph.sources.get('source.' ~ project_name ~ '.' ~ source_name ~ '.' ~ table_name) -%}
        {%- if source_node and source_node.columns -%}
            {%- set described = run_query('describe select * from ' ~ relation_sql) -%}
            {%- set present = described.columns[0].values() | map('lower') | list -%}
            {%- set missing = [] -%}
            {%- for column_name in source_node.columns -%}
                {%- if column_name | lower not in present -%}
                    {%- do missing.append(column_name) -%}
                {%- endif -%}
            {%- endfor -%}
            {%- if missing -%}
                {{ exceptions.raise_compiler_error(
                    "raw contract broken: source " ~ source_name ~ "." ~ table_name
                    ~ " (read by model " ~ model.name ~ " from " ~ relation_sql ~ ") lacks column(s) "
                    ~ missing | join(', ')
                    ~ ". Rule raw_contract_columns: every column documented in "
                    ~ source_node.original_file_path
                    ~ " must be present (extra columns are allowed). Fix the export or the contract."
                ) }}
            {%- endif -%}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
