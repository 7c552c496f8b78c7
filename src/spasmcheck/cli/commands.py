"""The ``spasmcheck`` commands as a typer application: every command line but the plainest
``assess`` (:func:`spasmcheck.cli.main.main` reads that one without typer, whose import and
per-option validators cost about a fifth of a cold start: issue 16 item 8, docs/benchmarks.md
"Cold start")."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from typer._click import exceptions as click_exceptions

from spasmcheck._version import __version__
from spasmcheck.cli.main import default_engine, fail, run_assess
from spasmcheck.reasoning.errors import InputError

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    help="spasmcheck: decision support for muscle spasms. Not a diagnosis.",
)
kb_app = typer.Typer(no_args_is_help=True, help="Knowledge-base tools.")
app.add_typer(kb_app, name="kb")

TextOption = Annotated[
    str | None, typer.Option("--text", "-t", help="Describe the spasms in your own words.")
]
AgeOption = Annotated[int | None, typer.Option("--age", help="Age in years (0-120).")]
SexOption = Annotated[str | None, typer.Option("--sex", help="female or male.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a report.")]


def _print_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


@app.command()
def assess(
    text: TextOption = None,
    age: AgeOption = None,
    sex: SexOption = None,
    as_json: JsonOption = False,
    interactive: Annotated[
        bool, typer.Option("--interactive", "-i", help="Ask follow-up questions in the terminal.")
    ] = False,
) -> None:
    """Assess a description of spasms: likely causes, how urgently to seek care, what to do."""
    run_assess(text, age, sex, as_json, interactive)


@app.command()
def parse(text: TextOption = None, as_json: JsonOption = False) -> None:
    """Show the findings read from a description, with negation and the words behind each."""
    if text is None or not text.strip():
        raise InputError("--text is required and must not be empty")
    mentions, _ = default_engine().parse(text)
    if as_json:
        _print_json([m.as_dict() for m in mentions])
        return
    kb = default_engine().kb
    for m in mentions:
        trigger = f" (because of {m.trigger!r})" if m.trigger else ""
        typer.echo(
            f"{m.polarity.value:12} {kb.finding_by_id[m.finding_id].name}  <- {m.text!r}{trigger}"
        )
    for fragment in default_engine().parser.not_understood(text, mentions):
        typer.echo(f"{'not read':12} {fragment!r}")


@app.command()
def conditions(as_json: JsonOption = False) -> None:
    """List every condition in the knowledge base with its codes and sources."""
    kb = default_engine().kb
    items = [kb.condition_summary(c.id) for c in kb.conditions]
    if as_json:
        _print_json(items)
        return
    for c in kb.conditions:
        typer.echo(f"{c.id:32} {', '.join(c.icd10):22} {c.name}")


@app.command("eval")
def evaluate(
    path: Annotated[
        Path,
        typer.Argument(help="A vignette YAML file (see docs/contract.md), or a folder of them."),
    ],
    mode: Annotated[str, typer.Option("--mode", help="text or interview.")] = "text",
    as_json: JsonOption = False,
    report: Annotated[
        Path | None, typer.Option("--report", help="Also write a markdown report here.")
    ] = None,
    half: Annotated[
        str | None,
        typer.Option(
            "--half",
            help="Only the cases whose source falls in this half of the real-world corpus: "
            "dev or sealed (split by a hash of the source).",
        ),
    ] = None,
) -> None:
    """Run a vignette file (or every YAML file in a folder) and score the product on it."""
    # the engine first: the build cache is read before the engine's modules load their data
    engine = default_engine()
    from spasmcheck.evaluation.runner import run_cli

    run_cli(engine, path, mode, as_json, report, half)


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", help="Port to listen on.", min=1, max=65535)
    ] = 8000,
    workers: Annotated[int, typer.Option("--workers", help="Worker processes.", min=1, max=16)] = 1,
) -> None:
    """Run the HTTP API (and web app) with uvicorn; settings come from SPASMCHECK_* variables."""
    from spasmcheck.config import Settings, SettingsError
    from spasmcheck.server import ListenError
    from spasmcheck.server import serve as run_server

    try:
        settings = Settings.from_env()
    except SettingsError as error:
        raise InputError(str(error)) from error
    database = _redact(settings.database_url)
    shown = f"[{host}]" if ":" in host else host
    typer.echo(f"spasmcheck {__version__}: open http://{shown}:{port}/ in your browser")
    typer.echo(f"  HTTP API on http://{shown}:{port}/v1 (docs: /docs); database: {database}")
    typer.echo("  stop with Ctrl+C")
    try:
        # several workers: one SO_REUSEPORT socket each, so the kernel spreads the load
        status = run_server(host, port, workers)
    except ListenError as error:
        raise InputError(str(error)) from error
    if status:
        raise typer.Exit(status)


def _redact(url: str) -> str:
    """A database URL without its password, for printing."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return url


