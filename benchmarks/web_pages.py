"""The web interview's pages through the whole app, walked as a browser walks them: the status,
the redirect and the SHA-256 of each page's headers and body, one line per request, so that
two source trees can be compared byte for byte (``PYTHONPATH=<tree>/src``; docs/benchmarks.md,
"fifth pass").

Each vignette's text, age and sex start an interview (``POST /interview``, then the question
page it redirects to), and every question is answered from the page itself: yes/no questions
in turn "no", "yes", "don't know", the emergency screen "none", a choice question its first
option. On the way, the second question is first sent without an answer (the page with its
problem, 422), the third is taken back ("← Previous question": the page with the answer
shown again) before it is answered, and at the fourth four old links are followed (a
repeated, a garbled, a too-large and an empty ``step``). The walk ends at the result page
or after 25 questions. The secret key is the development one, so the signed state in each
page is the same in every run.

    PYTHONPATH=/tmp/before/src .venv/bin/python benchmarks/web_pages.py /tmp/before.txt
    PYTHONPATH=/tmp/after/src .venv/bin/python benchmarks/web_pages.py /tmp/after.txt
    cmp /tmp/before.txt /tmp/after.txt
"""

from __future__ import annotations

import argparse
import hashlib
import html
import os
import re
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
MAX_PAGES = 25
STATE = re.compile(r'name="state" value="([^"]*)"')
OPTION = re.compile(r'<input type="(?:checkbox|radio)" name="answer" value="([^"]*)"')


# what the pages showed, counted for the summary line (a walk that never reaches a kind of
# page does not check it)
KINDS = {
    "question page": "question-form",
    "emergency banner": 'class="banner emergency"',
    "body map": 'class="bodymap',
    "choice question": 'class="options"',
    "yes/no question": 'class="answers yes-no"',
    "problem shown": 'class="error-summary"',
    "result page": 'id="keep-title"',
}
# an answer taken back with "← Previous question", shown chosen or ticked
AGAIN = (' chosen"', " checked>")
SEEN = dict.fromkeys([*KINDS, "answer shown again"], 0)


def line(response: Any) -> str:
    """Status, where it redirects, the headers' SHA-256 (in order) and the body's."""
    for kind, marker in KINDS.items():
        SEEN[kind] += marker in response.text
    SEEN["answer shown again"] += any(marker in response.text for marker in AGAIN)
    location = response.headers.get("location", "-")
    headers = hashlib.sha256(repr(response.headers.multi_items()).encode()).hexdigest()[:16]
    body = hashlib.sha256(response.content).hexdigest()
    return f"{response.status_code} {location} {headers} {body}"


def answer_for(page: str, number: int) -> list[str]:
    """The answer this walk gives to the question on ``page``."""
    if 'name="answer" value="yes"' in page:
        return [("no", "yes", "dont_know")[number % 3]]
    if "Emergency check" in page:
        return ["none"]
    options = OPTION.findall(page)
    return options[:1] or ["dont_know"]


def walk(client: Any, text: str, age: int | None, sex: str | None, out: list[str]) -> None:
    """One interview from its start to its result page, each response a line of ``out``."""
    form = {"text": text, "age": "" if age is None else str(age), "sex": sex or ""}
    response = client.post("/interview", data={**form, "action": "start"}, follow_redirects=False)
    out.append(line(response))
    for number in range(MAX_PAGES):
        if response.status_code != 303:
            return
        response = client.get(response.headers["location"], follow_redirects=False)
        out.append(line(response))
        found = STATE.search(response.text)
        if response.status_code != 200 or found is None or "question-form" not in response.text:
            return  # the result page, or a page without a question
        state = html.unescape(found.group(1))
        if number == 1:
            problem = client.post("/interview", data={"state": state}, follow_redirects=False)
            out.append(line(problem))
        if number == 2:
            back = client.post(
                "/interview", data={"state": state, "action": "back"}, follow_redirects=False
            )
            out.append(line(back))
            if back.status_code == 303:
                again = client.get(back.headers["location"], follow_redirects=False)
                out.append(line(again))
        if number == 3:
            # old links: a repeated step (the last counts), a garbled one, one beyond the end
            for query in ("?step=1&step=0", "?step=x9", "?step=99", "?step="):
                out.append(line(client.get(f"/interview{query}", follow_redirects=False)))
        answer = answer_for(response.text, number)
        response = client.post(
            "/interview", data={"state": state, "answer": answer}, follow_redirects=False
        )
        out.append(line(response))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("output", type=Path, help="where to write one line per request")
    parser.add_argument(
        "--vignettes", nargs="*", type=Path, default=[HERE.parent / "vignettes" / "public.yaml"]
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="spasmcheck-pages-") as tmp:
        os.environ.update(
            {
                "SPASMCHECK_ENV": "development",
                "SPASMCHECK_DATABASE_URL": f"sqlite:///{Path(tmp) / 'db.sqlite3'}",
                "SPASMCHECK_ENGINE_RATE_LIMIT": "0",
            }
        )
        os.environ.pop("SPASMCHECK_SECRET_KEY", None)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from fastapi.testclient import TestClient

        from spasmcheck.evaluation.vignettes import load_vignettes
        from spasmcheck.server import create_app

        app = create_app()
        out: list[str] = []
        with TestClient(app, base_url="http://127.0.0.1") as client:
            for path in args.vignettes:
                for v in load_vignettes(path):
                    client.cookies.clear()
                    walk(client, v.text, v.age, v.sex, out)
        args.output.write_text("".join(f"{entry}\n" for entry in out))
    seen = ", ".join(f"{kind} {count}" for kind, count in SEEN.items())
    print(f"{len(out)} requests; {seen}", file=sys.stderr)  # noqa: T201
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
