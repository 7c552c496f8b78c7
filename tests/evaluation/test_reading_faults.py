"""scripts/reading_faults.py: the two fault finders, on written-out texts, and its refusal to
list anything but a development half."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from spasmcheck.evaluation.corpus import half_of
from spasmcheck.evaluation.vignettes import Vignette
from spasmcheck.reasoning.engine import Engine
from tests.scripts import load_script


def _script() -> Any:
    return load_script("reading_faults")


def _case(text: str) -> Vignette:
    return Vignette.model_validate({"id": "x", "text": text, "source": "https://example.org/a"})


def test_a_sign_lost_only_in_the_whole_text_is_listed(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    faults = _script()
    # a text read the same whole and sentence by sentence lists nothing
    assert (
        faults.interference(engine, _case("My calves cramp at night. Now she cannot breathe."))
        == []
    )
    # a sentence whose warning sign the whole text does not keep is listed, with its words
    readings = {
        "My calves cramp. She cant breathe.": {"cramp": "cramp"},
        "My calves cramp.": {"cramp": "cramp"},
        "She cant breathe.": {"trouble_breathing": "cant breathe"},
    }
    monkeypatch.setattr(faults, "present", lambda _engine, text: readings[text])
    found = faults.interference(engine, _case("My calves cramp. She cant breathe."))
    assert found == [("trouble_breathing", "cant breathe", "She cant breathe.")]


def test_unread_warning_words_are_listed(engine: Engine) -> None:
    faults = _script()
    found = faults.unread(engine, _case("my calves cramp and the zorbly thing with her breath"))
    assert any(word == "breath" for word, _ in found)
    assert faults.unread(engine, _case("my calves cramp at night")) == []


def test_only_the_development_half_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    faults = _script()
    dev = next(
        f"https://example.org/{i}"
        for i in range(100)
        if half_of(f"https://example.org/{i}") == "dev"
    )
    sealed = next(
        f"https://example.org/{i}"
        for i in range(100)
        if half_of(f"https://example.org/{i}") == "sealed"
    )
    (tmp_path / "cases.yaml").write_text(
        f"""
- id: dev-case
  source: {dev}
  text: "my legs cramp and the zorbly breath thing"
- id: sealed-case
  source: {sealed}
  text: "my legs cramp and the zorbly breath thing"
""",
        encoding="utf-8",
    )
    assert faults.main(["unread", str(tmp_path / "cases.yaml")]) == 0
    out = capsys.readouterr().out
    assert "dev-case" in out and "sealed-case" not in out
    assert faults.main([]) == 2
