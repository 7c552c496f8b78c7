"""The check in the web app: start page, interview, result, saving — through the test client.

Each test drives the forms as a browser without JavaScript would: it reads the hidden state
and the offered answers out of the returned page and posts them back.
"""

from __future__ import annotations

import random
import re
import string
from collections.abc import Callable
from html import unescape

import pytest
from fastapi import FastAPI
from httpx2 import Response  # what starlette.testclient answers with

from tests.api.conftest import TestClient, register_and_sign_in
from tests.web.conftest import web_client

STATE = re.compile(r'name="state" value="([^"]*)"')
ANSWER = re.compile(r'name="answer" value="([^"]*)"')
LEVEL = re.compile(r'class="banner [a-z]+" data-level="([a-z_0-9]+)"')


def state_of(html: str) -> str:
    match = STATE.search(html)
    assert match, "the page has no interview state"
    return unescape(match.group(1))


def question_of(html: str) -> str:
    match = re.search(r'<h1 class="question" id="question-text">(.*?)</h1>', html, re.S)
    return unescape(match.group(1)) if match else ""


def is_result(html: str) -> bool:
    return 'id="advice"' in html


Policy = Callable[[str, list[str]], list[str]]


def say_no(question: str, offered: list[str]) -> list[str]:
    """No to every yes/no question, None of these to a multiple-choice one (the emergency
    check included), the first option of a single-choice one."""
    for answer in ("no", "none"):
        if answer in offered:
            return [answer]
    return [offered[0]]


def post(web: TestClient, data: dict[str, str | list[str]]) -> Response:
    """Post an interview form and, as a browser does, follow its redirect to the next page."""
    response = web.post("/interview", data=data)
    if response.status_code == 303:
        assert response.headers["location"].startswith("/interview?step=")
        response = web.get(response.headers["location"])
    return response


def start(web: TestClient, text: str, age: str = "", sex: str = "") -> str:
    response = post(web, {"action": "start", "text": text, "age": age, "sex": sex})
    assert response.status_code == 200, response.text[:500]
    return response.text


def answer_until_result(web: TestClient, html: str, policy: Policy = say_no) -> list[str]:
    """Answer by ``policy`` until the result page; the pages seen, the result last."""
    pages = [html]
    for _ in range(30):
        if is_result(html):
            return pages
        offered = [v for v in ANSWER.findall(html) if v != "dont_know"] or ["dont_know"]
        data: dict[str, str | list[str]] = {
            "state": state_of(html),
            "answer": policy(question_of(html), offered),
        }
        response = post(web, data)
        assert response.status_code == 200, response.text[:500]
        html = response.text
        pages.append(html)
    raise AssertionError("the interview did not end within 30 answers")


def test_start_page_has_the_form_and_the_emergency_notice(web: TestClient) -> None:
    page = web.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    html = page.text
    assert '<label for="description">Describe your spasms' in html
    assert 'method="post" action="/interview"' in html
    assert "not a diagnosis" in html
    for number in ("999", "112", "911"):
        assert f'href="tel:{number}"' in html
    assert page.headers["cache-control"] == "no-store"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"text": "   "}, "Describe your spasms in a few words"),
        ({"text": "calf cramps", "age": "forty"}, "whole number of years"),
        ({"text": "calf cramps", "age": "130"}, "between 0 and 120"),
        ({"text": "calf cramps", "sex": "robot"}, "Choose female, male"),
        ({"text": "x" * 5001}, "5,000 characters or fewer"),
    ],
)
def test_bad_start_input_shows_the_form_again_with_the_problem(
    web: TestClient, fields: dict[str, str], message: str
) -> None:
    response = post(web, {"action": "start", **fields})
    assert response.status_code == 422
    assert message in response.text
    assert 'class="error-summary"' in response.text
    assert "Traceback" not in response.text


