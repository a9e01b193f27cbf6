"""The briefing pack: PDF and PowerPoint hold the KPIs the database gives, charts, notes."""

import io
from dataclasses import replace
from datetime import date

from PIL import Image
from pptx import Presentation
from pypdf import PdfReader
from sqlalchemy import text
from sqlmodel import Session

from data_model import Role
from grantmon.i18n import use_language
from grantmon.services.briefing.files import briefing_pdf, briefing_pptx
from grantmon.services.briefing.pack import chart_catalogue, collect_briefing
from grantmon.services.core.access import Actor
from grantmon.services.core.filters import filter_options
from tests.services.test_reintegration_entry import FUNNEL, manager, save

DONOR = Actor(email="donor@example.org", role=Role.DONOR)
CHARTS = ("overview-burn", "reintegration-funnel")
TODAY = date(2026, 11, 28)


def build(engine, actor, charts=CHARTS, **change):
    steps = []
    with Session(engine) as session:
        filters = filter_options(session=session, actor=actor, today=TODAY).defaults()
        filters = replace(filters, **change)
        pack = collect_briefing(
            session=session,
            actor=actor,
            filters=filters,
            today=TODAY,
            prepared_for="U.S. Embassy Rabat",
            charts=charts,
            progress=lambda share, message: steps.append(share),
        )
    return pack, steps


def sql_spent_and_assisted(engine):
    with engine.connect() as connection:
        spent = connection.execute(
            text("SELECT SUM(amount_cents) FROM expenditure WHERE status = 'approved'")
        ).scalar_one()
        assisted = connection.execute(
            text("SELECT SUM(assisted) FROM reintegrationfigure WHERE status = 'approved'")
        ).scalar_one()
    return int(spent), int(assisted)


def test_pdf_holds_the_kpis_of_the_database(demo_engine):
    pack, steps = build(demo_engine, DONOR)
    reader = PdfReader(io.BytesIO(briefing_pdf(pack)))
    # cover, KPIs, one page per chart, then the tables and notes
    assert len(reader.pages) >= 2 + len(CHARTS) + 1
    words = "\n".join(page.extract_text() for page in reader.pages)
    spent, assisted = sql_spent_and_assisted(demo_engine)
    assert f"US${round(spent / 100):,}" in words
    assert f"{assisted:,}" in words
    for heading in ("Key figures", "Indicator tracking table", "Late milestones", "suppressed"):
        assert heading in words
    assert "U.S. Embassy Rabat" in words and "DEMO DATA" in words
    assert steps[-1] == 1.0 and steps == sorted(steps)  # the progress bar only moves forward


def test_pptx_slides_titles_and_notes(demo_engine):
    pack, _ = build(demo_engine, DONOR)
    deck = Presentation(io.BytesIO(briefing_pptx(pack)))
    slides = list(deck.slides)
    # cover, KPIs, charts, tracking table, late milestones, notes
    assert len(slides) == 2 + len(CHARTS) + 3
    titles = [s.shapes.title.text for s in slides]
    assert titles[1:4] == ["Key figures", "Budget burn beside results", "Reintegration funnel"]
    assert titles[-3:] == ["Indicator tracking table", "Late milestones", "Notes on the data"]
    funnel_notes = slides[3].notes_slide.notes_text_frame.text
    _, assisted = sql_spent_and_assisted(demo_engine)
    assert f"Assisted: {assisted:,}" in funnel_notes
    assert "Victims assisted" in slides[1].notes_slide.notes_text_frame.text
    assert any(shape.shape_type == 13 for shape in slides[2].shapes)  # 13 = picture


def test_default_pack_has_a_key_chart_per_screen(demo_engine):
    catalogue = chart_catalogue(["1.1.a", "1.2.a"])
    defaults = [c for c in catalogue if c.default]
    screens = {c.screen for c in defaults}
    assert screens == {"Overview", "Budget", "Activities", "Regions", "Reintegration", "Results"}
    assert len(defaults) == len(screens)


VIEWER = Actor(email="viewer@example.org", role=Role.VIEWER)
FUNNEL_ONLY = ("reintegration-funnel",)


