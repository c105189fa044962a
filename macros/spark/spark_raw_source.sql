{#-
    The raw-file reader on Spark (var raw_dir; docs/spark.md, "Reading an
    export on Spark"). The spark__ twins of the DuckDB-only macros of
    macros/raw_source.sql and check_run_settings.sql; dbt-duckdb never sees
    them. The rules are the DuckDB reader's, rule for rule:

    - every contract column as text, nothing inferred: a Parquet column is
      cast to string; a CSV file is read through a temporary view with an
      explicit all-string schema taken from its header line (no
      inferSchema, no sniffing), the dialect of the raw_csv_* vars;
    - a missing required entity, a missing contract column, an empty file
      and var raw_max_unreadable_lines stop the build with DuckDB's
      messages (the same macro text);
    - a CSV line the reader cannot parse becomes a row with only
      raw_line_number and raw_line_shape (quarantined as unreadable_line):
      Spark's PERMISSIVE mode marks a line with too many or too few fields
      in the corrupt-record column, and a line with bytes that are not
      UTF-8 is decoded with U+FFFD, which is taken as DuckDB's INVALID
      ENCODING. The line number is the line's number in the file (header
      = 1, as DuckDB's rejects table), found by reading the file as text.
-#}

{#- A Spark string literal: backslash and quote escaped (Spark reads
    backslash escapes in literals; two adjacent literals concatenate, so
    the SQL doubling of quotes would not do). -#}
{% macro spark_string_literal(value) -%}
    {{ return("'" ~ (value | string | replace('\\', '\\\\') | replace("'", "\\'")) ~ "'") }}
{%- endmacro %}

{#- The files of var raw_dir, name -> size, from Spark's binaryFile source
    (only path and length are read; the content column is pruned). -#}
{% macro spark__raw_dir_files() -%}
    {%- set files = {} -%}
    {%- if execute -%}
        {%- set folder = (var('raw_dir') | string).rstrip('/') | replace('`', '``') -%}
        {%- set listed = run_query("select regexp_extract(path, '[^/]*$', 0) as file_name, length as size"
            ~ " from binaryFile.`" ~ folder ~ "`") -%}
        {%- for row in listed.rows -%}
            {%- do files.update({row[0]: row[1]}) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(files) }}
{%- endmacro %}

{#- The column names of a CSV file: its first line (read as text), split
    on the delimiter, trimmed and unquoted, as default__raw_csv_header. -#}
{% macro spark__raw_csv_header(path) -%}
    {%- set delimiter = var('raw_csv_delimiter', ',') -%}
    {%- set quote = var('raw_csv_quote', '"') -%}
    {%- set first = run_query("select value from text.`" ~ path | replace('`', '``') ~ "` limit 1") -%}
    {%- set names = [] -%}
    {%- if first.rows | length > 0 and first.rows[0][0] is not none -%}
        {%- for part in first.rows[0][0].split(delimiter) -%}
            {%- do names.append(part.strip().strip(quote).strip()) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(names) }}
{%- endmacro %}

{#- The temporary view a CSV file is read through, and the name of its
    corrupt-record column. -#}
{% macro spark_raw_view_name(path) -%}
    {%- set stem = path.split('/')[-1].rsplit('.', 1)[0] -%}
    {{ return('ecomops_raw_' ~ stem | replace('-', '_') | replace('.', '_') | replace(' ', '_')) }}
{%- endmacro %}

{% macro spark_raw_corrupt_column() -%}
    {{ return('_ecomops_unreadable_line') }}
{%- endmacro %}

{#- Spark's reader of one raw file: parquet.`path`, or (CSV) a temporary
    view over the file with every header column as string and the corrupt
    record column last, PERMISSIVE mode, the dialect of the raw_csv_* vars,
    one record a line. extra_options (DuckDB's read_csv options) has no
    meaning here. -#}
{% macro spark__raw_file_reader(path, extra_options='') -%}
    {%- set raw_format = var('raw_format', 'csv') -%}
    {%- if raw_format == 'parquet' -%}
        {{ return('parquet.`' ~ path | replace('`', '``') ~ '`') }}
    {%- elif raw_format != 'csv' -%}
        {{ exceptions.raise_compiler_error("var raw_format must be csv or parquet, got '" ~ raw_format ~ "'") }}
    {%- endif -%}
    {%- set view = spark_raw_view_name(path) -%}
    {%- set typed_columns = [] -%}
    {%- for column_name in raw_csv_header(path) -%}
        {%- do typed_columns.append('`' ~ column_name | replace('`', '``') ~ '` string') -%}
    {%- endfor -%}
    {%- do typed_columns.append(spark_raw_corrupt_column() ~ ' string') -%}
    {%- set options = {
        'path': path,
        'header': 'true',
        'inferSchema': 'false',
        'enforceSchema': 'true',
        'multiLine': 'false',
        'mode': 'PERMISSIVE',
        'columnNameOfCorruptRecord': spark_raw_corrupt_column(),
        'sep': var('raw_csv_delimiter', ','),
        'quote': var('raw_csv_quote', '"'),
        'escape': var('raw_csv_escape', '"'),
        'encoding': var('raw_csv_encoding', 'utf-8'),
        'ignoreLeadingWhiteSpace': 'false',
        'ignoreTrailingWhiteSpace': 'false',
    } -%}
    {%- set rendered = [] -%}
    {%- for key, value in options.items() -%}
        {%- do rendered.append(key ~ ' ' ~ spark_string_literal(value)) -%}
    {%- endfor -%}
    {%- do run_query('create or replace temporary view ' ~ view ~ ' (' ~ typed_columns | join(', ')
        ~ ') using csv options (' ~ rendered | join(', ') ~ ')') -%}
    {{ return(view) }}
{%- endmacro %}

{#- On Spark the salt is the session configuration spark.ecomops.pii_salt
    (profiles/profiles.yml sets it from ECOMOPS_PII_SALT, else the public
    development salt). Default: that salt, an empty one, or none set (the
    reference is then left as written; its text is built with concat so
    that Spark does not substitute it). Only the boolean comes back. -#}
{% macro spark__pii_salt_is_default_sql() -%}
    {{ return("select '${spark.ecomops.pii_salt}' in ('ecomops-dev-salt-not-for-production', '',"
        ~ " concat('$', '{spark.ecomops.pii_salt}'))") }}
{%- endmacro %}

{% macro spark__raw_file_relation(source_name, table_name, columns) -%}
    {%- set empty_relation = [] -%}
    {%- for column in columns -%}
        {%- do empty_relation.append('cast(null as ' ~ dbt.type_string() ~ ') as ' ~ column.name) -%}
    {%- endfor -%}
    {%- set empty_sql = '(select ' ~ empty_relation | join(', ')
        ~ ', cast(null as integer) as raw_line_number, cast(null as '
        ~ dbt.type_string() ~ ') as raw_line_shape where 1 = 0)' -%}
    {%- if not execute -%}
        {{ return(empty_sql) }}
    {%- endif -%}
    {%- set raw_format = var('raw_format', 'csv') -%}
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
    {%- set reader = raw_file_reader(path) -%}
    {%- if raw_format == 'csv' -%}
        {%- set header = raw_csv_header(path) -%}
        {%- set present = header | map('lower') | list -%}
    {%- else -%}
        {%- set described = run_query('describe query select * from ' ~ reader) -%}
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
        {%- do null_strings.append(spark_string_literal(null_string)) -%}
    {%- endfor -%}
    {%- set selected = [] -%}
    {%- for column in columns -%}
        {%- if column.name | lower in present -%}
            {%- set text = 'cast(`' ~ column.name ~ '` as ' ~ dbt.type_string() ~ ')' -%}
            {%- do selected.append('case when ' ~ text ~ ' in (' ~ null_strings | join(', ') ~ ') then null else '
                ~ text ~ ' end as ' ~ column.name) -%}
        {%- else -%}
            {%- do selected.append('cast(null as ' ~ dbt.type_string() ~ ') as ' ~ column.name) -%}
        {%- endif -%}
    {%- endfor -%}

    {#- Lines the CSV reader cannot parse: marked by PERMISSIVE mode (field
        count) or decoded with U+FFFD (encoding). Found by one scan of every
        column; their numbers and masked shapes by reading the file as text,
        only when there are any. -#}
    {%- set unreadable = [] -%}
    {%- set readable_condition = 'true' -%}
    {%- if raw_format == 'csv' -%}
        {%- set header_columns = [] -%}
        {%- for column_name in header -%}
            {%- do header_columns.append('`' ~ column_name | replace('`', '``') ~ '`') -%}
        {%- endfor -%}
        {%- set readable_condition = spark_raw_corrupt_column() ~ " is null and instr(concat_ws('', "
            ~ header_columns | join(', ') ~ "), '\\uFFFD') = 0" -%}
        {%- set bad_count = run_query('select count(*) from ' ~ reader ~ ' where not (' ~ readable_condition ~ ')') -%}
        {%- if bad_count.rows[0][0] > 0 -%}
            {%- set delimiter = var('raw_csv_delimiter', ',') -%}
            {%- set quote = var('raw_csv_quote', '"') -%}
            {#- Fields of a line: its delimiters outside quoted values, plus one. -#}
            {%- set quoted_value = spark_string_literal('[' ~ quote ~ '][^' ~ quote ~ ']*[' ~ quote ~ ']') -%}
            {%- set field_count = "size(split(regexp_replace(value, " ~ quoted_value
                ~ ", ''), " ~ spark_string_literal('[' ~ delimiter ~ ']') ~ ", -1))" -%}
            {%- set text_path = path | replace('`', '``') -%}
            {%- set rejected = run_query(
                "with lines as (select value, row_number() over (order by monotonically_increasing_id()) as line"
                ~ " from text.`" ~ text_path ~ "`),"
                ~ " corrupt as (select distinct " ~ spark_raw_corrupt_column() ~ " as value from " ~ reader
                ~ " where " ~ spark_raw_corrupt_column() ~ " is not null"
                ~ " and length(concat_ws('', " ~ header_columns | join(', ') ~ ")) >= 0),"
                ~ " bad as (select line, value from lines where line > 1 and (instr(value, '\\uFFFD') > 0"
                ~ " or value in (select corrupt.value from corrupt)))"
                ~ " select line, concat_ws('; ', array_sort(array_distinct(array_compact(array("
                ~ "case when instr(value, '\\uFFFD') > 0 then 'INVALID ENCODING' end, "
                ~ "case when " ~ field_count ~ " < " ~ header | length ~ " then 'MISSING COLUMNS' end, "
                ~ "case when " ~ field_count ~ " > " ~ header | length ~ " then 'TOO MANY COLUMNS' end, "
                ~ "case when instr(value, '\\uFFFD') = 0 and " ~ field_count ~ " = " ~ header | length
                ~ " then 'MALFORMED LINE' end))))), "
                ~ "regexp_replace(regexp_replace(value, '[0-9]', '9'), '[^9,;|\\\\t \"]', 'x') "
                ~ "from bad order by line"
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
                {%- do unreadable.append("(" ~ row[0] ~ ", " ~ spark_string_literal(row[1] ~ ': ' ~ row[2]) ~ ")") -%}
            {%- endfor -%}
            {%- if rejected.rows | length != bad_count.rows[0][0] -%}
                {#- A bad record the text scan cannot place (a record over
                    several lines): never silent. -#}
                {{ exceptions.raise_compiler_error(
                    "raw file unreadable: " ~ path ~ " has " ~ bad_count.rows[0][0] ~ " records the CSV reader cannot parse"
                    ~ " but " ~ rejected.rows | length ~ " lines were found for them (a quoted value over several lines?"
                    ~ " Spark reads one record a line: docs/spark.md). Rule raw_csv_dialect (model " ~ model.name ~ ")."
                ) }}
            {%- endif -%}
        {%- endif -%}
    {%- endif -%}

    {%- set parsed_sql = 'select ' ~ selected | join(', ') ~ ', cast(null as integer) as raw_line_number, cast(null as '
        ~ dbt.type_string() ~ ') as raw_line_shape from ' ~ reader ~ (' where ' ~ readable_condition if raw_format == 'csv' else '') -%}
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