def test_a_calm_description_ends_in_self_care_advice_with_sources(web: TestClient) -> None:
    first = start(web, "I get calf cramps at night after long runs", "34", "female")
    assert question_of(first), "the interview asks at least one question"
    assert "Why are you asking this?" in first
    pages = answer_until_result(web, first)
    result = pages[-1]
    level = LEVEL.search(result)
    assert level and level.group(1) in ("self_care", "consultation")
    assert 'data-condition="' in result
    assert 'Sources: <a href="#source-1"' in result and '<li id="source-1">' in result
    assert re.search(r"about \d+ in 10", result)
    assert "This is not a diagnosis." in result
    assert not any('data-level="emergency' in page for page in pages)


def test_an_emergency_sign_in_the_description_gives_the_emergency_screen(
    web: TestClient,
) -> None:
    first = start(web, "my face is drooping and my arm went weak, with spasms")
    assert re.search(r'data-level="emergency(_ambulance)?"', first), "shown at once"
    pages = answer_until_result(web, first)
    result = pages[-1]
    assert re.search(r'data-level="emergency(_ambulance)?"', result)
    assert 'href="tel:999"' in result
    assert "What to do now" in result


def test_a_yes_to_a_safety_question_stops_the_interview_with_the_emergency_screen(
    web: TestClient,
) -> None:
    """Each safety check is tried with "yes" (the emergency check with its first sign), then
    answered "no" to go on: at least one of them is an emergency sign, and its "yes" shows
    the emergency banner on the very next page."""
    html = start(web, "cramps in my legs")
    emergencies = 0
    for _ in range(25):
        if is_result(html):
            break
        if "Safety check" in html or "Emergency check" in html:
            offered = [v for v in ANSWER.findall(html) if v not in ("dont_know", "none", "no")]
            after = post(web, {"state": state_of(html), "answer": offered[0]}).text
            level = LEVEL.search(after)
            if level is not None and level.group(1).startswith("emergency"):
                emergencies += 1
                assert "What to do now" in after
                assert 'href="tel:999"' in after
        offered = [v for v in ANSWER.findall(html) if v != "dont_know"]
        data: dict[str, str | list[str]] = {
            "state": state_of(html),
            "answer": say_no(question_of(html), offered),
        }
        html = post(web, data).text
    assert emergencies >= 1, "no safety check of this interview was an emergency sign"


def test_the_emergency_check_comes_first_with_none_of_these(web: TestClient) -> None:
    first = start(web, "calf cramps at night, no chest pain")
    assert "Emergency check" in first and 'value="none"' in first and "None of these" in first
    offered = ANSWER.findall(first)
    assert "trouble_breathing" in offered and "seizure" in offered
    assert "chest_pain" not in offered  # the description already denied it
    ticked = post(web, {"state": state_of(first), "answer": ["seizure"]}).text
    assert is_result(ticked) and 'data-level="emergency_ambulance"' in ticked
    assert "What to do now" in ticked
    none = post(web, {"state": state_of(first), "answer": "none"}).text
    assert not is_result(none) and "Emergency check" not in none
    assert 'data-level="emergency' not in none


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ([], "Tick every answer that applies, or choose None of these or Don&#39;t know."),
        (["seizure", "none"], "You ticked an answer and chose None of these"),
    ],
)
def test_an_unclear_choice_asks_again(web: TestClient, answer: list[str], message: str) -> None:
    first = start(web, "calf cramps at night")
    response = post(web, {"state": state_of(first), "answer": answer})
    assert response.status_code == 422
    assert message in response.text and "Emergency check" in response.text


def test_none_of_these_is_recorded_as_no() -> None:
    from spasmcheck.reasoning.engine import default_engine
    from spasmcheck.web.pages import InterviewState, Recorded

    engine = default_engine()
    state = InterviewState(
        "calf cramps",
        answers=[
            Recorded("emergency_screen", "multiple", True, False, ["seizure", "fainting"], "none")
        ],
    )
    statuses = {e.finding_id: e.status.value for e in state.answer_evidence()}
    assert statuses == {"seizure": "absent", "fainting": "absent"}
    assert state.evidence(engine).get("seizure").status.value == "absent"  # type: ignore[union-attr]


