"""The body map: a place for every spatial location finding, real inputs, escaped labels."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from html.parser import HTMLParser

import pytest

from spasmcheck.knowledge.loader import KnowledgeBase
from spasmcheck.knowledge.schema import FindingKind
from spasmcheck.web.bodymap import (
    NON_SPATIAL,
    REGIONS,
    VIEW_HEIGHT,
    VIEW_WIDTH,
    body_map_views,
    location_options,
    map_labels,
)
from spasmcheck.web.templating import STATIC_DIR, TEMPLATES

MACRO = '{% from "_bodymap.html" import body_map %}'


@dataclass
class Element:
    tag: str
    attrs: dict[str, str | None]
    parents: tuple[str, ...]
    text: str = ""


class Page(HTMLParser):
    """Every element with its attributes, its ancestors' tags and (for spans) its text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.stack: list[Element] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, dict(attrs), tuple(e.tag for e in self.stack))
        self.elements.append(element)
        if tag not in {"input", "path", "rect"}:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append(Element(tag, dict(attrs), tuple(e.tag for e in self.stack)))

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            if self.stack.pop().tag == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.stack:
            self.stack[-1].text += data

    def find(self, tag: str, **attrs: str) -> list[Element]:
        return [
            e
            for e in self.elements
            if e.tag == tag
            and all(e.attrs.get(k.rstrip("_").replace("_", "-")) == v for k, v in attrs.items())
        ]

    def region_values(self) -> list[str]:
        return [str(e.attrs["data-value"]) for e in self.elements if "data-value" in e.attrs]


def render(source: str, **context: object) -> str:
    return TEMPLATES.env.from_string(MACRO + source).render(**context)


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    return page


def body_map(options: Sequence[tuple[str, str]], **kwargs: object) -> Page:
    return parse(
        render("{{ body_map('locations', options, **kwargs) }}", options=options, kwargs=kwargs)
    )


def location_ids(kb: KnowledgeBase) -> list[str]:
    return [f.id for f in kb.findings if f.kind is FindingKind.LOCATION]


# -- the regions match the knowledge base --------------------------------------------------------
def test_every_location_finding_has_a_region_or_is_listed_as_non_spatial(kb: KnowledgeBase) -> None:
    missing = [fid for fid in location_ids(kb) if fid not in REGIONS and fid not in NON_SPATIAL]
    assert missing == [], "give these a shape in REGIONS or list them in NON_SPATIAL"


def test_regions_and_non_spatial_ids_are_location_findings_of_the_knowledge_base(
    kb: KnowledgeBase,
) -> None:
    known = set(location_ids(kb))
    assert set(REGIONS) <= known
    assert set(NON_SPATIAL) <= known
    assert not set(REGIONS) & set(NON_SPATIAL)


@pytest.mark.parametrize("finding_id", sorted(REGIONS))
def test_each_region_has_shapes_inside_its_view(finding_id: str) -> None:
    shapes = REGIONS[finding_id]
    assert shapes
    for view, d in shapes:
        assert view in {"front", "back"}
        assert d.startswith("M") and d.endswith("Z")
        xs = [float(x) for x, _ in re.findall(r"(-?[\d.]+),(-?[\d.]+)", d)]
        ys = [float(y) for _, y in re.findall(r"(-?[\d.]+),(-?[\d.]+)", d)]
        assert all(0 <= x <= VIEW_WIDTH for x in xs)
        assert all(0 <= y <= VIEW_HEIGHT for y in ys)


@pytest.mark.parametrize(
    ("finding_id", "views"),
    [
        ("loc_calf", {"back"}),
        ("loc_back", {"back"}),
        ("loc_flank", {"back"}),
        ("loc_neck", {"back"}),
        ("loc_chest", {"front"}),
        ("loc_throat", {"front"}),
        ("loc_eyelid", {"front"}),
        ("loc_arm", {"front", "back"}),
        ("loc_foot", {"front", "back"}),
    ],
)
def test_regions_sit_on_the_view_where_the_place_is_seen(finding_id: str, views: set[str]) -> None:
    assert {view for view, _ in REGIONS[finding_id]} == views


def test_both_limbs_map_to_one_id() -> None:
    for limb in ("loc_arm", "loc_hand", "loc_thigh", "loc_foot"):
        assert len(REGIONS[limb]) == 4  # left and right, front and back
    assert len(REGIONS["loc_calf"]) == 2


# -- location_options ----------------------------------------------------------------------------
def test_location_options_go_head_to_toe_then_the_places_without_a_region(
    kb: KnowledgeBase,
) -> None:
    options = location_options(kb)
    ids = [fid for fid, _ in options]
    assert sorted(ids) == sorted(location_ids(kb))
    spatial = [fid for fid in ids if fid in REGIONS]
    assert ids[: len(spatial)] == spatial == list(REGIONS)
    assert set(ids[len(spatial) :]) == set(NON_SPATIAL)
    assert ids.index("loc_face") < ids.index("loc_chest") < ids.index("loc_thigh")
    assert ids.index("loc_thigh") < ids.index("loc_calf") < ids.index("loc_foot")
    assert dict(options)["loc_calf"] == kb.finding_by_id["loc_calf"].name


