"""Names of a package imported on first use (PEP 562), for ``spasmcheck`` and its layers.

A package's ``__init__`` lists where each public name lives; importing the package then loads
nothing else, so a start that needs one module (the command line reading its build cache,
issue 16 item 8) does not pay for all of them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, MutableMapping, Sequence
from importlib import import_module
from typing import Any


def lazy_names(
    package: str,
    namespace: MutableMapping[str, Any],
    homes: Mapping[str, str],
    public: Sequence[str],
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The ``__getattr__`` and ``__dir__`` of ``package``, whose names live in ``homes``.

    A name is imported from its home module on first use and kept in the package's
    ``namespace`` (its ``globals()``), so the next use is an ordinary lookup.
    """

    def getattr_(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(home), name)
        namespace[name] = value
        return value

    def dir_() -> list[str]:
        return sorted({*namespace, *public})

    return getattr_, dir_
