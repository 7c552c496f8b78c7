"""Command-line interface (``spasmcheck``)."""

from spasmcheck.cli.main import app, main

__all__ = ["app", "main"]
