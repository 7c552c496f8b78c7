"""Validated files as records, in plain form (issue 16 item 8): the same records with the
cache and without, made from the cache without pydantic, and nothing else accepted from it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from enum import StrEnum
from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from spasmcheck.knowledge import parsed, validated
from spasmcheck.knowledge.loader import collect
from spasmcheck.knowledge.parsed import content_key
from spasmcheck.knowledge.schema import Citation, RedFlag, TriageLevel


@pytest.fixture(autouse=True)
def forms(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(validated, "_FORMS", {})
    monkeypatch.setattr(validated, "_RECORDING", [True])  # as in a process that saves them
    yield


class Colour(StrEnum):
    RED = "red"
    BLUE = "blue"


class InnerModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    name: str = Field(min_length=2)
    weight: float = 1.0


class OuterModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    count: int = Field(ge=0)
    colour: Colour
    inner: list[InnerModel]
    pair: tuple[float, float] | None = None
    words: frozenset[str] = frozenset()
    levels: dict[TriageLevel, float] = Field(default_factory=dict)
    flag: bool = False


class Inner(validated.Record):
    __model__ = f"{__name__}.InnerModel"
    name: str
    weight: float


class Outer(validated.Record):
    __model__ = f"{__name__}.OuterModel"
    count: int
    colour: Colour
    inner: list[Inner]
    pair: tuple[float, float] | None
    words: frozenset[str]
    levels: dict[TriageLevel, float]
    flag: bool


class Odd(validated.Record):
    __model__ = f"{__name__}.OddModel"
    either: int | str


class OddModel(BaseModel):
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
    monkeypatch.setattr(OuterModel, "model_validate", lambda *a, **k: pytest.fail("validated"))
    again = validated.validated(RAW, Outer)
    assert again == first and repr(again) == repr(first)
    assert again.colour is Colour.RED and type(again.pair) is tuple
    assert type(again.pair[0]) is float and type(again.inner[1].weight) is float
    assert isinstance(again.words, frozenset) and again.inner[1].weight == 2.0
    assert isinstance(again.inner[0], Inner) and type(again.levels) is dict
    assert again.model_copy(update={"count": 3}).count == 3  # copied as a model is
    # The table holds every form this process remembered (other tests may have read other
    # files first): this file's is the one under its own key.
    key = f"{validated.model_key(Outer)}:{content_key(RAW)}"
    # A frozenset's dump has no order of its own (it follows the hashes): compare it sorted.
    dumped, stored = again.model_dump(mode="json"), dict(table[key])
    assert sorted(dumped.pop("words")) == sorted(stored.pop("words"))
    assert dumped == stored


def test_the_whole_knowledge_base_round_trips(monkeypatch: pytest.MonkeyPatch) -> None:
    kb, problems = collect()
    assert kb is not None, problems
    table = json.loads(json.dumps(validated.known()))
    kinds = {key.split(":")[0].rsplit(".", 1)[1] for key in table}
    assert {"ConditionFile", "FindingFile", "RedFlagFile", "InterviewPolicy"} <= kinds
    monkeypatch.setattr(validated, "_FORMS", {})
    validated.remember(table)
    from spasmcheck.knowledge import models

    monkeypatch.setattr(
        models.ConditionFile, "model_validate", lambda *a, **k: pytest.fail("validated")
    )
    again, problems = collect()
    assert again is not None, problems
    assert repr(again) == repr(kb) and again.version == kb.version
    assert again.conditions == kb.conditions and again.red_flags == kb.red_flags


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


def test_a_record_it_cannot_check_is_refused() -> None:
    """A union other than ``X | None`` cannot be checked against a plain form: a mistake in
    the code, found by the first validation."""
    with pytest.raises(validated.Unsupported):
        validated.construct(Odd, {"either": 1})
    with pytest.raises(validated.Unsupported):
        validated.validated(b"either: 1\n", Odd)


def test_a_record_made_by_hand_is_validated_by_its_model() -> None:
    """``Record(**fields)`` and ``model_validate`` validate as the model would (nested records
    given as dicts or as records), and a copy is not validated, as pydantic's."""
    fields = {
        "id": "test_rule",
        "name": "A test rule",
        "level": "consultation",
        "any_of": ["sign"],
        "reason": "Only for this test.",
        "do_now": "Nothing, this is a test.",
        "cite": [{"source": "seed_widespread"}],
    }
    rule = RedFlag(**fields)
    assert rule.level is TriageLevel.CONSULTATION and rule.all_of == [] and not rule.needs_age
    assert rule.cite == [Citation(source="seed_widespread")]
    assert RedFlag.model_validate(fields) == rule
    assert RedFlag(**{**fields, "cite": rule.cite}) == rule
    with pytest.raises(ValidationError, match="a red flag needs all_of or any_of"):
        RedFlag(**{**fields, "any_of": []})
    with pytest.raises(ValidationError):
        RedFlag(**{**fields, "colour": "red"})  # an unknown field
    assert rule.model_copy(update={"any_of": []}).any_of == []
    assert RedFlag.model_validate(rule.model_dump()) == rule