def test_a_negated_red_flag_does_not_alarm(web: TestClient) -> None:
    first = start(web, "calf cramps at night, no weakness, no trouble breathing, no numbness")
    pages = answer_until_result(web, first)
    assert not any('data-level="emergency' in page for page in pages)


def test_back_returns_to_the_previous_question_and_then_to_the_start(web: TestClient) -> None:
    first = start(web, "twitching eyelid for a week")
    offered = [v for v in ANSWER.findall(first) if v != "dont_know"]
    second = post(web, {"state": state_of(first), "answer": say_no("", offered)}).text
    back = post(web, {"state": state_of(second), "action": "back"}).text
    assert question_of(back) == question_of(first)
    home = post(web, {"state": state_of(back), "action": "back"}).text
    assert "twitching eyelid for a week</textarea>" in home


def test_back_reload_and_old_links_land_on_a_page(web: TestClient) -> None:
    """Issue 14: POST-redirect-GET. Reload shows the same step, the browser's Back the step
    before with its answer still chosen, an old link the latest step; no cookie, the start."""
    assert web.get("/interview").status_code == 303  # no interview yet: to the start page
    assert web.get("/interview").headers["location"] == "/"
    started = web.post("/interview", data={"action": "start", "text": "calf cramps at night"})
    assert started.status_code == 303 and started.headers["location"] == "/interview?step=0"
    assert "cramps" not in started.headers["location"]  # only a step number in the URL
    cookie = started.headers["set-cookie"]
    assert "HttpOnly" in cookie and "Path=/interview" in cookie and "samesite=lax" in cookie.lower()
    first = web.get("/interview?step=0").text
    assert "Emergency check" in first
    assert web.get("/interview?step=0").text == first  # reload: the same page
    second = post(web, {"state": state_of(first), "answer": "none"}).text
    assert question_of(second) != question_of(first)
    browser_back = web.get("/interview?step=0").text
    assert question_of(browser_back) == question_of(first)
    assert "You answered: None of these" in browser_back
    assert question_of(web.get("/interview?step=99").text) == question_of(second)
    assert question_of(web.get("/interview").text) == question_of(second)
    for garbled in ("abc", "-1", "123456789", "%00"):
        assert question_of(web.get(f"/interview?step={garbled}").text) == question_of(second)


def test_the_apps_back_keeps_the_earlier_answer(web: TestClient) -> None:
    first = start(web, "calf cramps at night")
    second = post(web, {"state": state_of(first), "answer": ["seizure", "fainting"]}).text
    assert is_result(second)  # a ticked sign ends the check
    back = post(web, {"state": state_of(second), "action": "back"}).text
    assert question_of(back) == question_of(first)
    checked = re.findall(r'value="([a-z_]+)" checked', back)
    assert checked == ["fainting", "seizure"] or sorted(checked) == ["fainting", "seizure"]


def test_a_tampered_cookie_goes_to_the_start_page(web: TestClient) -> None:
    web.cookies.set("spasmcheck_interview", "not-a-state", domain="testserver", path="/interview")
    response = web.get("/interview")
    assert response.status_code == 303 and response.headers["location"] == "/"


def test_a_state_too_long_for_a_cookie_is_shown_directly(web: TestClient) -> None:
    noise = "".join(random.Random(1).choices(string.ascii_letters, k=4800))  # incompressible
    response = web.post("/interview", data={"action": "start", "text": f"calf cramps {noise}"})
    assert response.status_code == 200 and question_of(response.text)


