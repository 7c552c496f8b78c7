"""Bounded memory: send unique random words through the parser and record the RSS (issue 16
item 4).

Every word is new, so every table the language layer fills as it reads (stems, typo
corrections, canonical forms, the semantic fallback's embeddings) is pushed to its limit; the
resident set must stop growing once they are full. Two modes:

- in process (the default): ``TextParser.parse`` plus ``not_understood``, as ``/v1/parse``
  does, on the packaged engine; the RSS is this process's;
- ``--url http://127.0.0.1:8000 --pid <server pid>``: the same texts as ``POST /v1/parse`` to a
  running server, one connection, and the RSS of the server process.

The words are lowercase letters, 7 to 12 long, different by construction (nothing remembers
them), ``--words`` of them (500,000 by default), ``--per-text`` to a description
("my <w> <w> ... hurts").
Prints one CSV line per ``--every`` words (words sent, RSS in MB, seconds) and a verdict:
the spread of the RSS after the first ``--warmup`` words, against its first value there.

    .venv/bin/python benchmarks/memory_words.py --words 500000
"""

from __future__ import annotations

import argparse
import json
import random
import string
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path


def rss_mb(pid: int | str = "self") -> float:
    """The resident set of a process, from /proc (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc status")


# i → i × MULTIPLIER mod 26⁷ is one-to-one (the multiplier is prime to 2 and 13), so the
# first seven letters are unique without remembering the words already sent: the benchmark's
# own memory stays flat.
MULTIPLIER = 2654435761
SPACE = 26**7


def unique_words(n: int, seed: int) -> Iterator[str]:
    """``n`` different words: seven letters unique by construction, then 0 to 5 random ones."""
    if n > SPACE:
        raise ValueError(f"at most {SPACE} unique words")
    rng = random.Random(seed)
    letters = string.ascii_lowercase
    for i in range(n):
        x = (i * MULTIPLIER + seed) % SPACE
        head = []
        for _ in range(7):
            x, digit = divmod(x, 26)
            head.append(letters[digit])
        yield "".join(head) + "".join(rng.choices(letters, k=rng.randint(0, 5)))


def in_process() -> Callable[[str], None]:
    from spasmcheck.reasoning.engine import default_engine

    engine = default_engine()

    def send(text: str) -> None:
        mentions, _ = engine.parse(text)
        engine.parser.not_understood(text, mentions)

    return send


def over_http(url: str) -> Callable[[str], None]:
    endpoint = url.rstrip("/") + "/v1/parse"

    def send(text: str) -> None:
        body = json.dumps({"text": text}).encode()
        request = urllib.request.Request(
            endpoint, body, headers={"content-type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()

    return send


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--words", type=int, default=500_000)
    parser.add_argument("--per-text", type=int, default=8)
    parser.add_argument("--every", type=int, default=25_000)
    parser.add_argument("--warmup", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--url", help="a running server; needs --pid")
    parser.add_argument("--pid", help="the server's process id, for its RSS")
    args = parser.parse_args(argv)
    if args.url and not args.pid:
        parser.error("--url needs --pid (the server process whose RSS is recorded)")
    send = over_http(args.url) if args.url else in_process()
    pid = args.pid or "self"
    send("my calves cramp at night")  # load everything a first parse loads
    start = time.perf_counter()
    samples: list[tuple[int, float]] = [(0, rss_mb(pid))]
    print("words,rss_mb,seconds")  # noqa: T201
    print(f"0,{samples[0][1]:.1f},0.0")  # noqa: T201
    batch: list[str] = []
    for count, word in enumerate(unique_words(args.words, args.seed), start=1):
        batch.append(word)
        if len(batch) == args.per_text:
            send(f"my {' '.join(batch)} hurts")
            batch.clear()
        if count % args.every == 0:
            samples.append((count, rss_mb(pid)))
            print(f"{count},{samples[-1][1]:.1f},{time.perf_counter() - start:.1f}")  # noqa: T201
            sys.stdout.flush()
    after = [rss for words, rss in samples if words >= args.warmup]
    if after:
        spread = (max(after) - min(after)) / after[0]
        verdict = "flat" if spread <= 0.10 else "NOT flat"
        print(  # noqa: T201
            f"# after {args.warmup} words: {min(after):.1f}-{max(after):.1f} MB, "
            f"spread {spread:.1%} of {after[0]:.1f} MB: {verdict} (limit 10 %)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
