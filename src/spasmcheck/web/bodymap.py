"""The body map: where on the body each location finding sits, drawn as inline SVG.

A location finding of the knowledge base (``kind: location``) is either *spatial*, with one or
more shapes in :data:`REGIONS` (left and right limbs share one id: both calves are
``loc_calf``), or listed in :data:`NON_SPATIAL` ("both legs", "all over", "one side only"),
which have no place to point at and are offered only as inputs. A test fails when a new
location finding is neither, so the map never silently lacks a place the engine asks about.

Shapes are SVG path data in one view's coordinates (:data:`VIEW_WIDTH` x :data:`VIEW_HEIGHT`,
the figure facing the viewer on the front view, so the person's right is on the viewer's
left; each view names the person's right and left above the shoulders). The limbs are drawn once,
for the figure's right side, and mirrored.

The template ``_bodymap.html`` draws the map with the Jinja global ``bodymap_views``
(:func:`body_map_views`), registered on :data:`spasmcheck.web.templating.TEMPLATES` when this
module is imported; the page modules that use the macro (``pages.py``, ``diary.py``) import
this module so the global exists before any template renders.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final, Literal

from spasmcheck.knowledge.loader import KnowledgeBase
from spasmcheck.knowledge.schema import FindingKind
from spasmcheck.web.templating import TEMPLATES

View = Literal["front", "back"]
Shape = tuple[View, str]

VIEW_WIDTH: Final = 180
VIEW_HEIGHT: Final = 448
# "view", so that the back of the figure is never read as the "Back" button (issue 14 §10)
VIEWS: Final[tuple[tuple[View, str], ...]] = (("front", "Front view"), ("back", "Back view"))
# Which side of the picture is the person's right: on the front view the figure faces the
# viewer (its right on the viewer's left); on the back view it faces away.
SIDES: Final[Mapping[View, tuple[str, str]]] = {
    "front": ("Right", "Left"),
    "back": ("Left", "Right"),
}
# Above each shoulder, clear of the head, and far from the next view's label.
SIDE_X: Final = 34
SIDE_Y: Final = 64
# A finding's name where it alone would be unclear on the map: "Back" beside a "Back" button.
MAP_LABELS: Final[Mapping[str, str]] = {"loc_back": "Back (spine and back muscles)"}

_PAIR = re.compile(r"(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)")


def _mirror(d: str) -> str:
    """The same path reflected about the figure's midline (absolute ``x,y`` pairs only)."""
    return _PAIR.sub(lambda m: f"{VIEW_WIDTH - float(m[1]):g},{m[2]}", d)


def _ellipse(cx: float, cy: float, rx: float, ry: float) -> str:
    return (
        f"M{cx - rx:g} {cy:g} A{rx:g} {ry:g} 0 1 0 {cx + rx:g} {cy:g} "
        f"A{rx:g} {ry:g} 0 1 0 {cx - rx:g} {cy:g} Z"
    )


def _both_sides(d: str, *views: View) -> tuple[Shape, ...]:
    """A limb's shape and its mirror image on each of ``views``."""
    return tuple((view, side) for view in views for side in (d, _mirror(d)))


# The figure's right side (the viewer's left on the front view); x = 90 is the midline.
_ARM = "M56,78 C46,82 42,94 42,108 L36,160 L30,222 L40,224 L48,164 L56,118 Z"
_HAND = "M30,222 C26,236 26,250 30,262 C33,269 38,269 40,262 C42,250 42,237 40,224 Z"
_LEG = (
    "M58,205 C56,240 60,275 64,300 C60,320 62,350 70,392 L82,392 C84,360 88,330 86,300 "
    "C88,270 89,240 89,218 Z"
)
_THIGH = "M58.5,206 C56.5,240 60,274 63.5,296 L86.5,296 C88,270 88.5,240 88.5,219 Z"
_CALF = "M63,306 C60,326 62,352 69,380 L83,380 C84,356 88,332 86.5,306 Z"
_FOOT = "M70,384 L84,384 C85,396 88,408 88,417 C85,424 71,424 66,418 C64,411 67,398 70,384 Z"
_TORSO = (
    "M82,68 C72,71 62,73 56,78 C50,83 48,92 50,104 C54,120 60,140 66,165 "
    "C62,178 58,192 58,208 C66,214 78,218 90,222 C102,218 114,214 122,208 "
    "C122,192 118,178 114,165 C120,140 126,120 130,104 C132,92 130,83 124,78 "
    "C118,73 108,71 98,68 Z"
)
_FLANK = (
    "M63,150 C68,151 73,153 77,156 L77,196 L61,196 C60,184 62,172 65,164 C64,159 63.5,155 63,150 Z"
)

# The outline of the figure, the same on both views; drawn under the regions.
BODY: Final[tuple[str, ...]] = (
    "M80,50 L100,50 L100,74 L80,74 Z",
    _ellipse(90, 32, 19, 24),
    _TORSO,
    _ARM,
    _mirror(_ARM),
    _HAND,
    _mirror(_HAND),
    _LEG,
    _mirror(_LEG),
    _FOOT,
    _mirror(_FOOT),
)

