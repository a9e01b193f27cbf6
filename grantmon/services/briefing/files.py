"""A briefing pack (briefing.pack.Briefing) as a PDF (reportlab) or a PowerPoint (python-pptx).

Both hold the same sections in the same order: cover, KPI summary, one chart per page/slide,
the indicator tracking table, late milestones, notes on provenance and suppression.
"""

import io
from pathlib import Path

import pandas as pd
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.util import Inches, Pt
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    LongTable,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)

from grantmon.formatting import long_date
from grantmon.i18n import t
from grantmon.services.briefing.images import PlacedPng
from grantmon.services.briefing.pack import Briefing
from grantmon.services.core.access import Actor
from grantmon.vocabulary import INTERNAL

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
HEADER_BLUE = colors.HexColor("#DCE6F1")
INTERNAL_RED = colors.HexColor("#B00020")


def default_audience(actor: Actor) -> str:
    """Who a pack is for when not said: the donor, or IOM staff for any other role's view."""
    return t("U.S. Embassy Rabat and J/TIP") if actor.is_donor else t("IOM staff (internal)")


def internal_mark(pack: Briefing) -> str | None:
    """The mark every page and slide of a pack for another role than the donor's carries."""
    return t(INTERNAL) if pack.internal else None


def _font() -> tuple[str, str]:
    """DejaVu when installed (it has ■ ▲ ● and Arabic-free Latin accents), else Helvetica."""
    regular, bold = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf"
    if not (regular.exists() and bold.exists()):
        return "Helvetica", "Helvetica-Bold"
    if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVuSans", str(regular)))
        pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(bold)))
    return "DejaVuSans", "DejaVuSans-Bold"


def cover_lines(pack: Briefing) -> list[str]:
    """The cover's lines under the title: award, period, date, audience, demo mark."""
    award = pack.award
    lines = [
        f"{award.code} · {award.donor} → {award.recipient}",
        t("Period: {period} ({filters})", period=pack.period, filters=pack.filters_text),
        t(
            "Prepared on {day} for {audience}",
            day=long_date(pack.prepared_on),
            audience=pack.prepared_for,
        ),
    ]
    if pack.is_demo:
        lines.append(t("DEMO DATA, illustrative only."))
    mark = internal_mark(pack)
    if mark:
        lines.append(mark)
    return lines


# --- PDF ----------------------------------------------------------------------------------


def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = _font()
    base = getSampleStyleSheet()
    return {
        "title": ParagraphStyle("t", parent=base["Title"], fontName=bold, fontSize=24, leading=30),
        "h": ParagraphStyle("h", parent=base["Heading2"], fontName=bold),
        "p": ParagraphStyle("p", parent=base["BodyText"], fontName=regular, fontSize=10),
        "cell": ParagraphStyle(
            "c", parent=base["BodyText"], fontName=regular, fontSize=8, leading=10
        ),
    }


def _escape(text: object) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _pdf_table(frame: pd.DataFrame, styles: dict[str, ParagraphStyle], widths: list[float]):
    cell = styles["cell"]
    rows = [[Paragraph(f"<b>{_escape(c)}</b>", cell) for c in frame.columns]]
    rows += [[Paragraph(_escape(v), cell) for v in row] for row in frame.itertuples(index=False)]
    table = LongTable(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), HEADER_BLUE),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _even(frame: pd.DataFrame, total: float, wide: str) -> list[float]:
    """Column widths: the wide (text) column takes what the others leave."""
    narrow = 2.4 * cm
    others = len(frame.columns) - 1
    return [total - others * narrow if c == wide else narrow for c in frame.columns]


def briefing_pdf(pack: Briefing) -> bytes:
    """The pack as an A4 landscape PDF."""
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=landscape(A4), title=pack.award.title,
                            leftMargin=1.5 * cm, rightMargin=1.5 * cm,
                            topMargin=1.2 * cm, bottomMargin=1.2 * cm)  # fmt: skip
    s, width = _styles(), landscape(A4)[0] - 3 * cm
    story: list = [Spacer(1, 3 * cm), Paragraph(_escape(t("Briefing pack")), s["h"])]
    story.append(Paragraph(_escape(pack.award.title), s["title"]))
    story += [Paragraph(_escape(line), s["p"]) for line in cover_lines(pack)]
    story += [PageBreak(), Paragraph(_escape(t("Key figures")), s["h"])]
    kpis = pd.DataFrame(pack.kpis, columns=[t("Figure"), t("Value")])
    story += [_pdf_table(kpis, s, [width / 2, width / 2]), PageBreak()]
    for title, png, _notes in pack.charts:
        story.append(Paragraph(_escape(title), s["h"]))
        story += [PlacedPng(png, width=width * 0.85, height=width * 0.85 * 9 / 16)]
        story.append(PageBreak())
    story.append(Paragraph(_escape(t("Indicator tracking table")), s["h"]))
    story += [_pdf_table(pack.tracking, s, _even(pack.tracking, width, t("Indicator")))]
    story.append(Paragraph(_escape(t("Late milestones")), s["h"]))
    if pack.late.empty:
        story.append(Paragraph(_escape(t("No milestone is late.")), s["p"]))
    else:
        story.append(_pdf_table(pack.late, s, _even(pack.late, width, t("Milestone"))))
    story.append(Paragraph(_escape(t("Notes on the data")), s["h"]))
    story += [Paragraph(_escape(note), s["p"]) for note in pack.notes]
    mark = _page_mark(internal_mark(pack))
    doc.build(story, onFirstPage=mark, onLaterPages=mark)
    return buffer.getvalue()


