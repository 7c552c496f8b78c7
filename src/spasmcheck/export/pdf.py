"""The clinician report as a PDF of one to two A4 pages (fpdf2, DejaVu Sans).

:func:`render_pdf` assembles the report (:func:`.report.build_report`), draws the diary
charts (:mod:`.charts`) and lays them out. The text font is DejaVu Sans, which ships with
matplotlib, so any Unicode the person typed ("≥", "–", quotes, Cyrillic or Greek names) is
written; Chinese, Japanese and Korean come from Droid Sans Fallback, shipped in ``fonts/``;
glyphs neither font has are left out rather than crashing. To keep the report to two
pages it is laid out at the most generous density first and again, tighter, while it runs
longer (smaller type, shorter lists, smaller charts).
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import matplotlib
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from spasmcheck.diary.model import Episode
from spasmcheck.export import charts
from spasmcheck.export.model import ReportInput
from spasmcheck.export.report import Cause, DiarySection, ReportData, build_report
from spasmcheck.reasoning.chance import chance_percent
from spasmcheck.reasoning.engine import Engine

FONT = "DejaVu"
FALLBACK_FONT = "DroidFallback"
FALLBACK_FONT_FILE = Path(__file__).parent / "fonts" / "DroidSansFallback.ttf"
# Hangul Jamo, CJK radicals to Yi (kana, Han, bopomofo...), Hangul syllables, CJK
# compatibility ideographs, half- and full-width forms, and the supplementary ideographs.
FALLBACK_SCRIPTS = re.compile(
    "[\u1100-\u11ff\u2e80-\ua4cf\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff\uff00-\uffef"
    "\U00020000-\U0003ffff]"
)

# fpdf2 logs every glyph its font lacks, one by one, and fontTools what it subsets: both spell
# out what the person typed, which is health data and must never reach a log.
for _name in ("fpdf", "fontTools"):
    logging.getLogger(_name).setLevel(logging.CRITICAL + 1)

MAX_PAGES = 2
TITLE = "spasmcheck"
SUBTITLE = "Decision support, not a diagnosis"
FOOTER_NOTE = "decision support, not a diagnosis"

INK = (30, 30, 30)
MUTED = (100, 100, 100)
ACCENT = (40, 80, 140)
LEVEL_COLOURS: dict[str, tuple[int, int, int]] = {
    "emergency_ambulance": (176, 0, 32),
    "emergency": (200, 40, 40),
    "consultation_24": (214, 110, 0),
    "consultation": (40, 100, 170),
    "self_care": (40, 130, 70),
}


@dataclass(frozen=True)
class Density:
    body: float  # font size in points
    small: float
    line: float  # line height in mm
    chart_h: float  # chart height in mm
    evidence: int  # evidence items per cause, for and against each
    questions: int
    via: int  # conditions named per medicine
    denied: int  # warning signs listed as asked and denied


DENSITIES = (
    Density(9.0, 7.5, 4.2, 46.0, 3, 6, 3, 12),
    Density(8.5, 7.0, 3.8, 42.0, 2, 5, 2, 10),
    Density(8.0, 6.5, 3.5, 38.0, 2, 4, 2, 8),
    Density(7.5, 6.5, 3.2, 34.0, 1, 3, 1, 6),
)


def _font_dir() -> Path:
    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def _fmt_date(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def _range(start: date, end: date) -> str:
    if start.year == end.year:
        return f"{start.day} {start:%b} – {_fmt_date(end)}"
    return f"{_fmt_date(start)} – {_fmt_date(end)}"


class ReportPDF(FPDF):
    def __init__(self, data: ReportData, density: Density, *, fallback: bool = False) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.data = data
        self.d = density
        fonts = _font_dir()
        self.add_font(FONT, "", str(fonts / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(fonts / "DejaVuSans-Bold.ttf"))
        self.add_font(FONT, "I", str(fonts / "DejaVuSans-Oblique.ttf"))
        if fallback:
            # CJK and Hangul, which DejaVu lacks, from a font shipped beside this module
            # (fonts/README.md says which and why); used only for the characters DejaVu has
            # not, and loaded only when the report has some (loading it takes half a second).
            self.add_font(FALLBACK_FONT, "", str(FALLBACK_FONT_FILE))
            self.set_fallback_fonts([FALLBACK_FONT], exact_match=False)
        self.set_margins(14, 12, 14)
        self.set_auto_page_break(True, margin=14)
        self.set_creation_date(data.generated_at)
        self.set_title("spasmcheck clinician report")
        self.set_creator(f"spasmcheck {data.product_version}")
        self.set_text_color(*INK)

    # -- page furniture ---------------------------------------------------------------------
    def footer(self) -> None:
        data = self.data
        self.set_y(-10)
        self.set_draw_color(200, 200, 200)
        self.line(self.l_margin, self.get_y() - 1, self.w - self.r_margin, self.get_y() - 1)
        self.set_font(FONT, "", 6.5)
        self.set_text_color(*MUTED)
        text = (
            f"spasmcheck {data.product_version} · knowledge base {data.kb_version}"
            f" · generated {data.generated_at:%Y-%m-%d %H:%M} UTC"
            f" · page {self.page_no()} of {{nb}} · {FOOTER_NOTE}"
        )
        self.cell(0, 4, text, align="C")
        self.set_text_color(*INK)

    # -- text helpers -----------------------------------------------------------------------
    @property
    def width(self) -> float:
        return self.w - self.l_margin - self.r_margin

    def heading(self, text: str, colour: tuple[int, int, int] = ACCENT) -> None:
        if self.get_y() > self.h - 30:
            self.add_page()
        self.ln(1.2)
        self.set_font(FONT, "B", self.d.body + 1.5)
        self.set_text_color(*colour)
        self.cell(0, self.d.line + 1, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(*colour)
        y = self.get_y()
        self.line(self.l_margin, y, self.w - self.r_margin, y)
        self.set_text_color(*INK)
        self.ln(0.8)

    def rich(
        self,
        parts: Sequence[tuple[str, str]],
        *,
        indent: float = 0.0,
        size: float | None = None,
        colour: tuple[int, int, int] = INK,
    ) -> None:
        """A paragraph of (style, text) runs, wrapped at the margins, starting on a new line."""
        left = self.l_margin
        self.set_left_margin(left + indent)
        self.set_x(left + indent)
        self.set_text_color(*colour)
        for style, text in parts:
            if not text:
                continue
            self.set_font(FONT, style, size or self.d.body)
            self.write(self.d.line, text)
        self.ln(self.d.line)
        self.set_left_margin(left)
        self.set_x(left)
        self.set_text_color(*INK)

    def bullet(self, parts: Sequence[tuple[str, str]], *, size: float | None = None) -> None:
        self.set_font(FONT, "", size or self.d.body)
        self.set_x(self.l_margin + 1)
        self.cell(3, self.d.line, "•")
        self.rich(parts, indent=4, size=size)

    def small(self, text: str) -> None:
        self.rich([("I", text)], size=self.d.small, colour=MUTED)


# -- sections ---------------------------------------------------------------------------------
def _header(pdf: ReportPDF) -> None:
    data = pdf.data
    pdf.set_font(FONT, "B", 16)
    pdf.set_text_color(*ACCENT)
    pdf.cell(45, 8, TITLE)
    pdf.set_font(FONT, "", 9)
    pdf.set_text_color(*MUTED)
    pdf.cell(0, 8, "Clinician report", new_x=XPos.LMARGIN, new_y=YPos.TOP)
    pdf.set_font(FONT, "B", 9)
    pdf.set_text_color(176, 0, 32)
    pdf.cell(0, 8, SUBTITLE, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(*INK)
    parts: list[tuple[str, str]] = [
        ("B", "Person: "),
        ("", data.person.describe()),
        ("B", "    Assessed: "),
        ("", _fmt_date(data.assessed_on)),
    ]
    if data.diary is not None:
        s = data.diary.summary
        parts += [("B", "    Diary: "), ("", f"{_range(s.start, s.end)} ({s.timezone})")]
    pdf.rich(parts)
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(0.5)
    pdf.line(pdf.l_margin, pdf.get_y() + 0.5, pdf.w - pdf.r_margin, pdf.get_y() + 0.5)
    pdf.set_line_width(0.2)
    pdf.ln(1.5)


def _triage(pdf: ReportPDF) -> None:
    data = pdf.data
    t = data.triage
    colour = LEVEL_COLOURS.get(t.level, ACCENT)
    pdf.heading(f"Triage: {t.label or t.level}", colour)
    if t.diary_raise:
        pdf.rich([("B", t.diary_raise)])
    if t.action:
        pdf.rich([("", t.action)])
    for reason in t.reasons:
        pdf.bullet([("", reason)])
    if t.do_now:
        pdf.rich([("B", "Do now: "), ("", " ".join(t.do_now))])
    flags = data.red_flags
    if flags.fired:
        for flag in flags.fired:
            doubt = " (mentioned with doubt)" if flag.uncertain else ""
            pdf.bullet([("B", f"Warning sign: {flag.name}{doubt}. "), ("", flag.reason)])
    else:
        pdf.rich([("B", "Warning signs reported: "), ("", "none.")])
    if flags.denied:
        shown = flags.denied[: pdf.d.denied]
        text = ", ".join(_low(f.name) for f in shown)
        more = len(flags.denied) - len(shown)
        if more > 0:
            text += f"; and {more} more"
        pdf.rich([("B", "Warning signs asked and denied: "), ("", text + ".")])
    else:
        pdf.rich([("B", "Warning signs asked and denied: "), ("", "none asked.")])


def _low(text: str) -> str:
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def _reported(pdf: ReportPDF) -> None:
    data = pdf.data
    pdf.heading("What they reported")
    if data.text:
        pdf.rich([("B", "In their words: "), ("I", f"“{data.text}”")])
    f = data.findings
    if f.positive:
        pdf.rich([("B", "Has:")])
        for group in f.positive:
            pdf.bullet([("B", f"{group.label}: "), ("", ", ".join(group.names))])
    if f.negative:
        text = "; ".join(
            f"{g.label.lower()}: {', '.join(_low(n) for n in g.names)}" for g in f.negative
        )
        pdf.rich([("B", "Does not have: "), ("", text + ".")])
    if f.unsure:
        pdf.rich([("B", "Not sure: "), ("", ", ".join(_low(n) for n in f.unsure) + ".")])
    _medicines(pdf)


def medicines_note(data: ReportData) -> str:
    """What the report says when the assessment lists no medicine: "none" only when medicines
    were asked (or stated), "not asked" otherwise; the diary's medicines are listed apart."""
    if any(m.kind == "medicine" for m in data.medicines):
        return ""
    if data.medicines_asked:
        return "none taken of those asked about in the check."
    if data.diary_medicines:
        return "not asked in the check; the diary names the medicines below."
    return "not asked in the check."