def assisted_in(pack) -> int:
    """The 'Assisted' figure the funnel chart shows (its notes list the chart's figures)."""
    notes = pack.charts[0][2]  # e.g. "People: Identified: 891; Referred: 770; Assisted: 685; ..."
    return int(notes.split("Assisted: ")[1].split(";")[0].replace(",", ""))


def test_a_second_pack_reuses_its_images_until_a_figure_changes(demo_engine):
    first, _ = build(demo_engine, VIEWER, FUNNEL_ONLY)
    again, _ = build(demo_engine, VIEWER, FUNNEL_ONLY)
    assert again.charts[0][1] is first.charts[0][1]  # drawn once, kept
    save(demo_engine, manager(demo_engine), changes={"female/18-24": FUNNEL})
    after, _ = build(demo_engine, VIEWER, FUNNEL_ONLY)
    assert assisted_in(after) == assisted_in(first) + FUNNEL["assisted"]
    assert after.charts[0][1] != first.charts[0][1]


def test_kept_images_are_never_shared_across_roles_or_languages(demo_engine):
    viewer, _ = build(demo_engine, VIEWER, FUNNEL_ONLY)
    donor, _ = build(demo_engine, DONOR, FUNNEL_ONLY)
    # Staff see the demo's figures not yet approved; the donor's pack holds approved ones only.
    assert assisted_in(viewer) > assisted_in(donor)
    assert viewer.charts[0][1] != donor.charts[0][1]
    with use_language("fr"):
        french, _ = build(demo_engine, DONOR, FUNNEL_ONLY)
    assert french.charts[0][2] != donor.charts[0][2]
    assert french.charts[0][1] != donor.charts[0][1]


def test_pdf_shows_each_chart_pixel_for_pixel(demo_engine):
    pack, _ = build(demo_engine, DONOR)
    pages = PdfReader(io.BytesIO(briefing_pdf(pack))).pages
    placed = [image.image for page in pages for image in page.images]
    assert len(placed) == len(pack.charts)
    for (_, png, _), image in zip(pack.charts, placed, strict=True):
        drawn = Image.open(io.BytesIO(png)).convert("RGB")
        assert image.size == drawn.size == (1920, 1080)
        assert image.convert("RGB").tobytes() == drawn.tobytes()


def test_a_pack_for_another_role_than_the_donor_is_marked_internal_on_every_page(demo_engine):
    pack, _ = build(demo_engine, VIEWER)
    pages = PdfReader(io.BytesIO(briefing_pdf(pack))).pages
    assert all("INTERNAL, NOT FOR THE DONOR" in page.extract_text() for page in pages)
    slides = list(Presentation(io.BytesIO(briefing_pptx(pack))).slides)
    texts = [
        " ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame) for slide in slides
    ]
    assert all("INTERNAL, NOT FOR THE DONOR" in text for text in texts)


def test_a_donors_pack_carries_no_internal_mark(demo_engine):
    pack, _ = build(demo_engine, DONOR)
    words = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(briefing_pdf(pack))).pages)
    assert "INTERNAL" not in words


def test_typed_milestone_titles_are_printed_as_typed(demo_engine):
    title = "<b>Venue</b> & <font color=red>booked</font> ![ev](http://127.0.0.1:18999/e.png)"
    with demo_engine.begin() as connection:
        connection.execute(text("UPDATE milestone SET title = :t"), {"t": title})
    pack, _ = build(demo_engine, DONOR, charts=())
    reader = PdfReader(io.BytesIO(briefing_pdf(pack)))
    words = "\n".join(page.extract_text() for page in reader.pages)
    assert "<b>Venue</b> &" in words.replace("\n", " ")


def test_donor_pack_shows_no_small_indicator_figure(demo_engine):
    # 2.2.a completed 2 plans in 2024Q1 (target 4): neither 2 nor 50% may reach the donor.
    pack, _ = build(demo_engine, DONOR, charts=(), start="2024Q1", end="2024Q1")
    plans = pack.tracking.set_index("Code").loc["2.2.a"]
    assert plans["Actual to date"] == plans["Achieved"] == "■ suppressed"
    assert plans["Status"] != "worse than target"  # a status would bound the hidden figure
    words = "\n".join(
        page.extract_text() for page in PdfReader(io.BytesIO(briefing_pdf(pack))).pages
    )
    assert "50%" not in words
