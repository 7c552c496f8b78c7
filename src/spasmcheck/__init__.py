"""spasmcheck: decision support for muscle spasms. Not a diagnosis."""

__version__ = "0.1.0"
