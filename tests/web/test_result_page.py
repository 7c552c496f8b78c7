"""The result page a person reads: the warning signs they denied, its order and its length.

Issue 14 items 8 and 9: "Warning signs you said you do not have" lists denied warning signs
only (from the description as well as from the answers), never a duration, a place or a
medicine; and a question about how long the spasms have lasted is not badged "Safety check".
"""

from __future__ import annotations

import re
from html import unescape

import pytest

from spasmcheck.reasoning.engine import Engine, default_engine
from spasmcheck.reasoning.evidence import EvidenceSet, Status
from spasmcheck.reasoning.interview import Interviewer
from spasmcheck.reasoning.public import EvidencePublic
from spasmcheck.web.pages import denied_warning_signs, is_safety_check, warning_sign_ids
from tests.api.conftest import TestClient
from tests.web.test_pages import answer_until_result, start


@pytest.fixture(scope="module")
def engine() -> Engine:
    return default_engine()


def denied_section(html: str) -> list[str]:
    match = re.search(
        r"<h3>Warning signs you said you do not have</h3>\s*<ul>(.*?)</ul>", html, re.S
    )
    return [unescape(i) for i in re.findall(r"<li>(.*?)</li>", match.group(1))] if match else []


@pytest.mark.parametrize(
    ("finding", "extra", "listed"),
    [
        ("weakness", {"origin": "text"}, True),  # denied in the description
        ("numbness", {"origin": "text"}, True),
        ("trouble_breathing", {"origin": "answer", "screening": True}, True),
        (
            "calf_swelling",
            {"origin": "answer", "screening": True, "question": "calf_swelling"},
            True,
        ),
        (
            "history_days",
            {"origin": "answer", "screening": True, "question": "history_length"},
            False,
        ),
        ("history_weeks", {"origin": "text"}, False),
        ("episode_hours", {"origin": "answer", "question": "episode_length"}, False),
        ("loc_calf", {"origin": "answer", "question": "location"}, False),
        (
            "med_new_or_changed",
            {"origin": "answer", "screening": True, "question": "med_new_or_changed"},
            False,
        ),
        ("mdma_use", {"origin": "text"}, False),
        # a history, but on the emergency screen: denied there, it is a warning sign denied
        (
            "overdose_taken",
            {"origin": "answer", "screening": True, "question": "emergency_screen"},
            True,
        ),
        ("worsening", {"origin": "answer", "screening": True, "question": "course_warning"}, True),
    ],
)
def test_only_denied_warning_signs_are_listed(
    engine: Engine, finding: str, extra: dict[str, object], listed: bool
) -> None:
    kb = engine.kb
    if finding not in kb.finding_by_id:
        pytest.skip(f"no finding {finding} in this knowledge base")
    absent = EvidencePublic.model_validate({"finding": finding, "status": "absent", **extra})
    present = absent.model_copy(update={"status": Status.PRESENT})
    name = kb.finding_by_id[finding].name
    assert denied_warning_signs(kb, [absent]) == ([name] if listed else [])
    assert denied_warning_signs(kb, [present]) == []  # a sign they have is not "denied"


def test_every_emergency_screen_option_is_a_warning_sign_and_no_duration_is(engine: Engine) -> None:
    kb = engine.kb
    signs = warning_sign_ids(kb)
    assert kb.screen is not None
    assert {o.finding for o in kb.screen.options} <= signs
    durations = {f.id for f in kb.findings if f.group in ("history_length", "episode_length")}
    assert durations and not durations & signs


def test_how_long_it_has_lasted_is_not_badged_a_safety_check(engine: Engine) -> None:
    checks = {q.id: q for q in Interviewer(engine)._self_care_checks(EvidenceSet())}
    assert checks["history_length"].screening  # asked before self-care, counted as screening
    assert not is_safety_check(checks["history_length"])
    assert is_safety_check(checks["course_warning"])  # getting worse, spreading: signs


def test_the_result_lists_signs_denied_in_the_description_and_no_durations(web: TestClient) -> None:
    text = "my calf cramps at night, I have no weakness and no numbness and no trouble breathing"
    pages = answer_until_result(web, start(web, text))
    for page in pages[:-1]:
        if "How long has this been going on?" in page:
            assert "Safety check" not in page
    denied = denied_section(pages[-1])
    for name in ("Muscle weakness", "Numbness", "Difficulty breathing", "Chest pain or pressure"):
        assert name in denied
    assert not any(name.startswith(("Going on", "Lasts", "Calf")) for name in denied), denied


def visible_sentences(html: str) -> list[str]:
    """The sentences of the page's main part, leaving out each cause's evidence lines (one
    per cause by design: "Calf: you said yes")."""
    main = html[html.find("<main") : html.find("</main>")]
    main = re.sub(r'<div class="cause-body">.*?</details>', "", main, flags=re.S)
    text = unescape(re.sub(r"<[^>]+>", "\n", re.sub(r"<input[^>]*>", "", main)))
    return [
        sentence
        for block in text.split("\n")
        for sentence in re.split(r"(?<=[.!?])\s+", block.strip())
        if len(sentence) >= 30
    ]


@pytest.mark.parametrize(
    "text",
    [
        "calf cramps at night since starting furosemide",
        "my face is drooping and my arm twitches",
        "stomach cramps after meals with bloating",
    ],
)
def test_the_result_puts_actions_first_folds_causes_and_numbers_sources(
    web: TestClient, text: str
) -> None:
    html = answer_until_result(web, start(web, text, "60"))[-1]
    # the actions come before the causes and the advice
    assert html.index('id="keep-title"') < html.index('id="causes-title"')
    assert html.index("Download report (PDF)") < html.index('id="advice"')
    # at most three causes shown; the rest folded in one <details>
    causes = html[html.index('id="causes-title"') : html.index('id="advice"')]
    first_list = causes.split('<details class="other-causes">')[0]
    assert 1 <= first_list.count('class="cause"') <= 3
    # one numbered list of sources; every reference points into it
    listed = re.findall(r'<li id="source-(\d+)">', html)
    assert listed == [str(n) for n in range(1, len(listed) + 1)]
    refs = set(re.findall(r'href="#source-(\d+)"', html))
    assert refs and refs == set(listed)
    assert "Source: " not in html  # no long title repeated after each item
    # no sentence said twice
    sentences = visible_sentences(html)
    repeated = {s for s in sentences if sentences.count(s) > 1}
    assert not repeated, repeated
