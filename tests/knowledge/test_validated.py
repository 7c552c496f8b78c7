"""Validated files in plain form (issue 16 item 8): the same objects as validation, built
without a validator, and nothing else accepted from the cache."""

from __future__ import annotations

import json
from collections.abc import Iterator
from enum import StrEnum
from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from spasmcheck.knowledge import parsed, validated
from spasmcheck.knowledge.loader import collect
from spasmcheck.knowledge.schema import Condition, TriageLevel


@pytest.fixture(autouse=True)
def forms(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(validated, "_FORMS", {})
    monkeypatch.setattr(validated, "_RECORDING", [True])  # as in a process that saves them
    yield


class Colour(StrEnum):
    RED = "red"
    BLUE = "blue"


class Inner(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    name: str = Field(min_length=2)
    weight: float = 1.0


class Outer(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    count: int = Field(ge=0)
    colour: Colour
    inner: list[Inner]
    pair: tuple[float, float] | None = None
    words: frozenset[str] = frozenset()
    levels: dict[TriageLevel, float] = Field(default_factory=dict)
    flag: bool = False


class Odd(BaseModel):
    model_config = ConfigDict(defer_build=True)
    either: int | str


RAW = b"""\
count: 2
colour: red
inner: [{name: ab}, {name: cd, weight: 2}]
pair: [1, 2.5]
words: [x, y]
levels: {emergency: 0.5}
"""


def test_a_remembered_file_comes_back_as_the_same_objects_without_validation(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first = validated.validated(RAW, Outer)
    table = json.loads(json.dumps(validated.known()))  # as the cache file holds it
    monkeypatch.setattr(validated, "_FORMS", {})
    validated.remember(table)
    monkeypatch.setattr(Outer, "model_validate", lambda *a, **k: pytest.fail("validated"))
    again = validated.validated(RAW, Outer)
    assert validated._same(again, first)  # equal, with the same types: floats, enums, tuples
    assert again.colour is Colour.RED and type(again.pair) is tuple
    assert isinstance(again.words, frozenset) and again.inner[1].weight == 2.0
    assert again.model_copy(update={"count": 3}).count == 3  # still a model in every way


def test_the_whole_knowledge_base_round_trips(monkeypatch: pytest.MonkeyPatch) -> None:
    kb, problems = collect()
    assert kb is not None, problems
    table = json.loads(json.dumps(validated.known()))
    kinds = {key.split(":")[0].rsplit(".", 1)[1] for key in table}
    assert {"ConditionFile", "FindingFile", "RedFlagFile", "InterviewPolicy"} <= kinds
    monkeypatch.setattr(validated, "_FORMS", {})
    validated.remember(table)
    monkeypatch.setattr(Condition, "model_validate", lambda *a, **k: pytest.fail("validated"))
    again, problems = collect()
    assert again is not None, problems
    assert repr(again) == repr(kb) and again.version == kb.version


def test_a_changed_file_is_validated_again() -> None:
    assert validated.validated(RAW, Outer).count == 2
    changed = validated.validated(RAW.replace(b"count: 2", b"count: 7"), Outer)
    assert changed.count == 7
    with pytest.raises(ValidationError):
        validated.validated(RAW.replace(b"count: 2", b"count: -1"), Outer)


def _form(**changes: Any) -> dict[str, Any]:
    form = validated.validated(RAW, Outer).model_dump(mode="json")
    form.update(changes)
    return form


@pytest.mark.parametrize(
    "form",
    [
        _form(count="2"),
        _form(count=2.0),
        _form(count=True),
        _form(colour="green"),
        _form(inner=[{"name": "ab"}]),  # a field missing
        _form(inner=[{"name": "ab", "weight": 1.0, "more": 1}]),
        _form(inner={"name": "ab", "weight": 1.0}),
        _form(pair=[1.0]),
        _form(words="xy"),
        _form(words=[1]),
        _form(levels={"soon": 1.0}),
        _form(flag=None),
        {**_form(), "extra": 1},
        [],
        None,
    ],
)
def test_a_form_of_another_shape_is_refused(form: Any) -> None:
    with pytest.raises(validated.BadForm):
        validated.construct(Outer, form)


def test_a_refused_form_is_replaced_by_the_validated_file() -> None:
    key = f"{validated.model_key(Outer)}:{parsed.content_key(RAW)}"
    validated.remember({key: {"count": "a lot"}})
    assert validated.validated(RAW, Outer).count == 2
    assert validated.known()[key]["count"] == 2


def test_forms_are_remembered_only_where_they_are_saved(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(validated, "_RECORDING", [False])  # the server, the tests
    assert validated.validated(RAW, Outer).count == 2
    assert not validated.known()
    validated.remember({})  # the command line's cache hands over what it holds
    validated.validated(RAW, Outer)
    assert len(validated.known()) == 1


def test_a_model_it_cannot_check_is_always_validated() -> None:
    with pytest.raises(validated.Unsupported):
        validated.construct(Odd, {"either": 1})
    assert validated.validated(b"either: 1\n", Odd).either == 1
    assert not validated.known()
