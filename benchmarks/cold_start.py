"""Cold start: run a command 10 times after one warm-up run and print the medians of the wall
clock (``time.perf_counter`` around ``subprocess.run``) and of the child's CPU time (user +
sys, from ``getrusage``), issue 16 item 8. On a shared machine the CPU time is the steadier
figure. docs/benchmarks.md, "Cold start".

    .venv/bin/python benchmarks/cold_start.py \
        .venv/bin/python -m spasmcheck assess --text "calf cramps at night"
"""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import time


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)  # noqa: T201
        return 2
    runs = 10
    subprocess.run(argv, capture_output=True, check=True)  # warm-up: the build cache is filled
    wall: list[float] = []
    cpu: list[float] = []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(argv, capture_output=True, check=True)
        wall.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    print(  # noqa: T201
        f"{runs} runs: wall median {statistics.median(wall):.3f} s (min {min(wall):.3f}), "
        f"CPU median {statistics.median(cpu):.3f} s (min {min(cpu):.3f})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