def _page_mark(mark: str | None):
    """What reportlab draws on each page: the internal mark at the top, when there is one."""

    def draw(canvas, doc) -> None:
        if not mark:
            return
        canvas.saveState()
        canvas.setFont(_font()[1], 10)
        canvas.setFillColor(INTERNAL_RED)
        canvas.drawCentredString(doc.pagesize[0] / 2, doc.pagesize[1] - 0.8 * cm, mark)
        canvas.restoreState()

    return draw


# --- PowerPoint -----------------------------------------------------------------------------

SLIDE_WIDTH, SLIDE_HEIGHT = Inches(13.333), Inches(7.5)  # 16:9
TITLE_ONLY, TITLE_AND_CONTENT, TITLE_SLIDE = 5, 1, 0


def _slide(deck, layout: int, title: str, notes: str):
    slide = deck.slides.add_slide(deck.slide_layouts[layout])
    slide.shapes.title.text = title  # a real title placeholder: editable, in the outline
    slide.notes_slide.notes_text_frame.text = notes
    return slide


def _mark_slides(deck, mark: str | None) -> None:
    """Put the internal mark at the top of every slide, when there is one."""
    if not mark:
        return
    for slide in deck.slides:
        box = slide.shapes.add_textbox(
            Inches(0.3), Inches(0.05), SLIDE_WIDTH - Inches(0.6), Inches(0.35)
        )
        paragraph = box.text_frame.paragraphs[0]
        paragraph.text = mark
        paragraph.font.size, paragraph.font.bold = Pt(12), True
        paragraph.font.color.rgb = RGBColor(0xB0, 0x00, 0x20)


def _frame_text(frame: pd.DataFrame) -> str:
    return "\n".join(" | ".join(str(v) for v in row) for row in frame.itertuples(index=False))


def _pptx_table(slide, frame: pd.DataFrame, top: int, font_size: int = 11) -> None:
    rows, columns = len(frame) + 1, len(frame.columns)
    width, height = SLIDE_WIDTH - Inches(1), Inches(0.3) * rows
    table = slide.shapes.add_table(rows, columns, Inches(0.5), top, width, height).table
    for j, name in enumerate(frame.columns):
        table.cell(0, j).text = str(name)
    for i, row in enumerate(frame.itertuples(index=False), start=1):
        for j, value in enumerate(row):
            table.cell(i, j).text = str(value)
    for cell in (table.cell(i, j) for i in range(rows) for j in range(columns)):
        for paragraph in cell.text_frame.paragraphs:
            paragraph.font.size = Pt(font_size)


def briefing_pptx(pack: Briefing) -> bytes:
    """The pack as a 16:9 PowerPoint deck; every slide's figures are in its speaker notes."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = SLIDE_WIDTH, SLIDE_HEIGHT
    cover = _slide(deck, TITLE_SLIDE, pack.award.title, "\n".join(cover_lines(pack)))
    cover.placeholders[1].text = "\n".join(cover_lines(pack))
    kpi_text = "\n".join(f"{label}: {value}" for label, value in pack.kpis)
    kpis = _slide(deck, TITLE_ONLY, t("Key figures"), kpi_text)
    _pptx_table(kpis, pd.DataFrame(pack.kpis, columns=[t("Figure"), t("Value")]), Inches(1.4), 16)
    for title, png, notes in pack.charts:
        slide = _slide(deck, TITLE_ONLY, title, notes)
        height = SLIDE_HEIGHT - Inches(1.6)
        left = (SLIDE_WIDTH - height * 16 / 9) / 2
        slide.shapes.add_picture(io.BytesIO(png), int(left), Inches(1.4), height=height)
    tracking = _slide(deck, TITLE_ONLY, t("Indicator tracking table"), _frame_text(pack.tracking))
    _pptx_table(tracking, pack.tracking, Inches(1.3), 10)
    late = _slide(deck, TITLE_ONLY, t("Late milestones"), _frame_text(pack.late))
    if not pack.late.empty:
        _pptx_table(late, pack.late, Inches(1.3), 11)
    notes = _slide(deck, TITLE_AND_CONTENT, t("Notes on the data"), "\n".join(pack.notes))
    notes.placeholders[1].text = "\n".join(pack.notes)
    _mark_slides(deck, internal_mark(pack))
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()