def _medicines(pdf: ReportPDF) -> None:
    data = pdf.data
    note = medicines_note(data)
    pdf.rich([("B", "Medicines and substances:")])
    if note:
        pdf.bullet([("B", "Medicines: "), ("", note)])
    for med in data.medicines:
        parts: list[tuple[str, str]] = [("B" if med.known_to_cause else "", med.name)]
        if med.words:
            parts.append(("I", f" (“{med.words}”)"))
        parts.append(("", f" ({med.source})"))
        if med.known_to_cause:
            via = med.via[: pdf.d.via]
            more = "…" if len(med.via) > len(via) else ""
            parts.append(("B", "  ⚠ known to cause spasms"))
            parts.append(("", f": {'; '.join(via)}{more}"))
        pdf.bullet(parts)
    for logged in data.diary_medicines:
        pdf.bullet([("", logged.describe())])


def _causes(pdf: ReportPDF, causes: Sequence[Cause]) -> None:
    """The ranked causes; at an emergency level the causes that explain it first, the rest
    under "Other possibilities" (one story with the triage above)."""
    data = pdf.data
    explaining = [c for c in causes if c.explains_level]
    if explaining:
        pdf.heading("Causes that explain the triage level")
        _causes_table(pdf, explaining)
        others = [c for c in causes if not c.explains_level]
        if others:
            pdf.heading("Other possibilities (they do not change the triage)")
            _causes_table(pdf, others)
    else:
        pdf.heading("Possible causes (ranked)")
        if not causes:
            pdf.rich([("", "No causes ranked.")])
            return
        _causes_table(pdf, causes)
    if data.estimate_note:
        pdf.small(data.estimate_note)


