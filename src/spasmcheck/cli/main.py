"""The ``spasmcheck`` command: assess, conditions, eval and kb check."""

from __future__ import annotations

import sys

import typer

from spasmcheck.knowledge.loader import collect

app = typer.Typer(no_args_is_help=True, add_completion=False, help="spasmcheck: decision support for muscle spasms. Not a diagnosis.")
kb_app = typer.Typer(no_args_is_help=True, help="Knowledge-base tools.")
app.add_typer(kb_app, name="kb")


@kb_app.command("check")
def kb_check() -> None:
    """Validate the knowledge base and list every problem at once."""
    kb, problems = collect()
    for problem in problems:
        typer.echo(problem)
    if kb is None or problems:
        typer.echo(f"{len(problems)} problem(s)", err=True)
        raise typer.Exit(1)
    typer.echo(
        f"ok: {len(kb.conditions)} conditions, {len(kb.findings)} findings, "
        f"{len(kb.red_flags)} red flags, {len(kb.sources)} sources (version {kb.version})"
    )


def main() -> None:
    app(prog_name="spasmcheck")


if __name__ == "__main__":
    sys.exit(main())
