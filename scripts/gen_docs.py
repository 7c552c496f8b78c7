"""Generate docs/cli.md (from the real --help) and docs/red-flags.md (from the knowledge base).

Run: .venv/bin/python scripts/gen_docs.py. tests/test_docs.py fails when the committed files
differ from what this produces, so the reference never drifts from the product.
"""

from __future__ import annotations

import sys
from pathlib import Path

from typer.testing import CliRunner

from spasmcheck.cli.main import app
from spasmcheck.knowledge.loader import load_knowledge_base

DOCS = Path(__file__).resolve().parents[1] / "docs"
COMMANDS = [[], ["assess"], ["parse"], ["conditions"], ["eval"], ["report"], ["serve"], ["kb"], ["kb", "check"]]


def cli_reference() -> str:
    runner = CliRunner()
    parts = ["# Command-line reference", "", "Generated from the real `--help` by `scripts/gen_docs.py`.", ""]
    for command in COMMANDS:
        result = runner.invoke(app, [*command, "--help"], prog_name="spasmcheck", env={"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"})
        title = " ".join(["spasmcheck", *command])
        parts += [f"## `{title}`", "", "```text", result.output.rstrip(), "```", ""]
    return "\n".join(parts)


def red_flag_reference() -> str:
    kb = load_knowledge_base()
    lines = [
        "# Red flags",
        "",
        "Generated from the knowledge base by `scripts/gen_docs.py`. A rule fires when all of",
        "its *all of* findings and, if listed, one of its *any of* findings are present (or",
        "mentioned with doubt), unless every one of its *unless* findings, and one of the",
        'findings listed after "one of", is affirmed (the context that makes it less urgent,',
        "e.g. breathlessness on exertion for months). A denied finding never fires a rule; a",
        "context not given, or given with doubt, never silences one.",
        "",
        "| id | warning sign | level | all of | any of | unless | sources |",
        "|---|---|---|---|---|---|---|",
    ]
    for flag in sorted(kb.red_flags, key=lambda f: (-f.level.urgency, f.id)):
        cites = "; ".join(kb.cite(c) for c in flag.cite)
        unless = ", ".join(flag.unless)
        if flag.unless_any:
            unless += ("; " if unless else "") + "one of " + ", ".join(flag.unless_any)
        lines.append(
            f"| `{flag.id}` | {flag.name} | `{flag.level.value}` | {', '.join(flag.all_of) or '—'} "
            f"| {', '.join(flag.any_of) or '—'} | {unless or '—'} | {cites} |"
        )
    return "\n".join(lines) + "\n"


def api_reference() -> str:
    import tempfile

    from spasmcheck.config import Settings
    from spasmcheck.server import create_app

    with tempfile.TemporaryDirectory() as folder:
        app = create_app(Settings(environment="test", database_url=f"sqlite:///{folder}/db.sqlite3"))
        schema = app.openapi()
    lines = [
        "# HTTP API reference",
        "",
        "Generated from the OpenAPI document (`/openapi.json`) by `scripts/gen_docs.py`. Run the",
        "server with `spasmcheck serve`; interactive docs are at `/docs`. Every error is JSON:",
        '`{"error": {"code": "...", "message": "..."}}` with a 4xx status.',
        "",
        "| method | path | what it does | sign-in |",
        "|---|---|---|---|",
    ]
    for path, operations in sorted(schema["paths"].items()):
        for method, operation in sorted(operations.items()):
            secured = "yes" if path.startswith(("/v1/episodes", "/v1/diary", "/v1/assessments", "/v1/me")) or path == "/v1/accounts/logout" else "no"
            lines.append(f"| `{method.upper()}` | `{path}` | {operation.get('summary', '')} | {secured} |")
    return "\n".join(lines) + "\n"


OUTPUTS = {"cli.md": cli_reference, "red-flags.md": red_flag_reference, "api.md": api_reference}


def main() -> int:
    for name, build in OUTPUTS.items():
        (DOCS / name).write_text(build(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