def _causes_table(pdf: ReportPDF, causes: Sequence[Cause]) -> None:
    n = pdf.d.evidence
    size = pdf.d.body - 0.5
    pdf.set_font(FONT, "", size)
    with pdf.table(
        col_widths=(56, 22, 20, 84),
        text_align=("LEFT", "LEFT", "LEFT", "LEFT"),
        line_height=pdf.d.line - 0.2,
        padding=(0.8, 1.2, 0.8, 1.2),
        headings_style=FontFace(emphasis="BOLD", fill_color=(232, 238, 246)),
        borders_layout="HORIZONTAL_LINES",
        width=pdf.width,
    ) as table:
        head = table.row()
        for label in ("Cause", "Chance", "ICD-10", "Evidence for / against"):
            head.cell(label)
        for cause in causes:
            row = table.row()
            row.cell(f"{cause.rank}. {cause.name}\n{cause.clinical_name}")
            row.cell(f"{cause.words} ({_pct(cause.probability)})")
            row.cell(", ".join(cause.icd10))
            lines = []
            if cause.evidence_for:
                lines.append("+ " + "; ".join(cause.evidence_for[:n]))
            if cause.evidence_against:
                lines.append("− " + "; ".join(cause.evidence_against[:n]))
            row.cell("\n".join(lines) or "–")


def _pct(p: float) -> str:
    return chance_percent(p)


