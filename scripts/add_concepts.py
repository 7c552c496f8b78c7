"""Write concepts and denials into the findings YAML (a maintenance helper, run by hand).

Usage: scripts/add_concepts.py DATA.py — DATA.py defines CONCEPTS and DENIALS, each
{finding_id: [[group, ...], ...]}. Each finding's `concepts:` / `denials:` block is put (or
replaced) right after its synonyms block, so the YAML files keep their hand-written layout
and comments.
"""

import json
import runpy
import sys
from pathlib import Path

FOLDER = Path(__file__).resolve().parent.parent / "src/spasmcheck/knowledge/data/findings"


def main() -> None:
    data = runpy.run_path(sys.argv[1])
    for key in ("denials", "concepts"):
        write(key, data[key.upper()])


def write(key: str, concepts: dict[str, list[list[str]]]) -> None:
    remaining = dict(concepts)
    for path in sorted(FOLDER.glob("*.yaml")):
        lines = path.read_text(encoding="utf-8").splitlines()
        out: list[str] = []
        current = None
        i = 0
        while i < len(lines):
            line = lines[i]
            if line.startswith("  - id: "):
                current = line.split(":", 1)[1].strip()
            if line.startswith(f"    {key}:") and current in concepts:
                i += 1
                while i < len(lines) and lines[i].startswith("      - ["):
                    i += 1
                continue
            out.append(line)
            if line.startswith("    synonyms:") and current in remaining:
                while (
                    i + 1 < len(lines)
                    and lines[i + 1].startswith("      ")
                    and not lines[i + 1].startswith("      - [")
                ):
                    i += 1
                    out.append(lines[i])
                groups = remaining.pop(current)
                out.append(f"    {key}:")
                out.extend(f"      - {json.dumps(g, ensure_ascii=False)}" for g in groups)
            i += 1
        path.write_text("\n".join(out) + "\n", encoding="utf-8")
    if remaining:
        sys.exit(f"unknown findings: {', '.join(remaining)}")


if __name__ == "__main__":
    main()
