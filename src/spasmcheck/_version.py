"""The package's version, in a module that imports nothing, so any layer can read it without
importing the package's public API (and the engine) first."""

__version__ = "0.1.0"
