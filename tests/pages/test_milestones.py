"""The Activities and milestones page: timeline, late list and history, as readers see them."""

import json
from datetime import date

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from data_model import AuditEntry
from grantmon.i18n import t, use_language
from grantmon.periods import quarter_end, quarter_of, quarter_start
from grantmon.services.core.database import bump_data_version
from grantmon.vocabulary import word
from seed.scale import seed_scale
from tests.pages.apptest import plotly_charts, run_page
from tests.pages.test_french import english_left, typed_texts
from tests.pages.visible_text import as_read, visible_texts

PAGE = "pages/milestones.py"
JOINER = "\u2060"  # what breaks an address typed in text into no link
MANAGER = "manager.iom@example.org"
LATE_SQL = """
    SELECT m.code FROM milestone m JOIN activity a ON a.id = m.activity_id
    WHERE m.status IN ('not started', 'in progress') AND m.due_date < :today
      AND m.due_date BETWEEN :first AND :last
      AND (:region = 'all' OR EXISTS (SELECT 1 FROM activityregion r
                                      WHERE r.activity_id = a.id AND r.region_code = :region))
    ORDER BY m.due_date, m.code
"""


def late_codes(engine, region: str = "all") -> list[str]:
    """Late milestones due within the default period (the award's quarters to today)."""
    with engine.connect() as connection:
        start, end = connection.execute(sa.text("SELECT start_date, end_date FROM award")).one()
        start, end = (d if isinstance(d, date) else date.fromisoformat(d) for d in (start, end))
        params = {
            "today": date.today(),
            "first": quarter_start(quarter_of(start)),
            "last": quarter_end(quarter_of(min(date.today(), end))),
            "region": region,
        }
        return list(connection.execute(sa.text(LATE_SQL), params).scalars())


def test_donor_sees_the_timeline_with_the_late_milestones_of_a_region(app_database):
    app = run_page(PAGE, view_as="donor@example.org", region="MA-04")
    expected = late_codes(app_database, "MA-04")
    charts = plotly_charts(app)
    assert len(charts) == 1
    assert charts[0]["layout"]["title"]["text"].startswith("Activities and milestones")
    late_trace = [tr for tr in charts[0]["data"] if tr.get("name") == "late"]
    assert expected and len(late_trace[0]["x"]) == len(expected)
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics["⚠ late"] == str(len(expected))
    late_table = app.dataframe[0].value
    assert list(late_table["Code"]) == expected
    assert (late_table["Days late"] > 0).all()


def button_group(app, key: str):
    """A row of pills or a segmented control on the screen, by its key."""
    return next(group for group in app.button_group if group.key == key)


def test_region_filter_changes_what_is_shown(app_database):
    everywhere = run_page(PAGE, view_as="viewer@example.org")
    in_region = run_page(PAGE, view_as="viewer@example.org", region="MA-04")
    rows = [len(app.dataframe[1].value) for app in (everywhere, in_region)]
    assert rows[1] < rows[0]
    assert list(everywhere.dataframe[0].value["Code"]) == late_codes(app_database)


def test_status_filter_keeps_only_late_milestones(app_database):
    app = run_page(PAGE, view_as="viewer@example.org")
    button_group(app, "ms_states").set_value(["late"]).run()
    assert not app.exception
    table = app.dataframe[1].value
    assert set(table["Status"]) == {"⚠ late"}
    assert sorted(table["Code"]) == sorted(late_codes(app_database))
    names = {trace.get("name") for trace in plotly_charts(app)[0]["data"]}
    assert "completed" not in names


