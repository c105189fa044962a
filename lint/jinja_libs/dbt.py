"""Stand-ins for dbt's own ``dbt.*`` macros, used only by sqlfluff.

sqlfluff's jinja templater renders models without dbt, so it cannot call
dbt's cross-database macros. Each function here returns the SQL that
dbt-duckdb's implementation produces for the same arguments, close enough
for the linter to parse and check the surrounding SQL.
"""


def dateadd(datepart, interval, from_date_or_timestamp):
    return f"({from_date_or_timestamp} + ((interval '1 {datepart}') * ({interval})))"


def datediff(first_date, second_date, datepart):
    return f"date_diff('{datepart}', {first_date}::timestamp, {second_date}::timestamp)"


def date_trunc(datepart, date):
    return f"date_trunc('{datepart}', {date})"


def last_day(date, datepart):
    return f"last_day({date})"


def type_string():
    return "varchar"


def type_int():
    return "integer"


def type_bigint():
    return "bigint"


def type_float():
    return "double"


def type_numeric():
    return "numeric(28, 6)"


def type_timestamp():
    return "timestamp"


def type_boolean():
    return "boolean"


def current_timestamp():
    return "now()"


def safe_cast(field, type):  # noqa: A002 - mirrors dbt's signature
    return f"try_cast({field} as {type})"


def concat(fields):
    return "(" + " || ".join(str(f) for f in fields) + ")"


def hash(field):  # noqa: A001 - mirrors dbt's name
    return f"md5(cast({field} as varchar))"


def listagg(measure, delimiter_text="','", order_by_clause=None, limit_num=None):
    order = f" {order_by_clause}" if order_by_clause else ""
    return f"string_agg({measure}, {delimiter_text}{order})"


def split_part(string_text, delimiter_text, part_number):
    return f"split_part({string_text}, {delimiter_text}, {part_number})"


def any_value(expression):
    return f"any_value({expression})"


def bool_or(expression):
    return f"bool_or({expression})"


def string_literal(value):
    return f"'{value}'"


def escape_single_quotes(expression):
    return str(expression).replace("'", "''")


def date_spine(datepart, start_date, end_date):
    return (
        "select cast(range as date) as date_"
        f"{datepart} from range(cast({start_date} as timestamp), cast({end_date} as timestamp), "
        f"interval '1 {datepart}')"
    )
