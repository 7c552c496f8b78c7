"""Names of a package imported on first use (PEP 562), for ``spasmcheck`` and its layers, and
a package's files without ``importlib.resources`` when the package is a folder.

A package's ``__init__`` lists where each public name lives; importing the package then loads
nothing else, so a start that needs one module (the command line reading its build cache,
issue 16 item 8) does not pay for all of them.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, MutableMapping, Sequence
from importlib import import_module
from importlib.machinery import SourceFileLoader, SourcelessFileLoader
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable


def package_files(package: str) -> Traversable:
    """``importlib.resources.files(package)``: for a package that is a folder on disk, the
    same ``pathlib.Path`` that function gives, found without importing
    ``importlib.resources`` (which imports ``tempfile``, ``shutil``, ``zipfile`` and more:
    about 7 ms of a cold ``spasmcheck assess``, issue 16 item 8); anything else (a zip, a
    namespace package) through ``importlib.resources``."""
    module = sys.modules.get(package) or import_module(package)
    spec = module.__spec__
    where = getattr(module, "__file__", None)
    if (
        spec is not None
        and isinstance(spec.loader, SourceFileLoader | SourcelessFileLoader)
        and spec.submodule_search_locations is not None
        and where
    ):
        folder = Path(where).parent
        if folder.is_dir():
            return folder
    from importlib import resources

    return resources.files(package)


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