def history_of_most_late(engine, reason: str) -> int:
    """One audited update of the most late milestone (60% to 79%), with this reason; its id."""
    with Session(engine) as session:
        milestone_id = session.execute(
            sa.text("SELECT id FROM milestone WHERE code = :c"), {"c": late_codes(engine)[0]}
        ).scalar_one()
        session.add(
            AuditEntry(
                actor=MANAGER,
                action="update",
                entity="milestone",
                entity_id=str(milestone_id),
                before=json.dumps({"percent_complete": 60}),
                after=json.dumps({"percent_complete": 79}),
                reason=reason,
            )
        )
        bump_data_version(session)  # as every real write does, so cached reads refresh
        session.commit()
    return int(milestone_id)


def test_detail_opens_on_the_most_late_milestone_and_shows_its_history(app_database):
    app = run_page(PAGE, view_as="viewer@example.org")
    assert any("No changes recorded yet" in info.value for info in app.info)
    milestone_id = history_of_most_late(app_database, "Venue confirmed")
    app = run_page(PAGE, view_as="viewer@example.org")
    assert app.selectbox(key="ms_pick").value == milestone_id
    history = app.dataframe[2].value
    assert list(history["Changes"]) == ["percent complete: 60 → 79"]
    assert list(history["Reason"]) == ["Venue confirmed"]


def test_a_donor_sees_the_milestone_facts_but_no_history_of_who_changed_it(app_database):
    milestone_id = history_of_most_late(app_database, "Venue confirmed")
    app = run_page(PAGE, view_as="donor@example.org")
    assert app.selectbox(key="ms_pick").value == milestone_id
    texts = [text.replace("\\", "").replace(JOINER, "") for text in visible_texts(app)]
    assert any("Status" in text for text in texts)  # the milestone's facts
    assert not any("History of updates" in text for text in texts)
    assert not any(MANAGER in text or "Venue confirmed" in text for text in texts)


def test_a_period_without_milestones_shows_a_clear_empty_state(app_database):
    app = run_page(PAGE, view_as="donor@example.org", **{"from": "2024Q1", "to": "2024Q2"})
    infos = " ".join(info.value for info in app.info)
    assert "No milestones match these filters" in infos
    chart = plotly_charts(app)[0]
    assert "No milestones match" in chart["layout"]["annotations"][0]["text"]
    assert any("No milestone is late" in s.value for s in app.success)


def test_typed_notes_are_shown_as_typed_never_as_markup(app_database):
    most_late = late_codes(app_database)[0]
    note = "<b>Venue</b> **booked** [click](javascript:alert(1))"
    with Session(app_database) as session:
        session.execute(
            sa.text("UPDATE milestone SET notes = :n WHERE code = :c"), {"n": note, "c": most_late}
        )
        bump_data_version(session)
        session.commit()
    app = run_page(PAGE, view_as="viewer@example.org")
    detail = next(m for m in app.markdown if "Notes" in m.value)
    assert detail.value.endswith(
        r"\<b\>Venue\</b\> \*\*booked\*\* \[click\]\(javascript\:" + JOINER + r"alert\(1\)\)"
    )


def open_detail_of(app_database, evidence: str):
    """The Milestones screen opened on the most late milestone, with this evidence link stored."""
    with Session(app_database) as session:
        session.execute(
            sa.text("UPDATE milestone SET evidence_url = :u WHERE code = :c"),
            {"u": evidence, "c": late_codes(app_database)[0]},
        )
        bump_data_version(session)
        session.commit()
    app = run_page(PAGE, view_as="donor@example.org")
    return next(m.value for m in app.markdown if "Evidence" in m.value)


def test_a_stored_evidence_link_with_markdown_is_shown_as_text_and_fetches_nothing(app_database):
    detail = open_detail_of(
        app_database, "https://example.org/ ![ev](http://127.0.0.1:18999/evidence.png)"
    )
    evidence = detail.split("**Evidence:** ")[1]
    assert "![" not in evidence and "](" not in evidence and "http://127" not in evidence
    assert evidence.replace("\\", "").replace(JOINER, "") == (
        "https://example.org/ ![ev](http://127.0.0.1:18999/evidence.png)"
    )


