"""The ``spasmcheck`` command.

Errors are part of the interface: bad input exits 2 with exactly one line on stderr
(``spasmcheck: error: ...``), never a traceback or a usage box.

The commands are a typer application (:mod:`spasmcheck.cli.commands`), imported only for a command
line that needs it: the plainest ``assess`` is read here without typer, whose import and
per-option pydantic validators were about a fifth of a cold start (issue 16 item 8,
docs/benchmarks.md "Cold start").
"""

from __future__ import annotations

import gc
import json
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from types import ModuleType
from typing import TYPE_CHECKING, Any

from spasmcheck.reasoning.errors import InputError, validate_inputs

if TYPE_CHECKING:
    from spasmcheck.reasoning.engine import Engine


@contextmanager
def _settled() -> Iterator[None]:
    """The garbage collector paused while the block runs, and what it made frozen before the
    collector resumes.

    Importing the engine's modules (NumPy, pydantic and the schema's classes among them),
    reading the build cache and building the engine make several hundred thousand objects
    that live as long as this process, none of them garbage: swept as they come, on the first
    collection after the pause and again at exit, they cost 0.15 s of CPU of a 0.6 s 'assess'
    (docs/benchmarks.md, "Cold start"). The server freezes after its warm-up alike."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
        gc.freeze()
    finally:
        if collecting:
            gc.enable()


def _engine_module() -> ModuleType:
    """:mod:`spasmcheck.reasoning.engine`, imported once the build cache has been read.

    The language layer loads some of its data when its modules are imported; read first, the
    cache hands those files over too (issue 16 item 8)."""
    with _settled():
        from spasmcheck.reasoning import cache

        cache.prime()
        from spasmcheck.reasoning import engine
    return engine


@cache
def default_engine() -> Engine:
    """The engine over the packaged knowledge base, from the build cache when it is fresh."""
    module = _engine_module()
    with _settled():
        engine: Engine = module.default_engine()
    return engine


def echo(text: str, *, err: bool = False) -> None:
    """``text`` and a newline on stdout (stderr with ``err``), flushed, as ``typer.echo``
    writes it; UTF-8 where the stream's encoding cannot hold a character (a 7-bit terminal),
    as typer's ``echo`` does for an ASCII stream."""
    stream = sys.stderr if err else sys.stdout
    try:
        stream.write(f"{text}\n")
    except UnicodeEncodeError:
        stream.flush()
        stream.buffer.write(f"{text}\n".encode())
    stream.flush()


def run_assess(
    text: str | None,
    age: int | None,
    sex: str | None,
    as_json: bool,
    interactive: bool,
) -> None:
    """``spasmcheck assess``, read by typer (:mod:`spasmcheck.cli.commands`) or, in its plainest
    form, by :func:`main` itself."""
    validate_inputs(age, sex)
    if text is not None and not text.strip():
        raise InputError("--text is empty: describe the spasms in a few words")
    if text is None or interactive:
        from spasmcheck.cli.interactive import run_interview

        run_interview(default_engine(), text, age, sex, as_json)
        return
    result = default_engine().assess(text, age, sex)
    if as_json:
        echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
    else:
        from spasmcheck.cli.render import render_assessment

        render_assessment(result)


def fail(message: str, code: int = 2) -> None:
    first_line = " ".join(message.strip().split())
    echo(f"spasmcheck: error: {first_line}", err=True)
    sys.exit(code)


# The options of the commonest call, read without typer by _plain_assess.
_PLAIN_OPTIONS = {"--text": "text", "-t": "text", "--age": "age", "--sex": "sex"}
_PLAIN_AGE = re.compile(r"[0-9]{1,3}")


def _plain_assess(args: list[str]) -> dict[str, Any] | None:
    """The arguments of ``assess --text TEXT [--age N] [--sex S] [--json]``, read without typer;
    None for any other command line, which typer reads (and reports errors for) as always.

    Typer 0.29 takes about 50 ms to import and builds a pydantic validator for each option it
    reads, at every start: together a fifth of a 0.45 s 'assess' (issue 16 item 8,
    docs/benchmarks.md "Cold start"). This reads only the plainest form — each option at most
    once, values that do not start with '-', an age of digits — and hands the values to the
    same command function; ``tests/cli/test_cold_start.py`` checks that both ways give the same
    output and exit code."""
    if not args or args[0] != "assess":
        return None
    values: dict[str, Any] = {"as_json": False, "interactive": False}
    rest = args[1:]
    while rest:
        option, rest = rest[0], rest[1:]
        if option == "--json" and not values["as_json"]:
            values["as_json"] = True
            continue
        name = _PLAIN_OPTIONS.get(option)
        if name is None or name in values or not rest or rest[0].startswith("-"):
            return None
        values[name], rest = rest[0], rest[1:]
    if "text" not in values:
        return None
    if "age" in values:
        if not _PLAIN_AGE.fullmatch(values["age"]):
            return None
        values["age"] = int(values["age"])
    values.setdefault("age", None)
    values.setdefault("sex", None)
    return values


def main(argv: list[str] | None = None) -> None:
    try:
        plain = _plain_assess(sys.argv[1:] if argv is None else argv)
        if plain is not None:
            # One assessment gains nothing from a pool of BLAS threads, which OpenBLAS starts
            # (one per core, spinning) when NumPy is imported: 50 ms of CPU and 15-35 ms of a
            # start on two cores (docs/benchmarks.md, "Cold start"). A setting of the user's
            # own wins, and a process that has NumPy already (a test) is left as it is.
            if "numpy" not in sys.modules:
                os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
            run_assess(**plain)
            result: Any = None
        else:
            from spasmcheck.cli.commands import run

            result = run(argv)
    except InputError as error:
        fail(str(error))
    except BrokenPipeError:
        sys.exit(0)
    except Exception as error:  # the last edge: one line for the user, never a traceback
        from spasmcheck.knowledge.loader import KnowledgeBaseError  # (loaded by then if raised)

        if isinstance(error, KnowledgeBaseError):
            problem = error.problems[0]
            fail(f"the knowledge base is invalid; run 'spasmcheck kb check' ({problem})", 1)
        fail(f"internal error ({type(error).__name__}): {error}; please report it", 1)
    else:
        sys.exit(result if isinstance(result, int) else 0)


def __getattr__(name: str) -> Any:
    """``app``, the typer application, imported on first use (``from spasmcheck.cli.main
    import app`` as before)."""
    if name == "app":
        from spasmcheck.cli.commands import app

        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
