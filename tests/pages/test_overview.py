"""The Overview answers 'is the grant on track?' with figures equal to the database's."""

from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, select

from data_model import Award
from grantmon.formatting import money
from tests.pages.apptest import opened, plotly_charts, run_page


def metrics(app) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


def sql_total(engine, statement: str) -> int:
    with engine.connect() as connection:
        return int(connection.execute(sa.text(statement)).scalar_one() or 0)


def test_funds_spent_equals_the_sum_of_expenditures_marked_when_not_all_approved(app_database):
    spent = sql_total(app_database, "SELECT SUM(amount_cents) FROM expenditure")
    budget = sql_total(app_database, "SELECT SUM(amount_cents) FROM budgetline")
    shown = metrics(run_page())
    assert shown["Funds spent to 30 Sep 2026"] == f"{spent / budget * 100:.0f}% *"
    assert shown["Award period elapsed at 30 Sep 2026"] == "92%"


def test_victims_assisted_equals_the_sum_of_reintegration_figures(app_database):
    assisted = sql_total(app_database, "SELECT SUM(assisted) FROM reintegrationfigure")
    assert metrics(run_page())["Victims assisted"] == f"{assisted:,} *"


def test_a_donor_reads_the_verdict_at_the_latest_approved_quarter(app_database):
    app = run_page(view_as="donor@example.org")
    assert app.markdown[0].value.startswith("### :red[**▼ Behind**]")
    text = " ".join(e.value for e in [*app.markdown, *app.caption])
    assert "72% spent at 30 Jun 2026 against 83% of the award period elapsed" in text
    assert "As of 30 Jun 2026, the end of Q2 2026, the latest approved quarter" in text
    with Session(app_database) as session:
        end = session.exec(select(Award)).one().end_date
    days = (end - date.today()).days  # the screen counts from the day it is read
    assert f"The end of the award: {days} days left" in [h.value for h in app.subheader]
    assert metrics(app)["Projected to stay unspent"] == "US$326,150"
    assert metrics(app)["Funds spent to 30 Jun 2026"] == "72%"  # approved only: no mark


def test_a_donor_sees_approved_figures_only(app_database):
    approved = sql_total(
        app_database, "SELECT SUM(assisted) FROM reintegrationfigure WHERE status = 'approved'"
    )
    shown = metrics(run_page(view_as="donor@example.org"))["Victims assisted"]
    assert shown == f"{approved:,}"
    assert approved < sql_total(app_database, "SELECT SUM(assisted) FROM reintegrationfigure")


def test_late_milestones_count_and_alerts_agree_with_the_database(app_database):
    late = sql_total(
        app_database,
        "SELECT COUNT(*) FROM milestone WHERE due_date < CURRENT_DATE "
        "AND status NOT IN ('completed', 'cancelled')",
    )
    app = run_page()
    assert metrics(app)["Milestones late today"] == str(late)
    alerts = " ".join(item.value for item in app.markdown)
    assert "days late" in alerts and "worse than target" in alerts


def test_filters_change_the_figures(app_database):
    everywhere = metrics(run_page())["Victims assisted"]
    oujda = sql_total(
        app_database, "SELECT SUM(assisted) FROM reintegrationfigure WHERE region_code = 'MA-02'"
    )
    in_oriental = metrics(run_page(region="MA-02"))["Victims assisted"]
    assert in_oriental == f"{oujda:,} *" != everywhere


def test_spending_against_time_is_drawn_beside_results_one_measure_per_axis(app_database):
    (chart,) = plotly_charts(run_page())
    names = [trace["name"] for trace in chart["data"]]
    assert names == ["Budget spent", "Award period elapsed", "Life-of-award targets reached (mean)"]
    assert [trace.get("yaxis", "y") for trace in chart["data"]] == ["y", "y", "y2"]
    assert chart["layout"]["yaxis"]["title"]["text"] == "% of the award"
    assert chart["layout"]["yaxis2"]["title"]["text"] == "% of targets"
    assert "Spending against time, and results" in chart["layout"]["title"]["text"]
    notes = " ".join(a["text"] for a in chart["layout"]["annotations"])
    assert "INTERNAL, NOT FOR THE DONOR" in notes and "as of 30 Sep 2026" in notes
    spent = chart["data"][0]
    symbols = dict(zip(spent["x"], spent["marker"]["symbol"], strict=True))
    assert symbols["Q3 2026"] == "circle-open" and symbols["Q2 2026"] == "circle"  # unapproved


def test_award_facts_keep_their_source_and_caveats(app_database):
    app = run_page()
    assert not app.dataframe  # folded: built when the reader opens the section
    app = opened(app, "award-facts")
    captions = " ".join(caption.value for caption in app.caption)
    assert "Source: US Embassy Rabat and press coverage, 10 May 2024" in captions
    partners, context = (frame.value for frame in app.dataframe[:2])
    assert list(partners["Partner"]) == ["IOM", "UNODC", "ILO"]
    assert "Not a 2024 result" in " ".join(context["Caveat"])


def test_demo_data_and_local_mode_are_marked(app_database):
    app = run_page()
    assert any("DEMO DATA" in warning.value for warning in app.warning)
    assert any("Local mode" in info.value for info in app.info)


def shown_outside_expanders(app) -> str:
    """The text of the screen's markdown and captions that is visible without opening anything."""
    hidden = {id(e.proto) for box in app.expander for e in [*box.markdown, *box.caption]}
    return " ".join(e.value for e in [*app.markdown, *app.caption] if id(e.proto) not in hidden)


def test_the_header_states_amount_period_and_partners(app_database):
    with Session(app_database) as session:
        award = session.exec(select(Award)).one()
    header = shown_outside_expanders(run_page())
    assert money(award.amount_cents) == "US$2,500,000"
    assert "US\\$2,500,000" in header  # escaped, so Markdown never reads it as mathematics
    assert "1 Jan 2024 – 31 Dec 2026" in header and "assumed" in header
    assert all(partner in header for partner in ("IOM", "UNODC", "ILO"))


def test_a_period_that_is_public_is_not_marked_assumed(app_database):
    with Session(app_database) as session:
        session.exec(select(Award)).one().period_is_assumed = False
        session.commit()
    assert "assumed" not in shown_outside_expanders(run_page())


def test_header_text_from_the_database_is_shown_as_written(app_database):
    with Session(app_database) as session:
        session.exec(select(Award)).one().title = "Protection *and* $reintegration$ [see](x)"
        session.commit()
    app = run_page()
    assert app.subheader[0].value == r"Protection \*and\* \$reintegration\$ \[see\]\(x\)"


def test_a_donor_sees_no_change_that_reveals_a_hidden_quarter(app_database):
    # Oriental, 2024Q1-Q3: 8 assisted, 2 of them in 2024Q3 (hidden on Reintegration).
    window = {"from": "2024Q1", "to": "2024Q3", "region": "MA-02"}
    donor = {m.label: m for m in run_page(view_as="donor@example.org", **window).metric}
    assert donor["Victims assisted"].value == "8"
    assert not donor["Victims assisted"].delta
    assert not donor["Reintegration plans completed"].delta
    viewer = {m.label: m for m in run_page(view_as="viewer@example.org", **window).metric}
    assert viewer["Victims assisted"].delta == "+2"  # IOM staff see the true change
