"""``python -m spasmcheck``."""

from spasmcheck.cli.main import main

main()