def test_a_missing_or_impossible_answer_asks_again(web: TestClient) -> None:
    first = start(web, "twitching eyelid for a week")
    response = post(web, {"state": state_of(first), "answer": "perhaps"})
    assert response.status_code == 422
    assert question_of(response.text) == question_of(first)
    assert "Choose" in response.text


def test_a_tampered_state_is_refused_with_a_page_not_a_traceback(web: TestClient) -> None:
    first = start(web, "calf cramps")
    state = state_of(first)
    for bad in (state[:-3] + "abc", "not-a-state"):
        response = post(web, {"state": bad, "answer": "no"})
        assert response.status_code == 400
        assert response.headers["content-type"].startswith("text/html")
        assert "start again" in response.text.lower()
    too_long = post(web, {"state": "x" * 50_000, "answer": "no"})
    assert too_long.status_code == 422  # longer than any state this server writes
    assert too_long.headers["content-type"].startswith("text/html")


def test_after_signing_in_the_waiting_result_is_saved_without_asking_again(
    web: TestClient,
) -> None:
    result = answer_until_result(web, start(web, "calf cramps at night after running"))[-1]
    web.post("/result/save", data={"state": state_of(result)})
    register_and_sign_in(web, "kai@example.org")
    cross_site = web.get("/result/save", headers={"Sec-Fetch-Site": "cross-site"})
    assert cross_site.status_code == 200 and "Save this result" in cross_site.text
    saved = web.get("/result/save", headers={"Sec-Fetch-Site": "same-origin"})
    assert saved.status_code == 303
    assert re.fullmatch(r"/assessments/\d+\?saved=1", saved.headers["location"])
    # The pending result is used once: going back saves nothing more.
    assert web.get("/result/save", headers={"Sec-Fetch-Site": "same-origin"}).status_code == 303
    assert web.get("/v1/assessments").json()["total"] == 1


def test_the_interview_never_puts_health_data_in_a_url(web: TestClient) -> None:
    first = start(web, "calf cramps at night")
    for html in answer_until_result(web, first):
        for form in re.findall(r"<form[^>]*>", html):
            if 'action="/interview"' in form or 'action="/result/save"' in form:
                assert 'method="post"' in form


def test_saving_after_signing_in_keeps_the_result_and_offers_the_report(
    app: FastAPI, web: TestClient
) -> None:
    result = answer_until_result(web, start(web, "calf cramps at night after running"))[-1]
    saved = web.post("/result/save", data={"state": state_of(result)})
    assert saved.status_code == 303
    assert saved.headers["location"] == "/signin?next=/result/save"
    signin = web.get(saved.headers["location"])
    assert "Your result is waiting" in signin.text
    user = register_and_sign_in(web, "sam@example.org")
    confirm = web.get("/result/save")  # no Sec-Fetch-Site: the browser's origin is unknown
    assert confirm.status_code == 200
    assert "calf cramps at night after running" in confirm.text
    done = web.post("/result/save", data={"state": state_of(confirm.text), "csrf_token": user.csrf})
    assert done.status_code == 303
    location = done.headers["location"]
    assert re.fullmatch(r"/assessments/\d+\?saved=1", location)
    page = web.get(location)
    assert page.status_code == 200
    assert "Download report (PDF)" in page.text
    assessment_id = location.split("/")[2].split("?")[0]
    report = web.get(f"/v1/assessments/{assessment_id}/report?format=pdf")
    assert report.status_code == 200
    assert report.content.startswith(b"%PDF")
    listed = web.get("/v1/assessments", headers=user.bearer).json()
    assert listed["total"] == 1
    assert listed["items"][0]["input"]["text"] == "calf cramps at night after running"
    with web_client(app) as other:
        register_and_sign_in(other, "other@example.org")
        assert other.get(f"/assessments/{assessment_id}").status_code == 404


