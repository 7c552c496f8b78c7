"""Validated data files as plain frozen records, remembered by the hash of their bytes
(issue 16 item 8).

Every data file of the knowledge base, the policy and the language layer is validated by a
pydantic model (:mod:`spasmcheck.knowledge.models`, :mod:`spasmcheck.language.schema`) —
unknown keys refused, every field's constraints and the cross-field rules checked — and read by
the code as a :class:`Record`: a frozen record with the same fields (and the model's
behaviour: methods, properties), made from the validated file's plain JSON form
(``model_dump(mode="json")``). :func:`validated` remembers that form, keyed by the model's
name and the SHA-256 of the file's bytes; the command line's cache
(:mod:`spasmcheck.reasoning.cache`) saves the table and hands it back through
:func:`remember`, and the next start builds the same records from it without importing the
models or pydantic at all (pydantic's import and its model classes were a fifth of a cold
``spasmcheck assess``). ``spasmcheck kb check``, a start without the cache, the server and
the tests validate as before; records made by hand (``RedFlag(...)``,
``Finding.model_validate(...)``) are validated by the model too.

The remembered data was valid when it was written, but it comes back from a file in the user's
cache folder, so it is read as untrusted: each record's plan checks every value against the
field's type (strings, numbers, enum members, lists, tuples, mappings, nested records) and
refuses anything else, and a refused entry is validated from the file's bytes instead. A
start with the cache and one without read the very same records: both are made from the form.
"""

from __future__ import annotations

import dataclasses
import enum
import importlib
import inspect
import sys
import types
import typing
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Self, TypeGuard, TypeVar

from spasmcheck.knowledge.parsed import content_key, forget, load_yaml

if TYPE_CHECKING:
    import yaml
    from pydantic import BaseModel, ValidationError

R = TypeVar("R", bound="Record")
Convert = Callable[[Any], Any]

# model name:content hash → the validated file as plain JSON data
_FORMS: dict[str, Any] = {}
# Whether validating a file also remembers its plain form: only in a process that will save
# them (the command line's cache turns it on); the server and the tests just validate.
_RECORDING = [False]
_PLANS: dict[type, Convert] = {}


class Unsupported(TypeError):
    """A record with a field whose type a plan cannot check (a mistake in the code)."""


class BadForm(ValueError):
    """Remembered data that does not have the record's shape."""


class Record:
    """A frozen record validated by the pydantic model named in ``__model__`` (a dotted name,
    imported on first use). A subclass declares the model's fields with their types (the
    model holds the constraints and defaults) and may add the behaviour its users need.

    ``Record(**fields)`` and :meth:`model_validate` validate with the model, as the model
    itself would (pydantic's ``ValidationError``); :meth:`model_copy` and :meth:`model_dump`
    behave as the model's do. Records compare, hash and print as frozen dataclasses do; they
    are not made with ``@dataclass``, whose generated methods cost half a millisecond per
    class at every start (55 classes). The knowledge base's files are read through
    :func:`validated`, which makes records without validating when their plain form is
    remembered."""

    __model__: ClassVar[str]
    __fields: ClassVar[dict[type, tuple[str, ...]]] = {}

    def __init__(self, **data: Any) -> None:
        made = type(self).model_validate(data)
        object.__setattr__(self, "__dict__", made.__dict__)

    @classmethod
    def record_fields(cls) -> tuple[str, ...]:
        """The fields, in the order they are declared (a base class's first)."""
        fields = Record.__fields.get(cls)
        if fields is None:
            names: dict[str, None] = {}
            for kind in reversed(cls.__mro__):
                if issubclass(kind, Record) and kind is not Record:
                    for name, hint in inspect.get_annotations(kind).items():
                        if not str(hint).startswith(("ClassVar", "typing.ClassVar")):
                            names[name] = None
            fields = Record.__fields[cls] = tuple(names)
        return fields

    @classmethod
    def model_validate(cls, data: Any) -> Self:
        """``data`` validated by the model (nested records are read by their attributes)."""
        model = _model(cls)
        form = model.model_validate(data, from_attributes=True).model_dump(mode="json")
        made: Self = _plan(cls)(form)
        return made

    def model_copy(self, *, update: Mapping[str, Any] | None = None) -> Self:
        """A copy with some fields replaced, not validated (as pydantic's ``model_copy``)."""
        copy = object.__new__(type(self))
        object.__setattr__(copy, "__dict__", {**self.__dict__, **(update or {})})
        return copy

    def model_dump(self, *, mode: str = "python") -> dict[str, Any]:
        """The fields as a dict, records as dicts; with ``mode="json"`` the plain JSON form."""
        dumped: dict[str, Any] = {
            name: _dump(value, mode == "json") for name, value in self.__dict__.items()
        }
        return dumped

    def __setattr__(self, name: str, value: Any) -> None:
        raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self.__dict__ == other.__dict__

    def __hash__(self) -> int:
        return hash(tuple(self.__dict__.values()))

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={value!r}" for name, value in self.__dict__.items())
        return f"{type(self).__qualname__}({fields})"


