"""Validated data files, remembered in plain form by the hash of their bytes (issue 16 item 8).

Validating a data file with its pydantic model is cheap once the model's validator exists, but
building the validators of the schema, the policy files and the language data took about a
third of a cold ``spasmcheck assess``. So the models defer building them
(``defer_build=True``), and :func:`validated` remembers each file's validated result as plain
JSON data (``model_dump(mode="json")``), keyed by the model and the SHA-256 of the file's bytes.
The command line's cache (:mod:`spasmcheck.reasoning.cache`) saves that table and hands it back
through :func:`remember`; the next start builds the same objects from it with
:func:`construct`, without a validator, so ``assess`` never builds one. ``spasmcheck kb check``
and a start without the cache validate as before.

The remembered data was valid when it was written, but it comes back from a file in the user's
cache folder, so it is read as untrusted: :func:`construct` checks every value against the
field's type (strings, numbers, enum members, lists, nested models) and refuses anything else,
and a refused entry is validated from the file's bytes instead. Only models whose fields it
can check that way are remembered (:class:`Unsupported` for the others).

:func:`checked` goes one step further, for data that is read as plain frozen dataclasses (the
language layer's files): the pydantic model that validates the file is named, not imported, and
the process imports it (and pydantic) only when there is no remembered form to take — a cached
start imports neither. The dataclass is always built from the validated plain form, checked
the same way, so a start with the cache and one without read the very same objects.
"""

from __future__ import annotations

import dataclasses
import enum
import importlib
import sys
import types
import typing
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from spasmcheck.knowledge.parsed import content_key, forget, load_yaml

if TYPE_CHECKING:
    import yaml
    from pydantic import BaseModel

M = TypeVar("M", bound="BaseModel")
D = TypeVar("D")
Convert = Callable[[Any], Any]

# model key:content hash → the validated file as plain JSON data
_FORMS: dict[str, Any] = {}
# Whether validating a file also remembers its plain form: only in a process that will save
# them (the command line's cache turns it on); the server and the tests just validate.
_RECORDING = [False]
_PLANS: dict[type, Convert] = {}


class Unsupported(TypeError):
    """A model with a field :func:`construct` cannot check; it is always validated."""


class BadForm(ValueError):
    """Remembered data that does not have the model's shape."""


def model_key(model: type[BaseModel]) -> str:
    return f"{model.__module__}.{model.__qualname__}"


def validated(raw: bytes, model: type[M], loader: type[yaml.SafeLoader] | None = None) -> M:
    """``model.model_validate`` of the YAML document ``raw``; from its remembered plain form
    when there is one. Raises :class:`~spasmcheck.knowledge.parsed.YamlError` and pydantic's
    ``ValidationError`` as parsing and validating do."""
    content = content_key(raw)
    key = f"{model_key(model)}:{content}"
    form = _FORMS.get(key)
    if form is not None:
        try:
            return construct(model, form)
        except (BadForm, Unsupported):
            del _FORMS[key]  # not what this model makes: validate the file itself
    result = model.model_validate(load_yaml(raw, loader))
    if not _RECORDING[0]:
        return result
    try:
        form = result.model_dump(mode="json")
        if _same(construct(model, form), result):
            _FORMS[key] = form
            forget(content)  # the plain form replaces the parsed file
    except (BadForm, Unsupported):
        pass
    return result


def checked(
    raw: bytes, schema: str, kind: type[D], loader: type[yaml.SafeLoader] | None = None
) -> D:
    """The YAML document ``raw`` validated by the pydantic model ``schema`` (its dotted name:
    module and class), as the frozen dataclass ``kind`` made from the validated plain form.

    The model is imported only when no remembered form of the file is at hand (or the one at
    hand is not ``kind``'s shape): a cached start imports neither it nor pydantic. Raises
    :class:`~spasmcheck.knowledge.parsed.YamlError` and pydantic's ``ValidationError`` as
    :func:`validated` does; :class:`Unsupported` or :class:`BadForm` when ``kind`` does not
    match the model (a mistake in the code, never in the data)."""
    content = content_key(raw)
    key = f"{schema}:{content}"
    form = _FORMS.get(key)
    if form is not None:
        try:
            return _dataclass_plan(kind)(form)  # type: ignore[no-any-return]
        except BadForm:
            del _FORMS[key]  # not what the file validates to: validate the file itself
    module, _, name = schema.rpartition(".")
    model: type[BaseModel] = getattr(importlib.import_module(module), name)
    form = model.model_validate(load_yaml(raw, loader)).model_dump(mode="json")
    result = _dataclass_plan(kind)(form)
    if _RECORDING[0]:
        _FORMS[key] = form
        forget(content)  # the plain form replaces the parsed file
    return result  # type: ignore[no-any-return]


