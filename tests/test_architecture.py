"""The layers import one way only (docs/architecture.md): a test per rule, read from the code.

Every ``import`` and ``from ... import`` of every module under ``src/spasmcheck`` counts,
including those inside functions and under ``TYPE_CHECKING``: a lazy import that points the
wrong way is still a dependency that points the wrong way.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "spasmcheck"

# Lowest first. A module may import its own layer and the layers of lower rank; layers that
# share a rank are side by side and must not import each other (the API and the web above all).
RANKS: dict[str, int] = {
    "_version": 0,
    "_lazy": 0,  # the lazy-import helper of the package and its layers (PEP 562)
    "config": 0,
    "knowledge": 1,
    "language": 2,
    "reasoning": 3,
    "diary": 4,
    "evaluation": 4,
    "export": 5,
    "storage": 6,
    "services": 7,
    "api": 8,
    "web": 8,
    "server": 9,
    "cli": 10,
    "(root)": 10,  # the library's public API (``import spasmcheck``) re-exports the layers
    "__main__": 11,
}


def layer_of(module: str) -> str:
    """``spasmcheck.web.pages`` → ``web``; the package itself → ``(root)``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "(root)"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> Iterator[tuple[int, str]]:
    """(line, imported module) for every import of a spasmcheck module in ``path``."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "spasmcheck":
                    yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "spasmcheck":
                # ``from spasmcheck import web`` names a layer; ``import __version__`` the root
                for alias in node.names:
                    target = f"spasmcheck.{alias.name}"
                    known = layer_of(target) in RANKS and alias.name != "__version__"
                    yield node.lineno, target if known else "spasmcheck"
            elif node.module.split(".")[0] == "spasmcheck":
                yield node.lineno, node.module


def violations(source: str, target: str) -> str | None:
    """Why importing layer ``target`` from layer ``source`` is not allowed, or None."""
    if source == target:
        return None
    if RANKS[target] > RANKS[source]:
        return f"{source} must not import {target}, a layer above it"
    if RANKS[target] == RANKS[source]:
        return f"{source} and {target} sit side by side and must not import each other"
    return None


def all_modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def test_every_layer_has_a_rank() -> None:
    layers = {layer_of(module_name(path)) for path in all_modules()}
    assert layers <= set(RANKS), sorted(layers - set(RANKS))


@pytest.mark.parametrize("path", all_modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_down_the_layers(path: Path) -> None:
    source = layer_of(module_name(path))
    problems = [
        f"{path.relative_to(PACKAGE)}:{line}: imports {target}: {why}"
        for line, target in imports(path)
        if (why := violations(source, layer_of(target))) is not None
    ]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("source", "target", "allowed"),
    [
        ("web", "api", False),
        ("api", "web", False),
        ("web", "services", True),
        ("api", "services", True),
        ("services", "api", False),
        ("reasoning", "web", False),
        ("reasoning", "storage", False),
        ("export", "storage", False),
        ("knowledge", "(root)", False),
        ("server", "web", True),
        ("diary", "evaluation", False),
    ],
)
def test_the_rules_themselves(source: str, target: str, allowed: bool) -> None:
    assert (violations(source, target) is None) is allowed


def test_the_check_sees_a_wrong_way_import(tmp_path: Path) -> None:
    """The reader catches lazy and TYPE_CHECKING imports, not only the ones at the top."""
    module = tmp_path / "m.py"
    module.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from spasmcheck.web.pages import router\n"
        "def f() -> None:\n    import spasmcheck.api.errors\n"
        "from spasmcheck import __version__\n",
        encoding="utf-8",
    )
    assert sorted(imports(module)) == [
        (3, "spasmcheck.web.pages"),
        (5, "spasmcheck.api.errors"),
        (6, "spasmcheck"),
    ]


# -- typed seams: no untyped dict crosses the API, the web or the exports (issue 13) ----------
TYPED_LAYERS = ("api", "web", "export")
UNTYPED_DICT = re.compile(
    r"\b(?:dict|Dict|Mapping|MutableMapping)\[\s*str\s*,\s*(?:typing\.|t\.)?Any\s*\]"
)


def untyped_signatures(path: Path) -> Iterator[str]:
    """``line name: annotation`` for every parameter or return annotation of every function
    and method in ``path`` (nested ones too) that is a ``dict[str, Any]``, bare or inside
    another type, and for every module-level alias of one."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            a = node.args
            params = [*a.posonlyargs, *a.args, *a.kwonlyargs, a.vararg, a.kwarg]
            annotations = [(p.arg, p.annotation) for p in params if p and p.annotation]
            if node.returns is not None:
                annotations.append(("return", node.returns))
            for name, annotation in annotations:
                text = ast.unparse(annotation)
                if UNTYPED_DICT.search(text):
                    yield f"{node.lineno} {node.name}({name}): {text}"
    for statement in ast.parse(path.read_text(encoding="utf-8")).body:
        # ``Json = dict[str, Any]`` or ``Json: TypeAlias = ...`` would hide one behind a name
        is_alias = isinstance(statement, ast.AnnAssign) and "TypeAlias" in ast.unparse(
            statement.annotation
        )
        if isinstance(statement, ast.Assign) or is_alias:
            value = getattr(statement, "value", None)
            if value is not None and UNTYPED_DICT.fullmatch(ast.unparse(value).strip("'\"")):
                yield f"{statement.lineno} alias: {ast.unparse(value)}"


def typed_layer_modules() -> list[Path]:
    return [p for p in all_modules() if layer_of(module_name(p)) in TYPED_LAYERS]


@pytest.mark.parametrize("path", typed_layer_modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_untyped_dict_in_the_signatures_of_api_web_and_export(path: Path) -> None:
    """The contract is typed (spasmcheck.reasoning.public): a dict[str, Any] in a signature
    lets a renamed key through strict mypy."""
    found = list(untyped_signatures(path))
    assert not found, "\n".join(f"{path.relative_to(PACKAGE)}:{f}" for f in found)


def test_the_signature_check_sees_an_untyped_dict(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text(
        "from typing import Any, TypeAlias\n"
        "def f(x: dict[str, Any]) -> int: ...\n"
        "async def g() -> list['dict[str, Any]']: ...\n"
        "class C:\n    def h(self, *, m: Mapping[str, Any] | None = None) -> None: ...\n"
        "def ok(x: dict[str, int], y: dict[str, object]) -> Mapping[str, object]: ...\n"
        "Json = dict[str, Any]\n"
        "Json2: TypeAlias = 'dict[str, Any]'\n",
        encoding="utf-8",
    )
    assert [line.split(" ", 1)[0] for line in untyped_signatures(module)] == [
        "2",
        "3",
        "5",
        "7",
        "8",
    ]
