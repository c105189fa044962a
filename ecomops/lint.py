"""sqlfluff, with every Jinja source compiled once per process.

``python -m ecomops.lint [sqlfluff arguments]`` runs sqlfluff's own command
line (``make lint`` runs ``python -m ecomops.lint lint --processes 2 ...``).

Why: sqlfluff's Jinja templater loads the project's macro files
(``load_macros_from_path = macros`` in ``.sqlfluff``) afresh for every file it
lints, twice, and compiling them is most of its templating time: about 0.5 s
of CPU per linted file, 80 s for the project. The generated code of a Jinja
source depends only on the source and on the environment's syntax settings,
filters and tests, which sqlfluff sets up the same way for every file. So this
module memoises ``jinja2.Environment.compile`` on exactly those inputs; the
rendering, and so every lint result, is unchanged (tests/python/test_lint.py
compares the violations with and without the cache).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Hashable
from types import CodeType
from typing import Any

_INSTALLED = "_ecomops_compile_cache"


def environment_signature(env: Any) -> Hashable:
    """What, besides the source, a Jinja environment's generated code depends on."""
    syntax = tuple(
        getattr(env, name, None)
        for name in (
            "block_start_string", "block_end_string", "variable_start_string", "variable_end_string",
            "comment_start_string", "comment_end_string", "line_statement_prefix", "line_comment_prefix",
            "trim_blocks", "lstrip_blocks", "newline_sequence", "keep_trailing_newline", "optimized",
            "is_async",
        )
    )
    autoescape = env.autoescape if isinstance(env.autoescape, bool) else repr(env.autoescape)

    def callables(mapping: dict[str, Callable[..., Any]]) -> tuple[tuple[str, str], ...]:
        # The code generator reads a filter's or test's name and how it is
        # passed its context (jinja_pass_arg), never its body.
        return tuple(sorted((name, repr(getattr(func, "jinja_pass_arg", None))) for name, func in mapping.items()))

    return (type(env), syntax, autoescape, tuple(sorted(env.extensions)), callables(env.filters), callables(env.tests))


class CompileCache:
    """Memoises jinja2.Environment.compile for string sources while installed."""

    def __init__(self) -> None:
        self.codes: dict[Hashable, CodeType] = {}
        self.hits = 0
        self._original: Callable[..., Any] | None = None

    def install(self) -> "CompileCache":
        from jinja2 import Environment

        if getattr(Environment, _INSTALLED, None) is not None:
            raise RuntimeError("a Jinja compile cache is already installed")
        original = Environment.compile
        cache = self

        def compile(env: Environment, source: Any, name: str | None = None, filename: str | None = None,
                    raw: bool = False, defer_init: bool = False) -> Any:
            if raw or not isinstance(source, str):
                return original(env, source, name, filename, raw, defer_init)
            key = (source, name, filename, defer_init, environment_signature(env))
            code = cache.codes.get(key)
            if code is None:
                code = cache.codes[key] = original(env, source, name, filename, raw, defer_init)
            else:
                cache.hits += 1
            return code

        compile.__doc__ = original.__doc__
        self._original = original
        Environment.compile = compile  # type: ignore[method-assign]
        setattr(Environment, _INSTALLED, self)
        return self

    def uninstall(self) -> None:
        from jinja2 import Environment

        if self._original is not None:
            Environment.compile = self._original  # type: ignore[method-assign]
            delattr(Environment, _INSTALLED)
            self._original = None

    def __enter__(self) -> "CompileCache":
        return self.install()

    def __exit__(self, *exc: object) -> None:
        self.uninstall()


def main(argv: list[str] | None = None) -> int:
    """Run sqlfluff's command line with the compile cache installed."""
    from sqlfluff.cli.commands import cli

    with CompileCache():
        try:
            cli.main(args=list(sys.argv[1:] if argv is None else argv), prog_name="python -m ecomops.lint")
        except SystemExit as stop:
            return stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    return 0


if __name__ == "__mp_main__":
    # sqlfluff --processes N starts its workers with multiprocessing's "spawn",
    # which imports this module under that name in each worker.
    CompileCache().install()

if __name__ == "__main__":
    raise SystemExit(main())