def test_saving_without_the_form_token_changes_nothing(web: TestClient) -> None:
    user = register_and_sign_in(web, "sam@example.org")
    result = answer_until_result(web, start(web, "calf cramps at night"))[-1]
    refused = web.post("/result/save", data={"state": state_of(result), "csrf_token": "wrong"})
    assert refused.status_code == 403
    assert "Nothing was changed" in refused.text
    assert web.get("/v1/assessments", headers=user.bearer).json()["total"] == 0


def test_signed_out_saved_results_redirect_to_sign_in(web: TestClient) -> None:
    response = web.get("/assessments/1")
    assert response.status_code == 303
    assert response.headers["location"] == "/signin?next=/assessments/1"


def test_about_lists_the_sources(web: TestClient) -> None:
    page = web.get("/about")
    assert page.status_code == 200
    assert "Sources" in page.text
    assert "<table>" in page.text


def test_unknown_pages_and_bad_ids_are_pages_not_json(web: TestClient) -> None:
    for path in ("/no-such-page", "/assessments/0", "/assessments/99999999999999"):
        response = web.get(path)
        assert response.status_code in (303, 404, 422)
        if response.status_code != 303:
            assert response.headers["content-type"].startswith("text/html")


def test_every_triage_level_has_a_banner_style() -> None:
    from spasmcheck.knowledge.schema import TriageLevel
    from spasmcheck.web.templating import LEVEL_STYLE

    assert set(LEVEL_STYLE) == {level.value for level in TriageLevel}


@pytest.mark.parametrize(
    ("probability", "words"),
    [
        (0.0, "less than 1 in 100"),
        (0.03, "about 3 in 100"),
        (0.41, "about 4 in 10"),
        (0.999, "more than 9 in 10"),
        (0.096, "about 1 in 10"),
    ],
)
def test_probabilities_in_plain_words(probability: float, words: str) -> None:
    from spasmcheck.reasoning.chance import chance_words
    from spasmcheck.web.templating import TEMPLATES

    assert chance_words(probability) == words
    # the page uses the one shared wording, not a copy of it
    assert TEMPLATES.env.filters["in_ten"] is chance_words


def test_face_drooping_shows_the_stroke_first_and_no_self_care_advice(web: TestClient) -> None:
    """Issue 11: the banner says call an ambulance, so the causes shown first explain it,
    the eyelid twitch folds under "Other possibilities", and no lid-twitch self-care
    ("wait for it to pass") or save/report prompt comes before "What to do now"."""
    text = "one side of my face has drooped and my eyelid keeps twitching"
    html = answer_until_result(web, start(web, text, age="70", sex="male"))[-1]
    assert LEVEL.search(html) and LEVEL.search(html).group(1) == "emergency_ambulance"  # type: ignore[union-attr]
    causes = re.findall(r'<li class="cause" data-condition="([a-z_0-9]+)"', html)
    assert causes[0] == "stroke"
    explaining, found, others = html.partition("Other possibilities")
    assert found and 'data-condition="eyelid_myokymia"' not in explaining
    assert 'class="cause" data-condition=' in others
    assert "wait for it to pass" not in html
    assert "lid flicker is harmless" not in html
    do_now = html.index("What to do now")
    for prompt in ("Save to my account", "Download report", "Saved to your account"):
        assert prompt not in html[:do_now]


def test_a_signed_in_person_goes_through_the_interview_with_their_header(
    web: TestClient,
) -> None:
    register_and_sign_in(web, "sam@example.org")
    first = start(web, "calf cramps at night")
    assert "Sign out" in first
    pages = answer_until_result(web, first)
    assert "Sign out" in pages[-1]
    assert "You will be asked to sign in" not in pages[-1]


def test_pages_carry_security_headers_and_no_inline_scripts(web: TestClient) -> None:
    for path in ("/", "/signup", "/signin", "/about", "/no-such-page"):
        response = web.get(path)
        csp = response.headers["content-security-policy"]
        assert "script-src 'self'" in csp
        assert "frame-ancestors 'none'" in csp
        assert response.headers["x-content-type-options"] == "nosniff"
        # script-src 'self' forbids inline scripts: every <script> must load a file
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", response.text), path
    api = web.get("/v1/info")
    assert api.headers["x-content-type-options"] == "nosniff"
    assert "content-security-policy" not in api.headers


