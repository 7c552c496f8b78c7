"""Cold start: run a command N times (10) after one warm-up run and print the medians of the
wall clock (``time.perf_counter`` around ``subprocess.run``) and of the child's CPU time (user +
sys, from ``getrusage``), with the load average before and after, issue 16 item 8. On a shared
machine the CPU time is the steadier figure. docs/benchmarks.md, "Cold start".

    .venv/bin/python benchmarks/cold_start.py \\
        .venv/bin/spasmcheck assess --text "calf cramps at night"

To compare snapshots of the code in the same period, give each a name and a ``git worktree``;
the runs then alternate between them (before, after, before, after...), each with the worktree's
``src`` first on ``PYTHONPATH`` and its own warm build cache:

    .venv/bin/python benchmarks/cold_start.py --runs 12 \\
        --variant before=/tmp/wt-before --variant after=/tmp/wt-after -- \\
        .venv/bin/python -m spasmcheck assess --text "calf cramps at night"
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Variant:
    name: str
    env: dict[str, str]
    cwd: str | None = None
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    def run(self, argv: list[str]) -> None:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(argv, capture_output=True, check=True, env=self.env, cwd=self.cwd)
        self.wall.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)

    def report(self) -> str:
        return (
            f"{self.name}: {len(self.wall)} runs: wall median {statistics.median(self.wall):.3f} s "
            f"(min {min(self.wall):.3f}), CPU median {statistics.median(self.cpu):.3f} s "
            f"(min {min(self.cpu):.3f})"
        )


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def main(args: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--variant", action="append", default=[], metavar="NAME=WORKTREE")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    options = parser.parse_args(args)
    argv = [a for a in options.command if a != "--"] if options.command else []
    if not argv:
        print(__doc__)  # noqa: T201
        return 2
    caches = tempfile.TemporaryDirectory(prefix="cold-start-")
    variants: list[Variant] = []
    for spec in options.variant:
        name, _, folder = spec.partition("=")
        tree = Path(folder).resolve()
        env = {
            **os.environ,
            "PYTHONPATH": str(tree / "src"),
            "SPASMCHECK_CACHE_DIR": str(Path(caches.name) / name),
        }
        env.pop("SPASMCHECK_NO_CACHE", None)
        variants.append(Variant(name, env, str(tree)))
    if not variants:
        variants.append(Variant("command", dict(os.environ)))
    if options.variant:  # the command's own paths are the caller's, the code the worktree's
        argv = [os.path.abspath(a) if a.startswith(".venv/") else a for a in argv]
    load_before = _load()
    for variant in variants:
        subprocess.run(argv, capture_output=True, check=True, env=variant.env, cwd=variant.cwd)
    for _ in range(options.runs):
        for variant in variants:
            variant.run(argv)
    print(f"load average before {load_before}, after {_load()}")  # noqa: T201
    for variant in variants:
        print(variant.report())  # noqa: T201
    caches.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
