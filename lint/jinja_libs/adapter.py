"""Stand-in for dbt's ``adapter`` object, used only by sqlfluff.

``adapter.dispatch(name, namespace)`` in dbt picks the adapter's
implementation of a project macro. sqlfluff cannot see the Jinja context from
here, so the stand-ins below return the SQL shape of the project's default
implementation (see macros/), enough for the linter to check the callers.
"""

_STAND_INS = {
    "to_shanghai_date": lambda expr, *a, **k: f"cast(({expr} + interval '8 hour') as date)",
    "safe_cast": lambda expr, data_type="varchar", *a, **k: f"try_cast({expr} as {data_type})",
    "hash_pii": lambda expr, *a, **k: f"sha256(cast({expr} as varchar))",
    "raw_row_json": lambda *a, **k: "cast('{}' as json)",
    "raw_file_reader": lambda *a, **k: "read_csv('raw.csv')",
}


def dispatch(macro_name, macro_namespace=None):
    return _STAND_INS.get(macro_name, lambda *a, **k: "null")


def quote(identifier):
    return f'"{identifier}"'


def get_relation(*args, **kwargs):
    return None
