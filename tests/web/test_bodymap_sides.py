"""The body map says which side is which, and nothing on the question page is a bare "Back"
beside the app's own back button (issue 14 item 10)."""

from __future__ import annotations

import re

from spasmcheck.web.bodymap import SIDES, VIEWS, map_labels
from spasmcheck.web.templating import TEMPLATES
from tests.api.conftest import TestClient
from tests.web.test_pages import ANSWER, post, start, state_of

OPTIONS = [("loc_back", "Back"), ("loc_calf", "Calf"), ("loc_hand", "Hand or fingers")]


def render_map(options: list[tuple[str, str]]) -> str:
    source = '{% from "_bodymap.html" import body_map %}{{ body_map("answer", options) }}'
    return TEMPLATES.env.from_string(source).render(options=options)


def test_each_view_names_the_persons_right_and_left() -> None:
    html = render_map(OPTIONS)
    views = re.findall(
        r'<g class="bodymap-view" data-view="(\w+)".*?</g>\s*(?=<g class="bodymap-view"|</svg>)',
        html,
        re.S,
    )
    assert views == ["front", "back"]
    sides = re.findall(
        r'<text class="bodymap-side" x="(\d+)" y="\d+" text-anchor="\w+">(\w+)</text>', html
    )
    # front: the figure faces the viewer, so its right is on the viewer's left; back: reversed
    assert [word for _, word in sides] == ["Right", "Left", "Left", "Right"]
    assert int(sides[0][0]) < int(sides[1][0])
    assert SIDES["front"] == ("Right", "Left") and SIDES["back"] == ("Left", "Right")


def test_no_label_on_the_map_is_a_bare_back() -> None:
    html = render_map(OPTIONS)
    captions = re.findall(r'<text class="bodymap-caption"[^>]*>([^<]*)</text>', html)
    assert captions == [caption for _, caption in VIEWS] == ["Front view", "Back view"]
    chips = re.findall(r"<span>([^<]*)</span>", html)
    assert "Back" not in chips and "Back (spine and back muscles)" in chips
    assert 'data-label="Back"' not in html
    assert dict(map_labels(OPTIONS))["loc_calf"] == "Calf"  # others keep the finding's name


def test_the_location_question_has_no_bare_back_button(web: TestClient) -> None:
    html = start(web, "painful cramps and spasms")
    for _ in range(20):
        if 'data-bodymap="answer"' in html:
            break
        offered = [v for v in ANSWER.findall(html) if v != "dont_know"]
        answer = ["no"] if "no" in offered else (["none"] if "none" in offered else offered[:1])
        html = post(web, {"state": state_of(html), "answer": answer}).text
    assert 'data-bodymap="answer"' in html, "the interview did not ask where"
    assert "← Previous question</button>" in html
    assert not re.search(r">\s*(← )?Back\s*<", html)
