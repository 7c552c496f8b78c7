"""``Evidence.__init__`` writes each field through its slot (issue 16, seventh pass): it must
be the frozen dataclass's own ``__init__`` in all but speed — the same parameters and
defaults, the same fields set from every way of calling it, the same errors."""

from __future__ import annotations

import inspect
from dataclasses import astuple, fields, replace
from typing import Any

import pytest

from spasmcheck.reasoning.evidence import _DATACLASS_INIT, Evidence, Origin, Status

NAMES = [f.name for f in fields(Evidence)]
VALUES: dict[str, Any] = {
    "finding_id": "calf_cramp",
    "status": Status.UNKNOWN,
    "origin": Origin.TEXT,
    "possible": True,
    "text": "my calf",
    "question": "a_question",
    "screening": True,
    "escalation": True,
}


def made_by_the_dataclass(*args: Any, **kwargs: Any) -> Evidence:
    item = object.__new__(Evidence)
    _DATACLASS_INIT(item, *args, **kwargs)
    return item


def test_the_same_parameters_and_defaults() -> None:
    ours = inspect.signature(Evidence.__init__).parameters
    theirs = inspect.signature(_DATACLASS_INIT).parameters
    assert [(p.name, p.kind, p.default) for p in ours.values()] == [
        (p.name, p.kind, p.default) for p in theirs.values()
    ]
    assert list(ours)[1:] == NAMES


@pytest.mark.parametrize("given", range(2, len(NAMES) + 1))
@pytest.mark.parametrize("by_keyword", [False, True])
def test_every_field_is_set_as_the_dataclass_sets_it(given: int, by_keyword: bool) -> None:
    """The first ``given`` fields passed (by position or by name), the rest left to their
    defaults: each field of the item holds what the dataclass's __init__ puts there."""
    values = [VALUES[name] for name in NAMES[:given]]
    if by_keyword:
        kwargs = dict(zip(NAMES[:given], values, strict=True))
        ours, theirs = Evidence(**kwargs), made_by_the_dataclass(**kwargs)
    else:
        ours, theirs = Evidence(*values), made_by_the_dataclass(*values)
    assert [getattr(ours, n) for n in NAMES] == [getattr(theirs, n) for n in NAMES]
    assert astuple(ours) == astuple(theirs)
    assert ours == theirs and hash(ours) == hash(theirs) and repr(ours) == repr(theirs)
    assert replace(ours, possible=not ours.possible) == replace(theirs, possible=not ours.possible)


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        (("calf_cramp",), {}),  # no status
        ((), {"status": Status.PRESENT}),  # no finding
        ((*VALUES.values(), "one too many"), {}),
        (("calf_cramp", Status.PRESENT), {"status": Status.ABSENT}),  # twice
        (("calf_cramp", Status.PRESENT), {"surprise": 1}),
    ],
)
def test_the_same_errors(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    with pytest.raises(TypeError):
        made_by_the_dataclass(*args, **kwargs)
    with pytest.raises(TypeError):
        Evidence(*args, **kwargs)


def test_still_frozen() -> None:
    from dataclasses import FrozenInstanceError

    item = Evidence("calf_cramp", Status.PRESENT)
    with pytest.raises(FrozenInstanceError):
        item.text = "changed"  # type: ignore[misc]
