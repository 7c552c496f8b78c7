"""Benchmarks of the web interview (``scripts/bench``): one answered question, and the result
page, each a whole request through the app in process — state check, parse, interview step,
template — without the network. Figures are in docs/benchmarks.md."""

from __future__ import annotations

from tests.api.conftest import TestClient
from tests.web.test_pages import ANSWER, answer_until_result, post, say_no, start, state_of


def test_web_question_benchmark(benchmark, web: TestClient) -> None:  # type: ignore[no-untyped-def]
    first = start(web, "cramps in my calves at night, no weakness", "60", "female")
    data: dict[str, str | list[str]] = {"state": state_of(first), "answer": "none"}

    def answer() -> int:  # the post and the page it redirects to, as a browser does
        return post(web, data).status_code

    assert benchmark(answer) == 200


def test_web_result_benchmark(benchmark, web: TestClient) -> None:  # type: ignore[no-untyped-def]
    pages = answer_until_result(web, start(web, "calf cramps at night after running", "45"))
    before_result = pages[-2]
    offered = [v for v in ANSWER.findall(before_result) if v != "dont_know"]
    data: dict[str, str | list[str]] = {
        "state": state_of(before_result),
        "answer": say_no("", offered),
    }
    assert 'id="advice"' in post(web, data).text

    def result() -> int:
        return post(web, data).status_code

    assert benchmark(result) == 200