# Finding id -> its shapes, in drawing order: a region that sits inside another (eyelid in
# face, upper right belly in belly, bladder in lower belly, flank on back) comes after it, so
# it is drawn on top and stays clickable. The order is also the list's head-to-toe order.
REGIONS: Final[Mapping[str, tuple[Shape, ...]]] = {
    "loc_face": (("front", _ellipse(90, 31, 14, 16)),),
    "loc_eyelid": (("front", _ellipse(84, 27, 5.5, 3.5)), ("front", _ellipse(96, 27, 5.5, 3.5))),
    "loc_jaw": (
        (
            "front",
            "M75,40 C76,50 83,55 90,55 C97,55 104,50 105,40 L101,43 "
            "C100,48 96,50.5 90,50.5 C84,50.5 80,48 79,43 Z",
        ),
    ),
    "loc_neck": (
        (
            "back",
            "M81,52 L99,52 L99,68 C108,70 118,72 124,78 L114,86 C106,82 98,80 90,80 "
            "C82,80 74,82 66,86 L56,78 C62,72 72,70 81,68 Z",
        ),
    ),
    "loc_throat": (("front", "M83,58 L97,58 L97,71 L83,71 Z"),),
    "loc_arm": _both_sides(_ARM, "front", "back"),
    "loc_hand": _both_sides(_HAND, "front", "back"),
    "loc_chest": (
        (
            "front",
            "M60,80 C70,77 80,76 90,76 C100,76 110,77 120,80 C124,92 122,120 120,138 "
            "L60,138 C58,120 56,92 60,80 Z",
        ),
    ),
    "loc_back": (
        (
            "back",
            "M66,90 C74,86 82,84 90,84 C98,84 106,86 114,90 C120,100 120,116 118,130 "
            "C116,146 112,160 112,198 L68,198 C68,160 64,146 62,130 C60,116 60,100 66,90 Z",
        ),
    ),
    "loc_abdomen": (
        ("front", "M60,140 L120,140 C119,152 116,162 115,172 L65,172 C64,162 61,152 60,140 Z"),
    ),
    "loc_upper_right_abdomen": (
        ("front", "M62.5,142 L88,142 L88,156 C80,161 72,162 64.5,162 C63.5,155 63,149 62.5,142 Z"),
    ),
    "loc_lower_abdomen": (
        (
            "front",
            "M65,174 L115,174 C116,186 119,198 120,206 C110,212 100,215 90,217 "
            "C80,215 70,212 60,206 C61,198 64,186 65,174 Z",
        ),
    ),
    # the person's right lower belly: the viewer's left on the front view
    "loc_lower_right_abdomen": (
        ("front", "M65,176 L88,176 L88,200 C80,204 71,205 62,203 C63,193 64,184 65,176 Z"),
    ),
    "loc_flank": _both_sides(_FLANK, "back"),
    "loc_bladder": (("front", _ellipse(90, 203, 12, 8)),),
    "loc_rectum": (("back", _ellipse(90, 214, 6, 5)),),
    "loc_thigh": _both_sides(_THIGH, "front", "back"),
    "loc_calf": _both_sides(_CALF, "back"),
    "loc_shin": _both_sides(_CALF, "front"),
    "loc_foot": _both_sides(_FOOT, "front", "back"),
}

# Location findings with no single place on the body: offered as inputs only.
NON_SPATIAL: Final[tuple[str, ...]] = ("loc_legs_both", "loc_widespread", "one_sided")


@dataclass(frozen=True)
class MapRegion:
    """One finding's shapes on one view, joined into one path, with the option's label."""

    value: str
    label: str
    d: str


@dataclass(frozen=True)
class MapView:
    """A view of the figure as the template draws it: outline first, then its regions."""

    name: View
    caption: str
    x: int
    body: tuple[str, ...]
    regions: tuple[MapRegion, ...]
    caption_x: int = VIEW_WIDTH // 2
    caption_y: int = VIEW_HEIGHT - 8

    @property
    def sides(self) -> tuple[tuple[int, str, str], ...]:
        """(x, text-anchor, word) of the person's right and left, above the shoulders."""
        viewer_left, viewer_right = SIDES[self.name]
        return (
            (SIDE_X, "middle", viewer_left),
            (VIEW_WIDTH - SIDE_X, "middle", viewer_right),
        )


def map_labels(options: Iterable[Sequence[str]]) -> list[tuple[str, str]]:
    """``options`` (id, label) with the clearer label of :data:`MAP_LABELS` where there is one."""
    return [(value, MAP_LABELS.get(value, label)) for value, label in options]


def location_options(kb: KnowledgeBase) -> list[tuple[str, str]]:
    """The knowledge base's location findings as (id, name): head to toe, then the rest."""
    names = {f.id: f.name for f in kb.findings if f.kind is FindingKind.LOCATION}
    spatial = [(fid, names[fid]) for fid in REGIONS if fid in names]
    rest = [(fid, name) for fid, name in names.items() if fid not in REGIONS]
    return spatial + rest


def body_map_views(options: Iterable[Sequence[str]]) -> list[MapView]:
    """The views to draw for ``options`` (id, label) pairs; empty when none has a place.

    Only the given options get a region, so a question that offers three places shows three.
    """
    labels = {value: label for value, label in options}
    views: list[MapView] = []
    for index, (view, caption) in enumerate(VIEWS):
        regions = tuple(
            MapRegion(fid, labels[fid], " ".join(d for v, d in shapes if v == view))
            for fid, shapes in REGIONS.items()
            if fid in labels and any(v == view for v, _ in shapes)
        )
        views.append(MapView(view, caption, index * VIEW_WIDTH, BODY, regions))
    if not any(v.regions for v in views):
        return []
    return views


TEMPLATES.env.globals["bodymap_views"] = body_map_views
TEMPLATES.env.globals["bodymap_labels"] = map_labels
TEMPLATES.env.globals["bodymap_side_y"] = SIDE_Y
TEMPLATES.env.globals["bodymap_size"] = (VIEW_WIDTH * len(VIEWS), VIEW_HEIGHT)