def _dump(value: Any, plain: bool) -> Any:
    if isinstance(value, Record):
        return value.model_dump(mode="json" if plain else "python")
    if isinstance(value, dict):
        return {_dump(k, plain): _dump(v, plain) for k, v in value.items()}
    if isinstance(value, list | tuple | frozenset):
        items = [_dump(v, plain) for v in value]
        return items if plain or isinstance(value, list) else type(value)(items)
    if plain and isinstance(value, enum.Enum):
        return value.value
    return value


def model_key(kind: type[Record]) -> str:
    """The name of the model that validates ``kind``'s files (the forms' key)."""
    return kind.__model__


def _model(kind: type[Record]) -> type[BaseModel]:
    module, _, name = kind.__model__.rpartition(".")
    model: type[BaseModel] = getattr(importlib.import_module(module), name)
    return model


def is_validation_error(error: BaseException) -> TypeGuard[ValidationError]:
    """Whether ``error`` is pydantic's ``ValidationError`` (never, where pydantic was not
    imported: only a model raises one)."""
    core = sys.modules.get("pydantic_core")
    return core is not None and isinstance(error, core.ValidationError)


def validated(raw: bytes, kind: type[R], loader: type[yaml.SafeLoader] | None = None) -> R:
    """The YAML document ``raw`` validated by ``kind``'s model, as a ``kind``; from its
    remembered plain form when there is one (the model is then never imported). Raises
    :class:`~spasmcheck.knowledge.parsed.YamlError` and pydantic's ``ValidationError`` as
    parsing and validating do."""
    content = content_key(raw)
    key = f"{model_key(kind)}:{content}"
    form = _FORMS.get(key)
    if form is not None:
        try:
            return construct(kind, form)
        except BadForm:
            del _FORMS[key]  # not what this model makes: validate the file itself
    form = _model(kind).model_validate(load_yaml(raw, loader)).model_dump(mode="json")
    result = construct(kind, form)  # (BadForm here: the record does not match its model)
    if _RECORDING[0]:
        _FORMS[key] = form
        forget(content)  # the plain form replaces the parsed file
    return result


def remember(table: dict[str, Any]) -> None:
    """Take the plain forms of files validated earlier (checked again when used), and
    remember the forms of the files validated from now on."""
    _FORMS.update(table)
    _RECORDING[0] = True


def known() -> dict[str, Any]:
    return dict(_FORMS)


def construct(kind: type[R], data: Any) -> R:
    """The record of type ``kind`` whose plain JSON form is ``data``, made without
    validation; :class:`BadForm` when ``data`` has another shape."""
    result: R = _plan(kind)(data)
    return result


def _plan(kind: type) -> Convert:
    plan = _PLANS.get(kind)
    if plan is None:
        plan = _record_plan(kind)
        _PLANS[kind] = plan
    return plan


def _record_plan(kind: type) -> Convert:
    if not (isinstance(kind, type) and issubclass(kind, Record)):
        raise Unsupported(f"{kind!r}: not a record")
    fields = kind.record_fields()
    every = typing.get_type_hints(kind)
    hints = {name: _bare(every[name]) for name in fields}
    names = frozenset(fields)
    # One function per record, written out like dataclasses' __init__: the knowledge base is
    # about 12,000 objects, and a generic loop over the fields took twice as long.
    scope: dict[str, Any] = {
        "kind": kind,
        "names": names,
        "new": object.__new__,
        "put": object.__setattr__,
        "BadForm": BadForm,
        "bad": f"not a {kind.__qualname__}",
    }
    values = []
    checks = []
    # A record of strings only (a citation: 7 in 10 of the knowledge base's objects) is found
    # again and again with the same values: each is built once and shared.
    shared = bool(fields) and all(_is_text(hints[n]) for n in fields)
    if shared:
        scope["built"] = {}
    for index, name in enumerate(fields):
        hint = hints[name]
        if shared and hint is not str:  # str | None
            checks.append(
                f"    if data[{name!r}] is not None and type(data[{name!r}]) is not str: "
                "raise BadForm(bad)"
            )
            values.append(f"{name!r}: data[{name!r}]")
        elif hint in (str, int, float, bool):
            scope[f"t{index}"] = hint
            checks.append(f"    if type(data[{name!r}]) is not t{index}: raise BadForm(bad)")
            values.append(f"{name!r}: data[{name!r}]")
        else:
            scope[f"c{index}"] = _converter(hint)
            values.append(f"{name!r}: c{index}(data[{name!r}])")
    key = " ".join(f"data[{name!r}]," for name in fields)
    source = "\n".join(
        [
            "def build(data):",
            "    if type(data) is not dict or data.keys() != names: raise BadForm(bad)",
            *checks,
            *(
                [
                    f"    key = ({key})",
                    "    found = built.get(key)",
                    "    if found is not None: return found",
                ]
                if shared
                else []
            ),
            "    instance = new(kind)",
            f"    put(instance, '__dict__', {{{', '.join(values)}}})",
            *(["    built[key] = instance"] if shared else []),
            "    return instance",
        ]
    )
    exec(source, scope)  # the field names are the record's own, never the cached data
    build: Convert = scope["build"]
    return build


