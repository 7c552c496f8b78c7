"""What a cold ``spasmcheck assess`` loads (issue 16 item 8): with the build cache warm, no
validator of the knowledge base or the policy files is built, and nothing of the server, the
database, the templates or the export stack is imported."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

# Run ``spasmcheck assess`` in this process's place and report what it loaded, on stderr.
PROBE = """
import json, sys
from spasmcheck.cli.main import main
try:
    main(["assess", "--text", "calf cramps at night", "--json"])
except SystemExit:
    pass
from spasmcheck.knowledge import policy, schema
models = [schema.ConditionFile, schema.FindingFile, schema.RedFlagFile, schema.Condition,
          *policy.POLICY_FILES.values()]
print(json.dumps({"modules": sorted(sys.modules),
                  "built": [m.__name__ for m in models if m.__pydantic_complete__]}),
      file=sys.stderr)
"""

NOT_FOR_ASSESS = (
    "fastapi",
    "starlette",
    "uvicorn",
    "sqlalchemy",
    "jinja2",
    "scipy",
    "statsmodels",
    "rapidfuzz",
    "wordllama",
    "reportlab",
    "matplotlib",
    "spasmcheck.api",
    "spasmcheck.web",
    "spasmcheck.export",
    "spasmcheck.storage",
    "spasmcheck.services",
    "spasmcheck.evaluation",
    "spasmcheck.reasoning.interview",
)


def _probe(cache: Path) -> dict[str, list[str]]:
    env = {**os.environ, "SPASMCHECK_CACHE_DIR": str(cache)}
    env.pop("SPASMCHECK_NO_CACHE", None)
    done = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True
    )
    result: dict[str, list[str]] = json.loads(done.stderr.strip().splitlines()[-1])
    return result


def test_a_cached_assess_builds_no_validator_and_imports_only_the_engine(tmp_path: Path) -> None:
    first = _probe(tmp_path)  # builds and fills the cache: everything is validated
    assert "ConditionFile" in first["built"]
    second = _probe(tmp_path)
    assert second["built"] == []
    loaded = [
        m for m in second["modules"] if any(m == p or m.startswith(f"{p}.") for p in NOT_FOR_ASSESS)
    ]
    assert loaded == []