@app.command()
def report(
    assessment: Annotated[
        int, typer.Option("--assessment", help="Id of a saved assessment.", min=1)
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write.")],
    start: Annotated[
        str | None, typer.Option("--from", help="First day of the diary range (YYYY-MM-DD).")
    ] = None,
    end: Annotated[
        str | None, typer.Option("--to", help="Last day of the diary range (YYYY-MM-DD).")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="pdf, fhir or csv.")] = "pdf",
) -> None:
    """Write the clinician report of a saved assessment (and the diary) as PDF, FHIR or CSV."""
    from datetime import date

    from spasmcheck.config import database_url_from_env
    from spasmcheck.services.reports import report_input
    from spasmcheck.storage.db import StorageError, make_session_factory

    if fmt not in ("pdf", "fhir", "csv"):
        raise InputError(f"--format must be pdf, fhir or csv, got {fmt!r}")
    try:
        first = date.fromisoformat(start) if start else None
        last = date.fromisoformat(end) if end else None
    except ValueError as error:
        raise InputError(f"--from and --to must be dates like 2026-11-21 ({error})") from error
    if (first is None) != (last is None) or (first and last and last < first):
        raise InputError("give both --from and --to, with --to on or after --from")
    try:
        factory = make_session_factory(database_url_from_env())  # no secret needed to read
    except StorageError as error:
        raise InputError(str(error)) from error
    with factory() as session:
        data = report_input(session, assessment_id=assessment, user_id=None, start=first, end=last)
    if data is None:
        raise InputError(f"no saved assessment with id {assessment}")
    engine = default_engine()
    content: bytes
    if fmt == "pdf":
        from spasmcheck.export.pdf import render_pdf

        content = render_pdf(data, engine=engine)
    elif fmt == "fhir":
        from spasmcheck.export.fhir import fhir_bundle

        content = json.dumps(fhir_bundle(data, engine=engine), indent=2).encode()
    else:
        from spasmcheck.export.csv import diary_csv

        content = diary_csv(data.episodes, timezone=data.timezone, kb=engine.kb).encode()
    try:
        output.write_bytes(content)
    except OSError as error:
        raise InputError(f"cannot write {output}: {error.strerror}") from error
    typer.echo(f"wrote {output} ({len(content)} bytes)")


@kb_app.command("check")
def kb_check() -> None:
    """Validate the knowledge base and list every problem at once."""
    from spasmcheck.knowledge.loader import collect

    kb, problems = collect(codes=True)
    if kb is not None:
        from spasmcheck.language.check import language_problems

        problems = [*problems, *language_problems(kb)]
    for problem in problems:
        typer.echo(problem)
    if kb is None or problems:
        typer.echo(f"{len(problems)} problem(s)", err=True)
        raise typer.Exit(1)
    typer.echo(
        f"ok: {len(kb.conditions)} conditions, {len(kb.findings)} findings, "
        f"{len(kb.red_flags)} red flags, {len(kb.sources)} sources (version {kb.version})"
    )


def run(argv: list[str] | None) -> Any:
    """The command line read by typer: what the command returned, or exit here on a usage
    error (one line, exit 2), a bare ``spasmcheck`` (the help, exit 0) or an abort (130)."""
    try:
        return app(args=argv, prog_name="spasmcheck", standalone_mode=False)
    except click_exceptions.NoArgsIsHelpError as error:
        typer.echo(error.format_message())
        sys.exit(0)
    except click_exceptions.UsageError as error:
        fail(error.format_message())
    except typer.Abort:
        fail("aborted", 130)
