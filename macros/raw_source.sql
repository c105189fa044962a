{#-
    The relation a base model reads one raw entity from: a subquery with
    exactly the raw contract's columns (as text) plus raw_line_number and
    raw_line_shape, which are null except on rows for CSV lines the reader
    could not parse (see below).

    - var raw_dir empty (default): the committed seed of the same name in
      schema raw (the source points at it; the seed is also ref'd so that a
      fresh `dbt build` loads it first).
    - var raw_dir set: the file <raw_dir>/<table_name>.<raw_format>, read
      directly with the CSV dialect of the raw_csv_* vars. Then:
      - a required entity (users, orders) whose file is absent stops the
        build; any other absent entity reads as empty (check_run_settings
        says so once, at the start of the run, naming the marts);
      - a contract column missing from the file stops the build, unless the
        sources YAML marks it meta: {optional: true} (a descriptive
        attribute the platform does not record): it then reads as null;
      - a value equal to one of var raw_csv_null_strings reads as null;
      - a CSV line the reader cannot parse (bad encoding, too many or too
        few fields) does not fail the build and is not dropped: it becomes a
        row with only raw_line_number and raw_line_shape (the line with each
        digit written 9 and every other character but separators written x,
        so that nothing personal is quoted), quarantined as unreadable_line.
    source() is always called so that lineage is kept.
-#}
{% macro raw_source(source_name, table_name) -%}
    {%- set source_relation = source(source_name, table_name) -%}
    {%- set raw_dir = var('raw_dir', '') -%}
    {%- set columns = raw_contract_columns(source_name, table_name) if execute else [] -%}
    {%- if not execute or not columns -%}
        {#- Parse time and lint: lineage only. -#}
        {%- if not raw_dir -%}{%- do ref(table_name) -%}{%- endif -%}
        {{ return('(select *, cast(null as integer) as raw_line_number, cast(null as ' ~ dbt.type_string()
            ~ ') as raw_line_shape from ' ~ source_relation ~ ')') }}
    {%- elif not raw_dir -%}
        {%- do ref(table_name) -%}
        {%- set selected = [] -%}
        {%- for column in columns -%}
            {%- do selected.append('cast(' ~ column.name ~ ' as ' ~ dbt.type_string() ~ ') as ' ~ column.name) -%}
        {%- endfor -%}
        {{ return('(select ' ~ selected | join(', ') ~ ', cast(null as integer) as raw_line_number, cast(null as '
            ~ dbt.type_string() ~ ') as raw_line_shape from ' ~ source_relation ~ ')') }}
    {%- else -%}
        {{ return(adapter.dispatch('raw_file_relation', 'ecomops')(source_name, table_name, columns)) }}
    {%- endif -%}
{%- endmacro %}

{#- The contract columns of a source table, from the graph: a list of
    {name, optional}. Empty at parse time (the graph is not built yet). -#}
{% macro raw_contract_columns(source_name, table_name) -%}
    {%- set found = [] -%}
    {%- if execute -%}
        {%- set source_node = (graph.get('sources') or {}).get('source.' ~ project_name ~ '.' ~ source_name ~ '.' ~ table_name) -%}
        {%- if source_node -%}
            {%- for column_name, column in source_node.columns.items() -%}
                {%- set column_meta = column.get('meta') or {} -%}
                {%- set config_meta = (column.get('config') or {}).get('meta') or {} -%}
                {%- do found.append({
                    'name': column_name,
                    'optional': column_meta.get('optional', false) or config_meta.get('optional', false)
                }) -%}
            {%- endfor -%}
        {%- endif -%}
    {%- endif -%}
    {{ return(found) }}
{%- endmacro %}

{#- The entities a build cannot do without: the source tables marked
    meta: {required: true} in the sources YAML (users and orders). -#}
{% macro raw_required_entities() -%}
    {%- set required = [] -%}
    {%- if execute -%}
        {%- for node in (graph.get('sources') or {}).values() -%}
            {%- set table_meta = (node.get('meta') or {}) -%}
            {%- set config_meta = ((node.get('config') or {}).get('meta') or {}) -%}
            {%- if node.package_name == project_name and (table_meta.get('required') or config_meta.get('required')) -%}
                {%- do required.append(node.name) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(required | sort if required else ['orders', 'users']) }}
{%- endmacro %}

{#- Path of an entity's file under var raw_dir. -#}
{% macro raw_file_path(table_name) -%}
    {{ return((var('raw_dir') | string).rstrip('/') ~ '/' ~ table_name ~ '.' ~ var('raw_format', 'csv')) }}
{%- endmacro %}

{#- The DuckDB reader of one raw file (no null mapping). CSV is read with
    the dialect of the raw_csv_* vars and without sniffing: the columns are
    the file's header (raw_csv_header), every one as text, so one malformed
    line can never make dialect detection fail; lines that do not fit are
    skipped by the reader and collected by the rejects scan. -#}
{% macro raw_file_reader(path, extra_options='') -%}
    {{ return(adapter.dispatch('raw_file_reader', 'ecomops')(path, extra_options)) }}
{%- endmacro %}

{% macro default__raw_file_reader(path, extra_options='') -%}
    {%- set raw_format = var('raw_format', 'csv') -%}
    {%- if raw_format == 'csv' -%}
        {%- set header = raw_csv_header(path) -%}
        {%- set typed_columns = [] -%}
        {%- for column_name in header -%}
            {%- do typed_columns.append("'" ~ column_name | replace("'", "''") ~ "': 'VARCHAR'") -%}
        {%- endfor -%}
        read_csv('{{ path | replace("'", "''") }}', header = true, auto_detect = false,
            columns = { {{- typed_columns | join(', ') -}} }, {{ raw_csv_dialect() }}, ignore_errors = true{{ extra_options }})
    {%- elif raw_format == 'parquet' -%}
        read_parquet('{{ path | replace("'", "''") }}')
    {%- else -%}
        {{ exceptions.raise_compiler_error("var raw_format must be csv or parquet, got '" ~ raw_format ~ "'") }}
    {%- endif -%}
{%- endmacro %}

{#- The read_csv options of the export's dialect (vars raw_csv_*). -#}
{% macro raw_csv_dialect() -%}
    {%- set option_values = {
        'delim': var('raw_csv_delimiter', ','),
        'quote': var('raw_csv_quote', '"'),
        'escape': var('raw_csv_escape', '"'),
        'encoding': var('raw_csv_encoding', 'utf-8'),
    } -%}
    {%- set options = [] -%}
    {%- for key, value in option_values.items() -%}
        {%- do options.append(key ~ " = '" ~ (value | replace("'", "''")) ~ "'") -%}
    {%- endfor -%}
    {{ return(options | join(', ')) }}
{%- endmacro %}

{#- The column names of a CSV file: its first line, split on the delimiter,
    trimmed and unquoted (read as one text column, so nothing is sniffed;
    the column separator given is the control character 0x1F, unit
    separator, which no export contains). The serial reader (parallel =
    false) is what makes `limit 1` the file's first line: with
    preserve_insertion_order off (the profile's default) the parallel reader
    returns whichever line a thread reaches first, which on files of a few
    MB is a data row. -#}
{% macro raw_csv_header(path) -%}
    {{ return(adapter.dispatch('raw_csv_header', 'ecomops')(path)) }}
{%- endmacro %}

{% macro default__raw_csv_header(path) -%}
    {%- set delimiter = var('raw_csv_delimiter', ',') -%}
    {%- set quote = var('raw_csv_quote', '"') -%}
    {%- set first = run_query(
        "select line from read_csv('" ~ path | replace("'", "''") ~ "', header = false, auto_detect = false,"
        ~ " columns = {'line': 'VARCHAR'}, delim = '', quote = '', escape = '',"
        ~ " encoding = '" ~ var('raw_csv_encoding', 'utf-8') ~ "', ignore_errors = true, parallel = false) limit 1"
    ) -%}
    {%- set names = [] -%}
    {%- if first.rows | length > 0 and first.rows[0][0] is not none -%}
        {%- for part in first.rows[0][0].split(delimiter) -%}
            {%- do names.append(part.strip().strip(quote).strip()) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(names) }}
{%- endmacro %}

{#- The files under var raw_dir, as a dict of file name -> size in bytes
    (one glob at run time; empty at parse time). -#}
{% macro raw_dir_files() -%}
    {{ return(adapter.dispatch('raw_dir_files', 'ecomops')()) }}
{%- endmacro %}

{% macro default__raw_dir_files() -%}
    {%- set files = {} -%}
    {%- if execute -%}
        {%- set pattern = ((var('raw_dir') | string).rstrip('/') ~ '/*') | replace("'", "''") -%}
        {%- set listed = run_query("select parse_filename(filename) as file_name, size from read_blob('" ~ pattern ~ "')") -%}
        {%- for row in listed.rows -%}
            {%- do files.update({row[0]: row[1]}) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(files) }}
{%- endmacro %}

{% macro default__raw_file_relation(source_name, table_name, columns) -%}
    {%- set empty_relation = [] -%}
    {%- for column in columns -%}
        {%- do empty_relation.append('cast(null as ' ~ dbt.type_string() ~ ') as ' ~ column.name) -%}
    {%- endfor -%}
    {%- set empty_sql = '(select ' ~ empty_relation | join(', ') ~ ', cast(null as integer) as raw_line_number, cast(null as '
        ~ dbt.type_string() ~ ') as raw_line_shape where 1 = 0)' -%}
    {%- if not execute -%}
        {{ return(empty_sql) }}
    {%- endif -%}
    {%- set path = raw_file_path(table_name) -%}
    {%- set file_name = path.split('/')[-1] -%}
    {%- set files = raw_dir_files() -%}
    {%- if file_name not in files or files[file_name] == 0 -%}
        {%- if table_name in raw_required_entities() -%}
            {{ exceptions.raise_compiler_error(
                "raw export incomplete: " ~ path ~ " is " ~ ('empty' if file_name in files else 'missing')
                ~ ". Rule raw_required_entity: every export needs " ~ raw_required_entities() | join(' and ')
                ~ " (model " ~ model.name ~ "). Run `python -m ecomops check-export " ~ var('raw_dir') ~ "` for a full report."
            ) }}
        {%- endif -%}
        {{ return(empty_sql) }}
    {%- endif -%}

    {#- Which contract columns the file has. -#}
    {%- if var('raw_format', 'csv') == 'csv' -%}
        {%- set present = raw_csv_header(path) | map('lower') | list -%}
    {%- else -%}
        {%- set described = run_query('describe select * from ' ~ raw_file_reader(path)) -%}
        {%- set present = described.columns[0].values() | map('lower') | list -%}
    {%- endif -%}
    {%- set missing = [] -%}
    {%- for column in columns -%}
        {%- if column.name | lower not in present and not column.optional -%}
            {%- do missing.append(column.name) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if missing -%}
        {{ exceptions.raise_compiler_error(
            "raw contract broken: source " ~ source_name ~ "." ~ table_name
            ~ " (read by model " ~ model.name ~ " from " ~ path ~ ") lacks column(s) "
            ~ missing | join(', ')
            ~ ". Rule raw_contract_columns: every column documented in models/staging/" ~ source_name
            ~ "/_" ~ source_name ~ "__sources.yml must be present, except those marked meta: {optional: true}"
            ~ " (extra columns are allowed). Fix the export or the contract."
        ) }}
    {%- endif -%}

    {#- Each contract column as text; a null string of the export is null. -#}
    {%- set null_strings = [] -%}
    {%- for null_string in var('raw_csv_null_strings', ['', 'NULL', '\\N']) -%}
        {%- do null_strings.append("'" ~ (null_string | string | replace("'", "''")) ~ "'") -%}
    {%- endfor -%}
    {%- set selected = [] -%}
    {%- for column in columns -%}
        {%- if column.name | lower in present -%}
            {%- set text = 'cast("' ~ column.name ~ '" as ' ~ dbt.type_string() ~ ')' -%}
            {%- do selected.append('case when ' ~ text ~ ' in (' ~ null_strings | join(', ') ~ ') then null else '
                ~ text ~ ' end as ' ~ column.name) -%}
        {%- else -%}
            {%- do selected.append('cast(null as ' ~ dbt.type_string() ~ ') as ' ~ column.name) -%}
        {%- endif -%}
    {%- endfor -%}

    {#- Lines the CSV reader cannot parse, found by a second scan that stores
        them, and carried into the model as masked shapes. -#}
    {%- set unreadable = [] -%}
    {%- if var('raw_format', 'csv') == 'csv' -%}
        {%- set rejects_table = 'ecomops_rejects_' ~ table_name -%}
        {%- do run_query('drop table if exists ' ~ rejects_table) -%}
        {%- do run_query('drop table if exists ' ~ rejects_table ~ '_scan') -%}
        {#- Every column is read (max(length(columns(*)))): DuckDB checks a
            value's encoding only when the value is read, so a count(*) alone
            would not see a badly encoded line that the model's read drops. -#}
        {%- do run_query('select count(*), max(length(columns(*))) from ' ~ raw_file_reader(path,
            ", store_rejects = true, rejects_table = '" ~ rejects_table ~ "', rejects_scan = '" ~ rejects_table ~ "_scan'")) -%}
        {%- set rejected = run_query(
            "select line, string_agg(distinct error_type, '; ' order by error_type), "
            ~ "regexp_replace(regexp_replace(any_value(csv_line), '[0-9]', '9', 'g'), '[^9,;|\\t \"]', 'x', 'g') "
            ~ "from " ~ rejects_table ~ " group by line order by line"
        ) -%}
        {%- set max_unreadable = var('raw_max_unreadable_lines', 10000) -%}
        {%- if rejected.rows | length > max_unreadable -%}
            {{ exceptions.raise_compiler_error(
                "raw file unreadable: " ~ path ~ " has " ~ rejected.rows | length ~ " lines the CSV reader cannot parse"
                ~ " (more than var raw_max_unreadable_lines = " ~ max_unreadable ~ "; first error: "
                ~ rejected.rows[0][1] ~ " at line " ~ rejected.rows[0][0] ~ "). Rule raw_csv_dialect: check the vars"
                ~ " raw_csv_delimiter, raw_csv_quote, raw_csv_escape and raw_csv_encoding (model " ~ model.name
                ~ "); `python -m ecomops check-export` suggests values."
            ) }}
        {%- endif -%}
        {%- for row in rejected.rows -%}
            {%- do unreadable.append("(" ~ row[0] ~ ", '" ~ (row[1] ~ ': ' ~ row[2]) | replace("'", "''") ~ "')") -%}
        {%- endfor -%}
    {%- endif -%}

    {%- set parsed_sql = 'select ' ~ selected | join(', ') ~ ', cast(null as integer) as raw_line_number, cast(null as '
        ~ dbt.type_string() ~ ') as raw_line_shape from ' ~ raw_file_reader(path) -%}
    {%- if unreadable -%}
        {%- set nulls = [] -%}
        {%- for column in columns -%}
            {%- do nulls.append('cast(null as ' ~ dbt.type_string() ~ ') as ' ~ column.name) -%}
        {%- endfor -%}
        {{ return('(' ~ parsed_sql ~ ' union all select ' ~ nulls | join(', ')
            ~ ', cast(unreadable.line_number as integer), cast(unreadable.line_shape as ' ~ dbt.type_string() ~ ')'
            ~ ' from (values ' ~ unreadable | join(', ') ~ ') as unreadable (line_number, line_shape))') }}
    {%- endif -%}
    {{ return('(' ~ parsed_sql ~ ')') }}
{%- endmacro %}