def _bare(hint: Any) -> Any:
    """``hint`` without an outer ``Annotated[...]`` (the constraints were checked when the
    data was validated; a remembered form is checked for its types only)."""
    while typing.get_origin(hint) is typing.Annotated:
        hint = typing.get_args(hint)[0]
    return hint


def _is_text(hint: Any) -> bool:
    """``str`` or ``str | None``."""
    if hint is str:
        return True
    return typing.get_origin(hint) in (typing.Union, types.UnionType) and {
        _bare(arg) for arg in typing.get_args(hint)
    } == {str, type(None)}


def _exactly(kind: type) -> Convert:
    def check(value: Any) -> Any:
        if type(value) is not kind:
            raise BadForm(f"not a {kind.__name__}: {value!r:.40}")
        return value

    return check


def _none(value: Any) -> None:
    if value is not None:
        raise BadForm(f"not null: {value!r:.40}")


def _enum(kind: type[enum.Enum]) -> Convert:
    members = {member.value: member for member in kind}
    if not all(type(v) is str for v in members):
        raise Unsupported(f"{kind.__name__}: an enum of other values than strings")

    def convert(value: Any) -> Any:
        if type(value) is not str or value not in members:
            raise BadForm(f"not a {kind.__name__}: {value!r:.40}")
        return members[value]

    return convert


def _sequence(item: Convert, into: Callable[[list[Any]], Any]) -> Convert:
    def convert(value: Any) -> Any:
        if type(value) is not list:
            raise BadForm(f"not a list: {value!r:.40}")
        return into([item(v) for v in value])

    return convert


def _strings(into: Callable[[list[Any]], Any]) -> Convert:
    def convert(value: Any) -> Any:
        if type(value) is not list or not all(type(v) is str for v in value):
            raise BadForm(f"not a list of strings: {value!r:.40}")
        return into(value)

    return convert


def _fixed(items: tuple[Convert, ...]) -> Convert:
    def convert(value: Any) -> Any:
        if type(value) is not list or len(value) != len(items):
            raise BadForm(f"not a list of {len(items)}: {value!r:.40}")
        return tuple(item(v) for item, v in zip(items, value, strict=True))

    return convert


def _mapping(key: Convert, item: Convert) -> Convert:
    def convert(value: Any) -> Any:
        if type(value) is not dict:
            raise BadForm(f"not a mapping: {value!r:.40}")
        return {key(k): item(v) for k, v in value.items()}

    return convert


def _optional(item: Convert) -> Convert:
    def convert(value: Any) -> Any:
        return None if value is None else item(value)

    return convert


def _converter(hint: Any) -> Convert:
    """How to check and convert a value of the type ``hint``."""
    hint = _bare(hint)
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint in (str, int, float, bool):
        return _exactly(hint)
    if hint is type(None):
        return _none
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return _enum(hint)
    if isinstance(hint, type) and issubclass(hint, Record):
        return _plan(hint)
    if origin in (typing.Union, types.UnionType):
        kinds = [a for a in args if a is not type(None)]
        if len(kinds) != 1 or len(args) != 2:
            raise Unsupported(f"a union: {hint!r}")
        return _optional(_converter(kinds[0]))
    if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
        return _fixed(tuple(_converter(a) for a in args))
    into: Callable[[list[Any]], Any] | None = {list: list, tuple: tuple, frozenset: frozenset}.get(
        origin
    )
    if into is not None and args:
        item = _bare(args[0])
        return _strings(into) if item is str else _sequence(_converter(item), into)
    if origin is dict and len(args) == 2:
        key = _bare(args[0])
        if key is not str and not (isinstance(key, type) and issubclass(key, enum.Enum)):
            raise Unsupported(f"a mapping with keys that are not strings: {hint!r}")
        return _mapping(_converter(key), _converter(args[1]))
    raise Unsupported(f"a field of type {hint!r}")