def test_views_hold_only_the_options_given() -> None:
    views = body_map_views([("loc_calf", "Calf"), ("one_sided", "One side")])
    assert [v.name for v in views] == ["front", "back"]
    assert [r.value for r in views[0].regions] == []
    assert [(r.value, r.label) for r in views[1].regions] == [("loc_calf", "Calf")]
    assert body_map_views([("one_sided", "One side"), ("loc_unknown", "Somewhere")]) == []


# -- the macro -----------------------------------------------------------------------------------
def test_every_option_is_a_labelled_checkbox_and_the_chosen_ones_are_checked(
    kb: KnowledgeBase,
) -> None:
    options = location_options(kb)
    chosen = ["loc_calf", "loc_widespread"]
    page = body_map(options, selected=chosen, legend="Where was it?", hint="Tick all that apply.")
    inputs = page.find("input")
    assert [(i.attrs["name"], i.attrs["value"]) for i in inputs] == [
        ("locations", fid) for fid, _ in options
    ]
    assert {i.attrs["type"] for i in inputs} == {"checkbox"}
    assert [i.attrs["value"] for i in inputs if "checked" in i.attrs] == chosen
    assert all(i.parents[-1] == "label" for i in inputs)
    labels = [s.text for s in page.find("span") if s.parents[-1] == "label"]
    assert labels == [name for _, name in map_labels(options)]  # "Back" made unmistakable
    (legend,) = page.find("legend")
    assert legend.text == "Where was it?"
    (fieldset,) = page.find("fieldset")
    (hint,) = page.find("p", id=str(fieldset.attrs["aria-describedby"]))
    assert hint.text == "Tick all that apply."


def test_the_svg_is_decoration_until_the_script_makes_it_a_control(kb: KnowledgeBase) -> None:
    page = body_map(location_options(kb), selected=["loc_calf"])
    (svg,) = page.find("svg")
    assert svg.attrs["aria-hidden"] == "true"
    assert svg.attrs["class"] == "bodymap-svg"
    assert sorted(set(page.region_values())) == sorted(REGIONS)
    assert not [e for e in page.elements if "tabindex" in e.attrs or "role" in e.attrs]
    selected = page.find("g", class_="bodymap-region is-selected")
    assert {e.attrs["data-value"] for e in selected} == {"loc_calf"}


def test_regions_only_for_the_options_given_and_no_svg_without_any() -> None:
    options = [("loc_calf", "Calf"), ("loc_jaw", "Jaw"), ("one_sided", "One side"), ("x", "X")]
    page = body_map(options)
    assert sorted(set(page.region_values())) == ["loc_calf", "loc_jaw"]
    assert [i.attrs["value"] for i in page.find("input")] == [
        "loc_calf",
        "loc_jaw",
        "one_sided",
        "x",
    ]

    only_words = body_map([("one_sided", "One side"), ("loc_widespread", "All over")])
    assert not only_words.find("svg")
    assert len(only_words.find("input")) == 2


def test_single_choice_uses_radios(kb: KnowledgeBase) -> None:
    page = body_map(location_options(kb), selected=["loc_back"], multiple=False)
    inputs = page.find("input")
    assert {i.attrs["type"] for i in inputs} == {"radio"}
    assert [i.attrs["value"] for i in inputs if "checked" in i.attrs] == ["loc_back"]
    (svg,) = page.find("svg")
    assert svg.attrs["data-multiple"] == "false"


def test_two_maps_on_one_page_do_not_share_ids(kb: KnowledgeBase) -> None:
    html = render(
        "{{ body_map('locations', options) }}{{ body_map('answer', options, hint='h') }}",
        options=location_options(kb),
    )
    page = parse(html)
    ids = [str(e.attrs["id"]) for e in page.elements if "id" in e.attrs]
    assert len(ids) == len(set(ids))
    fills = {e.attrs["fill"] for e in page.elements if e.attrs.get("class") == "bodymap-hatch"}
    assert fills == {"url(#bodymap-locations-hatch)", "url(#bodymap-answer-hatch)"}
    assert {f"bodymap-{name}-hatch" for name in ("locations", "answer")} <= set(ids)


def test_labels_legend_and_hint_are_escaped() -> None:
    evil = '<script>alert("x")</script>'
    html = render(
        "{{ body_map(name, options, legend=evil, hint=evil) }}",
        name='n" onclick="alert(1)',
        options=[("loc_calf", evil), ('x" onmouseover="y', evil)],
        evil=evil,
    )
    page = parse(html)
    assert not page.find("script")
    assert not [e for e in page.elements if "onclick" in e.attrs or "onmouseover" in e.attrs]
    assert "&lt;script&gt;" in html
    assert {i.attrs["name"] for i in page.find("input")} == {'n" onclick="alert(1)'}
    assert [r.attrs["data-label"] for r in page.find("g", class_="bodymap-region")] == [evil]


# -- the script and styles agree with the template -----------------------------------------------
def test_the_script_uses_the_template_s_hooks() -> None:
    script = (STATIC_DIR / "bodymap.js").read_text(encoding="utf-8")
    for hook in ("fieldset.bodymap", "svg.bodymap-svg", ".bodymap-region", "data-value"):
        assert hook in script
    for attribute in ("aria-hidden", "aria-checked", "tabindex", "role"):
        assert attribute in script
    assert "http" not in script  # no network
    css = (STATIC_DIR / "bodymap.css").read_text(encoding="utf-8")
    assert ".bodymap-region.is-selected" in css and ":focus-visible" in css
