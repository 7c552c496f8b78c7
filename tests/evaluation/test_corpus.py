"""The real-world corpus: every case sits in the half its source decides, and eval splits it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from spasmcheck.cli import app
from spasmcheck.cli.main import main
from spasmcheck.evaluation.corpus import half_of, normalise_source, select_half
from spasmcheck.evaluation.vignettes import load_vignettes
from spasmcheck.knowledge.parsed import FAST_SAFE_LOADER

CORPUS = Path(__file__).resolve().parents[2] / "vignettes" / "realworld"
FILES = sorted(CORPUS.glob("*.yaml"))


def cases_of(path: Path) -> list[dict[str, str]]:
    """The cases of one corpus file, read with libyaml's safe loader as ``load_vignettes`` reads
    them (the same data as ``yaml.safe_load``, a tenth of the CPU on these files)."""
    cases: list[dict[str, str]] = yaml.load(path.read_text(encoding="utf-8"), FAST_SAFE_LOADER)
    return cases


def test_the_corpus_is_big_enough() -> None:
    assert len(load_vignettes(CORPUS)) >= 300


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_every_case_is_in_the_half_its_source_decides(path: Path) -> None:
    expected = "dev" if path.stem.endswith("-dev") else "sealed"
    assert path.stem.endswith(("-dev", "-sealed")), path.name
    for case in cases_of(path):
        assert half_of(case["source"]) == expected, (path.name, case["id"])


def test_one_source_never_sits_in_both_halves() -> None:
    halves: dict[str, set[str]] = {}
    for path in FILES:
        for case in cases_of(path):
            halves.setdefault(normalise_source(case["source"]), set()).add(path.stem[-3:])
    assert all(len(h) == 1 for h in halves.values())


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("https://www.example.org/thread/1/", "http://example.org/thread/1?page=2#x"),
        ("https://Example.org/Thread/1", "example.org/thread/1"),
    ],
)
def test_the_split_ignores_scheme_www_query_and_case(a: str, b: str) -> None:
    assert normalise_source(a) == normalise_source(b) or not b.startswith("http")
    assert half_of(a) == half_of("https://example.org/thread/1")


def test_select_half_needs_a_source_on_every_case(tmp_path: Path) -> None:
    path = tmp_path / "v.yaml"
    path.write_text(yaml.safe_dump([{"id": "a", "text": "cramps"}]), encoding="utf-8")
    with pytest.raises(ValueError, match="source"):
        select_half(load_vignettes(path), "dev")


def test_eval_runs_a_folder_by_half(tmp_path: Path) -> None:
    sources = [f"https://example.org/thread/{i}" for i in range(12)]
    cases: list[dict[str, object]] = [
        {
            "id": f"c{i}",
            "source": sources[i],
            "age": 40,
            "text": "my calves cramp at night",
            "expect": {"icd10": ["R25.2"], "triage": "self_care"},
        }
        for i in range(12)
    ]
    (tmp_path / "one.yaml").write_text(yaml.safe_dump(cases[:6]), encoding="utf-8")
    (tmp_path / "two.yaml").write_text(yaml.safe_dump(cases[6:]), encoding="utf-8")
    runner = CliRunner()
    counts: dict[str, int] = {}
    for half in ("dev", "sealed"):
        result = runner.invoke(app, ["eval", str(tmp_path), "--half", half, "--json"])
        assert result.exit_code == 0, result.output
        counts[half] = json.loads(result.output)["summary"]["n"]
    expected = sum(half_of(source) == "dev" for source in sources)
    assert counts == {"dev": expected, "sealed": 12 - expected}


def test_eval_refuses_an_unknown_half(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["eval", str(CORPUS), "--half", "secret"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "--half" in err