def _dataclass_plan(kind: type) -> Convert:
    """How to check a plain form against the frozen dataclass ``kind`` and build it: every
    field present (no more), each value of its field's type."""
    plan = _PLANS.get(kind)
    if plan is not None:
        return plan
    if not dataclasses.is_dataclass(kind):
        raise Unsupported(f"{kind.__qualname__}: not a dataclass")
    hints = typing.get_type_hints(kind)
    fields = [f for f in dataclasses.fields(kind) if f.init]
    converters = [(f.name, _converter(hints[f.name])) for f in fields]
    names = frozenset(f.name for f in fields)
    bad = f"not a {kind.__qualname__}"

    def build(data: Any) -> Any:
        if type(data) is not dict or data.keys() != names:
            raise BadForm(bad)
        return kind(**{name: convert(data[name]) for name, convert in converters})

    _PLANS[kind] = build
    return build


def _same(a: Any, b: Any) -> bool:
    """Equal, and of the same types all the way down (``1 == 1.0 == True``, and a member of a
    string enum equals its value)."""
    from pydantic import BaseModel

    if type(a) is not type(b):
        return False
    if isinstance(a, BaseModel):
        return all(_same(getattr(a, name), getattr(b, name)) for name in type(a).model_fields)
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return {(type(k), k) for k in a} == {(type(k), k) for k in b} and all(
            _same(v, b[k]) for k, v in a.items()
        )
    if isinstance(a, frozenset | set):
        return a == b and {type(x) for x in a} == {type(x) for x in b}
    return bool(a == b)


def remember(table: dict[str, Any]) -> None:
    """Take the plain forms of files validated earlier (checked again when used), and
    remember the forms of the files validated from now on."""
    _FORMS.update(table)
    _RECORDING[0] = True


def known() -> dict[str, Any]:
    return dict(_FORMS)


def construct(model: type[M], data: Any) -> M:
    """The instance of ``model`` whose plain JSON form is ``data``, built without validation;
    :class:`BadForm` when ``data`` has another shape."""
    result: M = _plan(model)(data)
    return result


def _plan(model: type[BaseModel]) -> Convert:
    plan = _PLANS.get(model)
    if plan is None:
        plan = _model_plan(model)
        _PLANS[model] = plan
    return plan


def _model_plan(model: type[BaseModel]) -> Convert:
    config = model.model_config
    if (
        config.get("extra") == "allow"
        or model.__pydantic_root_model__
        or model.__private_attributes__
        or model.__pydantic_post_init__
    ):
        raise Unsupported(f"{model_key(model)}: extra fields, a root, private attributes or a hook")
    fields = model.__pydantic_fields__
    # Each field's type as pydantic evaluated it when the class was made (its constraints,
    # ``Annotated[...]``, are dropped as they are met): evaluating the annotations again
    # with ``typing.get_type_hints`` took a third of making the plans.
    hints = {name: _bare(field.annotation) for name, field in fields.items()}
    names = frozenset(fields)
    # One function per model, written out like dataclasses' __init__: the knowledge base is
    # about 12,000 objects, and a generic loop over the fields took twice as long.
    scope: dict[str, Any] = {
        "model": model,
        "names": names,
        "new": model.__new__,
        "put": object.__setattr__,
        "BadForm": BadForm,
        "bad": f"not a {model.__qualname__}",
    }
    values = []
    checks = []
    # A model of strings only (a citation: 7 in 10 of the knowledge base's objects) is frozen
    # and found again and again with the same values: each is built once and shared.
    shared = bool(config.get("frozen")) and bool(fields) and all(_is_text(hints[n]) for n in fields)
    if shared:
        scope["built"] = {}
    for index, (name, field) in enumerate(fields.items()):
        if field.alias not in (None, name) or field.validation_alias not in (None, name):
            raise Unsupported(f"{model_key(model)}.{name}: an alias")
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
            "    instance = new(model)",
            f"    put(instance, '__dict__', {{{', '.join(values)}}})",
            "    put(instance, '__pydantic_fields_set__', set(names))",
            "    put(instance, '__pydantic_extra__', None)",
            "    put(instance, '__pydantic_private__', None)",
            *(["    built[key] = instance"] if shared else []),
            "    return instance",
        ]
    )
    exec(source, scope)  # the field names are the model's own, never the cached data
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
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _dataclass_plan(hint)
    # (a model only where pydantic was imported: the language layer's dataclasses never need it)
    pydantic = sys.modules.get("pydantic")
    if pydantic is not None and isinstance(hint, type) and issubclass(hint, pydantic.BaseModel):
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
