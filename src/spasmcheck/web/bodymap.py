"""The body map: where on the body each location finding sits, drawn as inline SVG.

A location finding of the knowledge base (``kind: location``) is either *spatial*, with one or
more shapes in :data:`REGIONS` (left and right limbs share one id: both calves are
``loc_calf``), or listed in :data:`NON_SPATIAL` ("both legs", "all over", "one side only"),
which have no place to point at and are offered only as inputs. Both come from
``knowledge/data/policy/bodymap.yaml`` (validated, and checked by ``kb check`` to name location
findings); this module draws them. A test fails when a new
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
from spasmcheck.knowledge.policy import MapPart, body_map_policy
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

_PAIR = re.compile(r"(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)")


def _mirror(d: str) -> str:
    """The same path reflected about the figure's midline (absolute ``x,y`` pairs only)."""
    return _PAIR.sub(lambda m: f"{VIEW_WIDTH - float(m[1]):g},{m[2]}", d)


def _ellipse(cx: float, cy: float, rx: float, ry: float) -> str:
    return (
        f"M{cx - rx:g} {cy:g} A{rx:g} {ry:g} 0 1 0 {cx + rx:g} {cy:g} "
        f"A{rx:g} {ry:g} 0 1 0 {cx - rx:g} {cy:g} Z"
    )


def _part(part: MapPart, shapes: Mapping[str, str]) -> tuple[Shape, ...]:
    """One part of ``policy/bodymap.yaml`` as shapes: on each of its views, the path and, for
    ``both_sides``, its mirror image."""
    if part.ellipse is not None:
        d = _ellipse(*part.ellipse)
    else:
        d = part.path if part.path is not None else shapes[part.shape or ""]
    d = " ".join(d.split())
    sides = (d, _mirror(d)) if part.both_sides else (d,)
    return tuple((view.value, side) for view in part.views for side in sides)


_POLICY = body_map_policy()

# The outline of the figure, the same on both views; drawn under the regions.
BODY: Final[tuple[str, ...]] = tuple(
    d for part in _POLICY.outline for _, d in _part(part, _POLICY.shapes)[: 1 + part.both_sides]
)

# Finding id -> its shapes, in the drawing order of policy/bodymap.yaml (a region inside
# another comes after it, so it is drawn on top; also the list's head-to-toe order).
REGIONS: Final[Mapping[str, tuple[Shape, ...]]] = {
    region.finding: tuple(s for part in region.parts for s in _part(part, _POLICY.shapes))
    for region in _POLICY.regions
}

# Location findings with no single place on the body: offered as inputs only.
NON_SPATIAL: Final[tuple[str, ...]] = tuple(_POLICY.non_spatial)
# A finding's name where it alone would be unclear on the map: "Back" beside a "Back" button.
MAP_LABELS: Final[Mapping[str, str]] = dict(_POLICY.labels)


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