def test_a_well_formed_evidence_link_is_the_one_link_shown(app_database):
    detail = open_detail_of(app_database, "https://example.org/report(1).pdf")
    assert detail.endswith(
        "**Evidence:** [https\\:\u2060//example\\.org/report\\(1\\)\\.pdf]"
        "(<https://example.org/report(1).pdf>)"
    )


def _timeline_rows(app) -> set[str]:
    """The activity rows (activity code · partner) the timeline chart shows."""
    rows = set()
    for trace in plotly_charts(app)[0]["data"]:
        rows |= {y for y in trace.get("y") or [] if isinstance(y, str) and " · " in y}
    return rows


def test_a_long_timeline_is_shown_forty_activities_at_a_time(app_database):
    seed_scale(app_database, 3)  # 13 demo activities and 3 x 13 more
    with app_database.connect() as connection:
        activities = connection.execute(sa.text("SELECT count(*) FROM activity")).scalar_one()
    app = run_page(PAGE, view_as="viewer@example.org", **{"from": "2024Q1", "to": "2026Q4"})
    pager = app.selectbox(key="ms_page")
    assert pager.options == [
        f"Activities 1–40 of {activities}",
        f"Activities 41–52 of {activities}",
    ]
    first = _timeline_rows(app)
    title = plotly_charts(app)[0]["layout"]["title"]["text"]
    assert title.startswith(f"Activities and milestones (Activities 1–40 of {activities})")
    pager.set_value(1).run()
    second = _timeline_rows(app)
    assert (len(first), len(second)) == (40, activities - 40)
    assert not first & second
    assert len(app.dataframe[1].value) == len(app.dataframe[1].value["Code"].unique())


def test_the_milestone_table_follows_a_write_made_elsewhere(app_database):
    late = late_codes(app_database)[0]
    before = run_page(PAGE, view_as="viewer@example.org").dataframe[1].value
    assert before.set_index("Code").loc[late, "Status"] == "⚠ late"
    with Session(app_database) as session:
        session.execute(
            sa.text(
                "UPDATE milestone SET status = 'completed', percent_complete = 100, "
                "actual_completion_date = :day WHERE code = :c"
            ),
            {"day": date.today(), "c": late},
        )
        bump_data_version(session)  # as every real write does, on whichever server
        session.commit()
    after = run_page(PAGE, view_as="viewer@example.org").dataframe[1].value
    assert after.set_index("Code").loc[late, "Status"] == "✔ completed"


def activities_and_milestones(engine) -> dict[str, list[str]]:
    """Each activity ('code title') with its milestones' codes, from the database."""
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                "SELECT a.code || ' ' || a.title, m.code FROM activity a "
                "JOIN milestone m ON m.activity_id = a.id"
            )
        ).all()
    found: dict[str, list[str]] = {}
    for activity, milestone in rows:
        found.setdefault(activity, []).append(milestone)
    return found


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_list_view_names_every_activity_with_its_milestones_state_and_due_date(
    app_database, language
):
    with use_language(language):  # AppTest formats widget options in the test's own thread
        app = run_page(PAGE, view_as="viewer@example.org", lang=language, to="2026Q4")
        button_group(app, "ms_view").set_value("list").run()
        late, due = word("late"), t("due {day}", day="")
    assert not app.exception and not plotly_charts(app)  # the list instead of the chart
    shown = "\n".join(as_read(markdown.value) for markdown in app.markdown)
    for activity, milestones in activities_and_milestones(app_database).items():
        assert f"**{activity}**" in shown
        assert all(f" {milestone} " in shown for milestone in milestones)
    assert f"⚠ {late} · {due}" in shown
    if language == "fr":  # nothing of the list is left in English
        typed = typed_texts(app_database.url.render_as_string(hide_password=False))
        # A milestone is listed under its activity without repeating the activity's name.
        typed += [text.split(": ", 1)[1] for text in typed if ": " in text]
        assert english_left(visible_texts(app), typed) == []
