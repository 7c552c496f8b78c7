"""Find reading faults on the development half of the real-world corpus, without reading
the cases one by one (docs/language.md, "Run-on sentences, whose sign it is, and a
clause's end").

Usage: .venv/bin/python scripts/reading_faults.py interference|unread [PATH]

* ``interference``: each text is parsed whole and then one sentence at a time; a warning
  sign (a finding of an emergency red-flag rule) read from a sentence alone but not present
  when the whole text is parsed is one part of the text spoiling another. Prints one line
  per such sign: the case, the finding, the words and the sentence.
* ``unread``: the fragments of each text that no finding read (``not_understood``) and that
  hold a word of a warning sign ("breath", "talk", "see", "faint"...): the words people
  use that nothing reads. Prints the fragments, then the count per word.

PATH defaults to ``vignettes/realworld``; only its development half is read
(``spasmcheck.evaluation.corpus.select_half``): the sealed half is never listed.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

from spasmcheck.evaluation.corpus import select_half
from spasmcheck.evaluation.vignettes import Vignette, load_vignettes
from spasmcheck.reasoning.engine import Engine, default_engine

ROOT = Path(__file__).resolve().parent.parent
SENTENCE = re.compile(r"(?<=[.!?])\s+")
SIGN_WORDS = re.compile(
    r"\b(breath\w*|swallow\w*|speech|talk\w*|words?|see|sight|vision|blind|faint\w*|"
    r"passed out|collaps\w*|seiz\w*|fits?|confus\w*|drows\w*|numb\w*|weak\w*|paraly\w*|"
    r"chest|vomit\w*|blood\w*|bleed\w*|unconscious|respond\w*|wake|woke|blue|grey|floppy|"
    r"limp|rash)\b",
    re.IGNORECASE,
)


def warning_signs(engine: Engine) -> frozenset[str]:
    """The findings of the emergency red-flag rules."""
    return frozenset(
        f for rule in engine.kb.red_flags if rule.level.is_emergency for f in rule.finding_ids
    )


def present(engine: Engine, text: str) -> dict[str, str]:
    """Finding → the words it was read from, for the findings read as present."""
    return {
        e.finding_id: e.text or "" for e in engine.parse(text)[1] if e.status.value == "present"
    }


def interference(engine: Engine, vignette: Vignette) -> list[tuple[str, str, str]]:
    """(finding, words, sentence) for each warning sign a sentence alone gives but the whole
    text does not."""
    signs = warning_signs(engine)
    whole = present(engine, vignette.text)
    lost = []
    for sentence in SENTENCE.split(vignette.text):
        if sentence.strip() and sentence.strip() != vignette.text.strip():
            for finding, words in present(engine, sentence).items():
                if finding in signs and finding not in whole:
                    lost.append((finding, words, sentence))
    return lost


def unread(engine: Engine, vignette: Vignette) -> list[tuple[str, str]]:
    """(word, fragment) for each warning-sign word in a fragment nothing read."""
    result = engine.assess(vignette.text, vignette.age, vignette.sex)
    return [
        (match.group(1).lower(), fragment)
        for fragment in result.not_understood
        for match in SIGN_WORDS.finditer(fragment)
    ]


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("interference", "unread"):
        usage = next(line for line in __doc__.splitlines() if line.startswith("Usage:"))
        print(usage, file=sys.stderr)
        return 2
    path = Path(argv[1]) if len(argv) > 1 else ROOT / "vignettes" / "realworld"
    engine = default_engine()
    counts: Counter[str] = Counter()
    for vignette in select_half(load_vignettes(path), "dev"):
        if argv[0] == "interference":
            for finding, words, sentence in interference(engine, vignette):
                counts[finding] += 1
                print(f"{vignette.id} | {finding} <- {words!r} | {sentence[:160]}")
        else:
            for word, fragment in unread(engine, vignette):
                counts[word] += 1
                print(f"{vignette.id} | {fragment[:160]}")
    print(sum(counts.values()), counts.most_common(20))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
