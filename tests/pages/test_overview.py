"""The Overview page shows the award's headline facts with their provenance."""

from sqlmodel import Session, select

from data_model import Award
from grantmon.formatting import money
from tests.pages.apptest import run_page


def test_overview_shows_the_award_amount_from_the_database(app_database):
    with Session(app_database) as session:
        award = session.exec(select(Award)).one()
    app = run_page()
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics["Award amount"] == money(award.amount_cents) == "US$2,500,000"
    assert "Award period (assumed)" in metrics


def test_overview_names_the_source_of_the_amount(app_database):
    captions = " ".join(caption.value for caption in run_page().caption)
    assert "Source: US Embassy Rabat and press coverage, 10 May 2024" in captions
    assert "Assumption:" in captions


def test_overview_marks_demo_data_and_local_mode(app_database):
    app = run_page()
    assert any("DEMO DATA" in warning.value for warning in app.warning)
    assert any("Local mode" in info.value for info in app.info)


def test_overview_lists_partners_and_caveated_context(app_database):
    app = run_page()
    partners, context = (frame.value for frame in app.dataframe[:2])
    assert list(partners["Partner"]) == ["IOM", "UNODC", "ILO"]
    assert partners.loc[partners["Partner"] == "UNODC", "Amount"].item() == "not public"
    assert "Not a 2024 result" in " ".join(context["Caveat"])
