"""What a cold ``spasmcheck assess`` loads (issue 16 item 8): with the build cache warm, neither
pydantic nor the models that validate the knowledge base, the policy files and the language
data are imported (their records come from the cache's plain forms), and nothing of typer, the
server, the database, the templates or the export stack is."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from spasmcheck.cli import main

cli_main = sys.modules["spasmcheck.cli.main"]

# Run ``spasmcheck assess`` in this process's place and report what it loaded, on stderr.
PROBE = """
import json, sys
from spasmcheck.cli.main import main
try:
    main(["assess", "--text", "calf cramps at night", "--json"])
except SystemExit:
    pass
modules = sorted(sys.modules)  # (before the probe imports anything more)
from spasmcheck.language import tokens
from spasmcheck.reasoning.cache import data_digest
import os
from spasmcheck.cli.main import default_engine
lexicon = default_engine().parser.lexicon
print(json.dumps({"modules": modules, "key": [data_digest()],
                  "blas": [os.environ.get("OPENBLAS_NUM_THREADS", "")],
                  "phrases": [str(tokens.phrase_count())],
                  "unread": [str(len(lexicon._unread))]}),
      file=sys.stderr)
"""

NOT_FOR_ASSESS = (
    # the data files' records come from the cache's plain forms: nothing validates them
    "pydantic",
    "pydantic_core",
    "spasmcheck.knowledge.models",
    "spasmcheck.language.schema",
    "typer",
    "importlib.metadata",  # pydantic's plugin loader, when it builds a validator
    "yaml",  # every data file comes from the cache
    "snowballstemmer",  # and every stem the build and the language modules need
    "importlib.resources",  # the package's files are found as a folder
    "tempfile",  # (imported by importlib.resources; the cache is not written again)
    "zipfile",
    "fastapi",
    "starlette",
    "uvicorn",
    "sqlalchemy",
    "jinja2",
    "scipy",
    "statsmodels",
    "rapidfuzz",
    "wordllama",
    "reportlab",
    "matplotlib",
    "spasmcheck.api",
    "spasmcheck.web",
    "spasmcheck.export",
    "spasmcheck.storage",
    "spasmcheck.services",
    "spasmcheck.evaluation",
    "spasmcheck.reasoning.interview",
)


def _probe(cache: Path) -> dict[str, list[str]]:
    env = {**os.environ, "SPASMCHECK_CACHE_DIR": str(cache)}
    env.pop("SPASMCHECK_NO_CACHE", None)
    done = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True
    )
    result: dict[str, list[str]] = json.loads(done.stderr.strip().splitlines()[-1])
    return result


def test_a_cached_assess_imports_no_pydantic_and_only_the_engine(tmp_path: Path) -> None:
    first = _probe(tmp_path)  # builds and fills the cache: every file is validated
    assert {"pydantic", "spasmcheck.knowledge.models", "spasmcheck.language.schema"} <= set(
        first["modules"]
    )
    second = _probe(tmp_path)
    if second["key"] != first["key"]:
        pytest.skip("a file of the package changed between the two runs (a new cache key)")
    loaded = [
        m for m in second["modules"] if any(m == p or m.startswith(f"{p}.") for p in NOT_FOR_ASSESS)
    ]
    assert loaded == []
    assert second["blas"] == ["1"]  # one assessment: no pool of BLAS threads
    # the text parser's lexicons come ready-made: none of their 14,000 phrases is tokenised
    # (their tokens are not even read), and a first word's phrases are decoded only when a
    # text holds the word
    assert int(second["phrases"][0]) < 2_000
    assert int(second["unread"][0]) > 1_000


def test_a_blas_setting_of_the_user_s_own_wins(tmp_path: Path) -> None:
    env = {**os.environ, "SPASMCHECK_CACHE_DIR": str(tmp_path), "OPENBLAS_NUM_THREADS": "2"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True
    )
    assert json.loads(done.stderr.strip().splitlines()[-1])["blas"] == ["2"]


PLAIN = [
    ["assess", "--text", "calf cramps at night", "--json"],
    ["assess", "-t", "my calves cramp at night", "--age", "60", "--sex", "female"],
    ["assess", "--json", "--sex", "male", "--text", "twitchng eyelid, no fever"],
    ["assess", "--text", "   "],
    ["assess", "--text", "cramps", "--sex", "other"],
    ["assess", "--text", "cramps", "--age", "130", "--json"],
]


def _run(capsys: pytest.CaptureFixture[str], args: list[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as done:
        main(args)
    out, err = capsys.readouterr()
    return int(done.value.code or 0), out, err


@pytest.mark.parametrize("args", PLAIN)
def test_the_plainest_assess_is_read_as_typer_reads_it(
    args: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``assess`` with plain options skips typer (its per-option pydantic validators): the same
    output and exit code either way."""
    assert cli_main._plain_assess(args) is not None
    plain = _run(capsys, args)
    monkeypatch.setattr(cli_main, "_plain_assess", lambda args: None)
    assert _run(capsys, args) == plain


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["assess"],
        ["assess", "--text"],
        ["assess", "--age", "60"],
        ["assess", "--text", "a", "--text", "b"],
        ["assess", "--text", "a", "--json", "--json"],
        ["assess", "--text", "a", "--age", "6o"],
        ["assess", "--text", "a", "--age", "-1"],
        ["assess", "--text", "a", "--age", "1000"],
        ["assess", "--text", "-a"],
        ["assess", "--text=a"],
        ["assess", "--text", "a", "--interactive"],
        ["assess", "--text", "a", "--help"],
        ["assess", "--text", "a", "extra"],
        ["parse", "--text", "a"],
    ],
)
def test_anything_else_is_left_to_typer(args: list[str]) -> None:
    assert cli_main._plain_assess(args) is None


def test_the_typer_application_is_found_where_it_was() -> None:
    """``app`` is imported on first use, from the package and from ``cli.main`` alike, and a
    loaded submodule never hides it."""
    import typer

    import spasmcheck.cli
    import spasmcheck.cli.commands

    assert isinstance(spasmcheck.cli.app, typer.Typer)
    assert cli_main.app is spasmcheck.cli.app is spasmcheck.cli.commands.app


@pytest.mark.parametrize(
    "package", ["spasmcheck", "spasmcheck.knowledge.data", "spasmcheck.language.data"]
)
def test_a_package_s_files_are_found_as_importlib_finds_them(package: str) -> None:
    from importlib import resources

    from spasmcheck._lazy import package_files

    assert package_files(package) == resources.files(package)


def test_a_zipped_package_s_files_are_read_through_importlib(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import zipfile

    from spasmcheck._lazy import package_files

    archive = tmp_path / "zipped.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("zippedpkg/__init__.py", "")
        out.writestr("zippedpkg/data.txt", "inside the zip")
    monkeypatch.syspath_prepend(str(archive))
    monkeypatch.delitem(sys.modules, "zippedpkg", raising=False)
    assert (package_files("zippedpkg") / "data.txt").read_text() == "inside the zip"
    sys.modules.pop("zippedpkg", None)
