"""Command-line interface (``spasmcheck``)."""

from typing import Any

from spasmcheck.cli.main import main

__all__ = ["app", "main"]


def __getattr__(name: str) -> Any:
    """``app``, the typer application, imported on first use: the plainest ``spasmcheck
    assess`` never imports typer (:mod:`spasmcheck.cli.main`)."""
    if name == "app":
        from spasmcheck.cli.commands import app

        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
