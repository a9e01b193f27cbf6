"""The Budget page shows SQL-true totals, its charts, and what each role may see."""

from sqlalchemy import Engine, text

from grantmon.formatting import money
from tests.pages.apptest import plotly_charts, run_page

PAGE = "pages/budget.py"
CHART_TITLES = (
    "Cumulative spending against plan",
    "By cost category (SF-424A)",
    "By partner",
    "Spending by quarter",
)


def sql_total(engine: Engine, query: str, **params: str) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text(query), params).scalar_one())


def spent(engine: Engine, status_clause: str = "", partner: str = "all") -> int:
    return sql_total(
        engine,
        "SELECT SUM(e.amount_cents) FROM expenditure e "
        "JOIN budgetline b ON b.id = e.budget_line_id JOIN partner p ON p.id = b.partner_id "
        "WHERE (:partner = 'all' OR p.code = :partner) " + status_clause,
        partner=partner,
    )


def metrics(app) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


def captions(app) -> str:
    return " ".join(caption.value for caption in app.caption)


def test_donor_sees_approved_spending_and_every_chart(app_database):
    app = run_page(PAGE, view_as="donor@example.org", region="MA-04", to="2026Q3")
    shown = metrics(app)
    budget = sql_total(app_database, "SELECT SUM(amount_cents) FROM budgetline")
    assert shown["Budget"] == money(budget) == "US$2,500,000"
    approved = spent(app_database, "AND e.status = 'approved'")
    # Compared at the end of the latest approved quarter, not at the end of the period chosen.
    assert shown["Spent to 30 Jun 2026"] == money(approved)
    assert shown["Award period elapsed at 30 Jun 2026"] == "83%"
    assert any("As of 30 Jun 2026, the end of Q2 2026" in m.value for m in app.markdown)
    titles = [chart["layout"]["title"]["text"] for chart in plotly_charts(app)]
    for title in CHART_TITLES:
        assert any(text.startswith(title) for text in titles), title
    assert "Approved expenditure only." in captions(app)
    assert all("Not yet approved" not in frame.value.columns for frame in app.dataframe)


def test_region_filter_does_not_apply_and_the_page_says_so(app_database):
    app = run_page(PAGE, view_as="donor@example.org", region="MA-04")
    assert "Region and component filters do not apply to the budget" in captions(app)
    everywhere = run_page(PAGE, view_as="donor@example.org")
    assert metrics(app) == metrics(everywhere)


def test_viewer_sees_the_amount_not_yet_approved(app_database):
    app = run_page(PAGE, view_as="viewer@example.org", to="2026Q3")
    assert metrics(app)["Spent to 30 Sep 2026"] == money(spent(app_database)) + " *"
    pending = spent(app_database, "AND e.status <> 'approved'")
    assert f"Includes {money(pending)} of expenditure not yet approved" in captions(app)
    off_plan = app.dataframe[0].value
    assert "Not yet approved" in off_plan.columns
    travel = off_plan[(off_plan["Partner"] == "IOM") & (off_plan["Cost category"] == "Travel")]
    assert travel["Status"].item() == "▲ over plan"
    quarterly = next(
        c for c in plotly_charts(app) if "Spending by quarter" in c["layout"]["title"]["text"]
    )
    assert "Not yet approved" in [trace["name"] for trace in quarterly["data"]]


def test_partner_filter_from_the_link_narrows_the_budget(app_database):
    app = run_page(PAGE, view_as="viewer@example.org", partner="ILO", **{"to": "2025Q4"})
    shown = metrics(app)
    assert shown["Budget"] == "US$430,000"
    ilo_spent = spent(app_database, "AND e.quarter <= '2025Q4'", partner="ILO")
    assert shown["Spent to 31 Dec 2025"] == money(ilo_spent)


def test_page_says_the_budget_lines_are_assumptions(app_database):
    app = run_page(PAGE, view_as="donor@example.org")
    assert "**Assumed budget.**" in captions(app)
    source_line = str(plotly_charts(app)[0]["layout"]["annotations"]).replace("<br>", " ")
    assert "assumed budget lines" in source_line