def _diary(pdf: ReportPDF, diary: DiarySection, episodes: Sequence[Episode], timezone: str) -> None:
    d = pdf.d
    s = diary.summary
    chart_w = (pdf.width - 4) / 3
    chart_h = min(d.chart_h, chart_w * charts.HEIGHT_IN / charts.WIDTH_IN)
    if pdf.get_y() + chart_h + 20 > pdf.h - 14:
        pdf.add_page()
    pdf.heading(f"Diary, {_range(s.start, s.end)}")
    pdf.rich([("", "; ".join(diary.facts) + ".")])
    y = pdf.get_y() + 0.5
    images = [
        charts.episodes_per_week(s),
        charts.severity_over_time(episodes, s, timezone),
        charts.body_areas(s.body_areas.counts, pdf.data.location_names, s.body_areas.new),
    ]
    for i, png in enumerate(images):
        pdf.image(
            io.BytesIO(png),
            x=pdf.l_margin + i * (chart_w + 2),
            y=y,
            w=chart_w,
            h=chart_h,
            keep_aspect_ratio=True,
        )
    pdf.set_y(y + chart_h + 1)

    pdf.rich(
        [
            ("B", "What changed since last time "),
            ("I", "(the diary's trend tests; episodes a week in each half for scale): "),
        ]
    )
    for sentence in diary.changed.sentences:
        pdf.bullet([("", sentence)])
    pdf.rich([("B", "Re-triage from the diary: "), ("", diary.retriage)])

    size = d.body - 0.5
    pdf.rich([("B", "Circumstances "), ("I", "(association within this diary, not a cause)")])
    if diary.context_rows:
        pdf.set_font(FONT, "", size)
        _table(
            pdf,
            (
                "Circumstance",
                "Days with / without",
                "Episodes a day with / without",
                "Ratio (95 % CI)",
            ),
            [r.cells for r in diary.context_rows],
            (40, 36, 50, 56),
        )
    if diary.context_note:
        pdf.rich([("", diary.context_note)], size=size)
    pdf.rich([("B", "What helped")])
    if diary.remedy_rows:
        pdf.set_font(FONT, "", size)
        _table(
            pdf,
            ("Remedy", "Tried", "Helped", "Share", "Against other remedies (95 % CI)"),
            [r.cells for r in diary.remedy_rows],
            (36, 16, 26, 18, 86),
        )
    if diary.remedy_note:
        pdf.rich([("", diary.remedy_note)], size=size)


def _table(
    pdf: ReportPDF,
    headings: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths: Sequence[float],
) -> None:
    with pdf.table(
        col_widths=tuple(widths),
        text_align="LEFT",
        line_height=pdf.d.line - 0.4,
        padding=(0.5, 1.2, 0.5, 1.2),
        headings_style=FontFace(emphasis="BOLD", fill_color=(232, 238, 246)),
        borders_layout="HORIZONTAL_LINES",
        width=pdf.width,
    ) as table:
        head = table.row()
        for label in headings:
            head.cell(label)
        for cells in rows:
            row = table.row()
            for cell in cells:
                row.cell(cell)
    pdf.ln(0.8)


def _questions(pdf: ReportPDF) -> None:
    data = pdf.data
    if not data.questions:
        return
    pdf.heading("Questions they may want to ask")
    for question in data.questions[: pdf.d.questions]:
        pdf.bullet([("", question)])


CLOSING_HEIGHT = 12  # mm: the closing paragraph's two lines and the space above them


def _closing(pdf: ReportPDF) -> None:
    data = pdf.data
    if pdf.will_page_break(CLOSING_HEIGHT):
        # The footer of every page already says "decision support, not a diagnosis": the
        # closing paragraph never gets a page of its own.
        return
    pdf.ln(1)
    text = data.disclaimer or "This report is decision support, not a diagnosis."
    pdf.small(text)


def needs_fallback_font(report: ReportInput) -> bool:
    """Whether anything the person wrote is in a script DejaVu Sans lacks (CJK, Hangul)."""
    texts = [str(report.input), str(report.result), str(report.person_label or "")]
    texts += [f"{e.notes} {e.medicine_name or ''}" for e in report.episodes]
    return any(FALLBACK_SCRIPTS.search(text) for text in texts)


def _layout(data: ReportData, report: ReportInput, density: Density) -> ReportPDF:
    pdf = ReportPDF(data, density, fallback=needs_fallback_font(report))
    pdf.add_page()
    _header(pdf)
    _triage(pdf)
    _reported(pdf)
    _causes(pdf, data.causes)
    if data.diary is not None:
        _diary(pdf, data.diary, report.episodes, report.timezone)
    _questions(pdf)
    _closing(pdf)
    return pdf


def render_pdf(report: ReportInput, *, engine: Engine) -> bytes:
    """The clinician report for one assessment and (when ``report.start``/``end`` are set) the
    diary range, as PDF bytes of one to two A4 pages where the content allows."""
    data = build_report(report, engine)
    pdf = _layout(data, report, DENSITIES[0])
    for density in DENSITIES[1:]:
        if pdf.pages_count <= MAX_PAGES:
            break
        pdf = _layout(data, report, density)
    return bytes(pdf.output())
