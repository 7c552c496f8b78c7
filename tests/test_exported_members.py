"""The public API is exactly what ``spasmcheck.__all__`` says (after httpx)."""

import spasmcheck


def test_all_exports_exist() -> None:
    for name in spasmcheck.__all__:
        assert hasattr(spasmcheck, name), name


def test_all_is_complete() -> None:
    public = {name for name in dir(spasmcheck) if not name.startswith("_")}
    modules = {
        "cli",
        "knowledge",
        "language",
        "reasoning",
        "evaluation",
        "diary",
        "storage",
        "api",
        "config",
        "export",
        "web",
        "server",
        "services",
    }
    assert public - modules == set(spasmcheck.__all__) - {"__version__"}