def test_a_state_naming_a_finding_the_knowledge_base_lacks_asks_to_start_again(
    app: FastAPI, web: TestClient
) -> None:
    """An interview begun before a knowledge-base update that removed a finding."""
    from spasmcheck.web.pages import InterviewState, Recorded

    old = InterviewState(
        "calf cramps", None, None, [Recorded("gone_finding", "yes_no", False, False, [], "yes")]
    )
    state = old.dump(app.state.settings)
    response = post(web, {"state": state, "answer": "no"})
    assert response.status_code == 400
    assert "start again" in response.text.lower()
    saved = web.post("/result/save", data={"state": state})
    assert saved.status_code == 400


def test_an_unsaved_result_downloads_its_report_without_an_account(
    app: FastAPI, web: TestClient
) -> None:
    result = answer_until_result(web, start(web, "calf cramps at night after running", "50"))[-1]
    assert 'action="/result/report"' in result
    state = state_of(result)
    pdf = web.post("/result/report", data={"state": state, "format": "pdf"})
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    fhir = web.post("/result/report", data={"state": state, "format": "fhir"})
    assert fhir.headers["content-type"].startswith("application/fhir+json")
    bundle = fhir.json()
    assert bundle["resourceType"] == "Bundle"
    assert any(e["resource"]["resourceType"] == "RiskAssessment" for e in bundle["entry"])
    assert web.post("/result/report", data={"state": state, "format": "docx"}).status_code == 422
    assert web.post("/result/report", data={"state": "forged", "format": "pdf"}).status_code == 400
    from sqlalchemy import func, select

    from spasmcheck.storage.models import Assessment

    with app.state.session_factory() as session:  # nothing was stored
        assert session.scalar(select(func.count()).select_from(Assessment)) == 0


def test_a_description_with_nothing_readable_says_so_before_asking(web: TestClient) -> None:
    response = post(web, {"action": "start", "text": "my zorblat is flimflam", "age": "40"})
    assert response.status_code == 200
    html = response.text
    assert "We could not read your description" in html
    assert "“my zorblat is flimflam”" in html
    assert "my zorblat is flimflam</textarea>" in html  # what they typed is kept
    assert 'value="start_anyway"' in html
    assert question_of(html) == ""
    carried_on = post(
        web, {"action": "start_anyway", "text": "my zorblat is flimflam", "age": "40"}
    )
    assert question_of(carried_on.text), "carrying on starts the questions"


def test_the_result_names_what_it_could_not_read_and_offers_to_rephrase(
    web: TestClient,
) -> None:
    text = "I get calf cramps at night after long runs and my zorblat is flimflam"
    pages = answer_until_result(web, start(web, text, "34", "female"))
    result = pages[-1]
    assert "We could not read" in result
    assert "“my zorblat is flimflam”" in result
    again = web.post("/interview", data={"state": state_of(result), "action": "rephrase"})
    assert again.status_code == 200
    assert f"{text}</textarea>" in again.text


def test_a_result_from_nothing_readable_says_so_under_the_banner(web: TestClient) -> None:
    """Usability walkthrough C5: a description the app could not read, then "Don't know" to
    every question, gave advice whose only sign that nothing was understood sat at the very
    bottom. It now comes right under the banner, saying the result rests on the answers."""
    started = post(web, {"action": "start_anyway", "text": "my zorblat is flimflam", "age": "40"})
    result = answer_until_result(web, started.text)[-1]
    assert "We could not read your description" in result
    assert result.index("We could not read your description") < result.index('id="keep-title"')
    assert "rests only on your answers" in result
    assert result.count('id="unread-title"') == 1
