"""Jinja2 rendering for the web app: one environment, the filters the pages share.

``render`` adds what every page needs: the signed-in account (set on ``request.state`` by
:mod:`spasmcheck.web.session`), the CSRF token for its forms, versions and the disclaimer.
Autoescaping is on for every template; nothing a person types is ever marked safe.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from spasmcheck._version import __version__
from spasmcheck.reasoning.chance import chance_words
from spasmcheck.reasoning.engine import Engine
from spasmcheck.services.security import csrf_cookie

HERE = Path(__file__).parent
TEMPLATES = Jinja2Templates(directory=HERE / "templates")
# The templates are package files: compiled once per process, never looked at again. With
# auto_reload (Jinja's default) every page stat()ed each template it uses (issue 16).
TEMPLATES.env.auto_reload = False
STATIC_DIR = HERE / "static"

LEVEL_STYLE = {  # keyed by TriageLevel value; a test checks every level has an entry
    # triage level -> (css modifier, icon word); colour is never the only signal
    "emergency_ambulance": ("emergency", "Emergency"),
    "emergency": ("emergency", "Emergency"),
    "consultation_24": ("urgent", "Within 24 hours"),
    "consultation": ("consult", "See a doctor"),
    "self_care": ("selfcare", "Self-care"),
}


def times(ratio: float) -> str:
    """A likelihood ratio as a factor: "1.4×", "12×"."""
    r = float(ratio)
    return f"{r:.1f}×" if r < 10 else f"{round(r)}×"


def percent(probability: float) -> int:
    return max(0, min(100, round(float(probability) * 100)))


# One wording of a probability for every screen (web, CLI, PDF, FHIR): reasoning.chance.
TEMPLATES.env.filters["in_ten"] = chance_words
TEMPLATES.env.filters["percent"] = percent
TEMPLATES.env.filters["times"] = times
TEMPLATES.env.globals["version"] = __version__
TEMPLATES.env.globals["LEVEL_STYLE"] = LEVEL_STYLE
# The numbers an emergency banner offers to call (the guidance's action names the same three).
TEMPLATES.env.globals["EMERGENCY_NUMBERS"] = (
    ("999", "UK"),
    ("112", "Europe"),
    ("911", "North America"),
)


@cache
def _source_labeller(engine: Engine) -> Callable[[str], str]:
    """A citation for people: a seed document's title instead of its file name (built once
    per engine, not on every page)."""
    titles = {s.file: f"“{s.title}”" for s in engine.kb.sources if s.file}

    def label(citation: str) -> str:
        name, sep, section = citation.partition(" § ")
        return f"{titles.get(name, name)}{sep}{section}"

    return label


def render(
    request: Request,
    name: str,
    context: Mapping[str, object] | None = None,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    engine: Engine = request.app.state.engine
    # A page's context: whatever its template reads (the typed models among them).
    values: dict[str, object] = {
        "user": getattr(request.state, "user", None),
        "csrf_token": request.cookies.get(csrf_cookie(request.app.state.settings), ""),
        "kb_version": engine.kb.version,
        "disclaimer": engine.kb.guidance.disclaimer,
        "estimate_note": engine.kb.guidance.estimate_note,
        "source_label": _source_labeller(engine),
    }
    values.update(context or {})
    response = TEMPLATES.TemplateResponse(
        request, name, values, status_code=status_code, headers=headers
    )
    # Health information: never cached by shared caches or kept in the browser's disk cache.
    response.headers.setdefault("Cache-Control", "no-store")
    return response
