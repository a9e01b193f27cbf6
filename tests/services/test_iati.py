"""The IATI file validates against the official 2.03 schema and says, read back, what the
database holds in the donor's view: targets, actuals, codes, budgets and spending."""

from datetime import date

import pandas as pd
import pytest
from lxml import etree
from sqlmodel import Session

from data_model import Role
from grantmon.services.budget.reads import quarterly_spending
from grantmon.services.core.access import Actor
from grantmon.services.core.award import award_summary
from grantmon.services.core.filters import filter_options
from grantmon.services.core.privacy import counts_victims, suppression_threshold
from grantmon.services.publication.iati import (
    InvalidIati,
    activity_schema,
    iati_activities,
    validated,
)
from grantmon.services.results.indicators import indicator_tracking, quarterly_figures

DONOR = Actor(email="donor@example.org", role=Role.DONOR)
VIEWER = Actor(email="viewer@example.org", role=Role.VIEWER)


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """The demo's file (made as a viewer: it is the donor's view whoever asks) and the donor's
    own reads of the same database."""
    from data_model.db import make_engine, upgrade
    from seed.run import seed_database

    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('iati') / 'iati.db'}")
    upgrade(engine)
    seed_database(engine, demo=True)
    with Session(engine) as session:
        document = etree.fromstring(iati_activities(session=session, actor=VIEWER))
        filters = filter_options(session=session, actor=DONOR).defaults()
        reads = {
            "award": award_summary(session=session, actor=DONOR),
            "tracking": indicator_tracking(
                session=session, actor=DONOR, filters=filters, today=date.today()
            ),
            "figures": quarterly_figures(
                session=session, actor=DONOR, filters=filters, today=date.today()
            ),
            "spending": quarterly_spending(session=session, actor=DONOR, filters=filters),
        }
    yield document, reads
    engine.dispose()


def test_the_file_validates_against_the_iati_203_schema(published):
    document, _ = published
    assert activity_schema().validate(document), activity_schema().error_log
    assert document.get("version") == "2.03"
    assert document.findtext("iati-activity/iati-identifier") == "XM-DAC-47066-JTIP-MA-2024"


def test_organisations_places_and_sector_carry_their_codes(published):
    activity = published[0].find("iati-activity")
    assert activity.find("reporting-org").attrib == {"ref": "XM-DAC-47066", "type": "40"}
    roles = [(o.get("role"), o.findtext("narrative")) for o in activity.iter("participating-org")]
    assert roles[0] == ("1", "United States Department of State")
    assert [r for r, _ in roles[1:]] == ["4", "4", "4"]
    assert activity.find("recipient-country").get("code") == "MA"
    locations = activity.findall("location")
    assert len(locations) == 12 and all(
        loc.find("feature-designation").get("code") == "ADM1" for loc in locations
    )
    sector = activity.find("sector")
    assert (sector.get("vocabulary"), sector.get("code")) == ("1", "15190")
    titles = {n.get("{http://www.w3.org/XML/1998/namespace}lang"): n.text
              for n in activity.find("title")}  # fmt: skip
    assert titles[None].startswith("Protection and") and titles["fr"].startswith("Protection et")


def test_budgets_add_up_to_the_award_and_expenditures_are_the_approved_quarters(published):
    document, reads = published
    activity = document.find("iati-activity")
    budgets = [float(b.findtext("value")) for b in activity.iter("budget")]
    assert round(sum(budgets), 2) == reads["award"].amount_cents / 100 and len(budgets) == 3
    spent = {
        t.findtext("description/narrative").rsplit(" ", 1)[1]: float(t.findtext("value"))
        for t in activity.iter("transaction")
        if t.find("transaction-type").get("code") == "4"
    }
    approved = reads["spending"].set_index("quarter")["spent_cents"]
    assert spent == {q: c / 100 for q, c in approved.items() if c > 0}


def _periods(indicator) -> dict[tuple[str, str], tuple]:
    found = {}
    for period in indicator.iter("period"):
        span = (
            period.find("period-start").get("iso-date"),
            period.find("period-end").get("iso-date"),
        )
        target = period.find("target")
        actuals = [a for a in period.findall("actual") if a.find("dimension") is None]
        found[span] = (
            float(target.get("value")) if target is not None else None,
            float(actuals[0].get("value")) if actuals else None,
        )
    return found


def test_each_indicator_has_the_donors_targets_actuals_and_standard_code(published):
    document, reads = published
    indicators = {
        i.findtext("title/narrative").split(" ", 1)[0]: i for i in document.iter("indicator")
    }
    tracking = reads["tracking"]
    assert set(indicators) == set(tracking["code"])
    for row in tracking.itertuples():
        indicator = indicators[row.code]
        reference = indicator.find("reference")
        if isinstance(row.standard_code, str) and row.standard_code:
            assert (reference.get("vocabulary"), reference.get("code")) == ("3", row.standard_code)
        periods = _periods(indicator)
        for figure in reads["figures"][reads["figures"]["code"] == row.code].itertuples():
            quarter = pd.Period(figure.quarter, freq="Q")
            span = (quarter.start_time.date().isoformat(), quarter.end_time.date().isoformat())
            target, actual = periods[span]
            assert target == (None if pd.isna(figure.target) else figure.target)
            shown = None if figure.actual_hidden or pd.isna(figure.actual) else figure.actual
            assert actual == shown, (row.code, figure.quarter)


def test_no_victim_count_from_1_to_the_threshold_is_published(published):
    document, reads = published
    victims = set(reads["tracking"][reads["tracking"]["unit"].map(counts_victims)]["code"])
    small = [
        (code, actual.get("value"))
        for indicator in document.iter("indicator")
        if (code := indicator.findtext("title/narrative").split(" ", 1)[0]) in victims
        for actual in indicator.iter("actual")
        if 1 <= float(actual.get("value")) <= suppression_threshold()
    ]
    assert small == [] and any(True for _ in document.iter("dimension"))


def test_a_document_the_schema_refuses_is_never_handed_over(published):
    broken = etree.fromstring(etree.tostring(published[0]))
    broken.find("iati-activity").remove(broken.find("iati-activity/iati-identifier"))
    with pytest.raises(InvalidIati, match=r"IATI 2\.03 schema"):
        validated(broken)
