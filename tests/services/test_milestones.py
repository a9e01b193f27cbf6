"""Milestone states, late lists and histories match raw SQL on the seeded demo database."""

import json
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from data_model import AuditEntry
from grantmon.periods import quarter_end, quarter_start
from grantmon.services.core.access import Actor, ReadRefused
from grantmon.services.core.filters import Filters
from grantmon.services.milestones.reads import (
    STATES,
    completed_in_quarter,
    describe_changes,
    late_milestones,
    milestone_detail,
    milestone_history,
    milestone_status_counts,
    milestone_timeline,
    milestones_outside_period,
)
from seed.demo import DEMO_AS_OF

TODAY = DEMO_AS_OF  # the day the demo's statuses were set: every state but cancelled occurs
EVERYTHING = Filters(start="2024Q1", end="2026Q4")
DONOR = Actor(email="donor@example.org", role="donor")
VIEWER = Actor(email="viewer@example.org", role="viewer")

# Independent of the service: the rules of the module docstring, written as plain SQL.
STATE_SQL = """
    CASE WHEN m.status IN ('completed', 'cancelled') THEN m.status
         WHEN m.due_date < :today THEN 'late'
         WHEN m.status = 'in progress' THEN 'on track'
         ELSE m.status END
"""
FROM_SQL = """
    FROM milestone m JOIN activity a ON a.id = m.activity_id JOIN partner p ON p.id = a.partner_id
    WHERE m.due_date BETWEEN :first AND :last
      AND (:partner = 'all' OR p.code = :partner)
      AND (:component = 'all' OR a.component = :component)
      AND (:region = 'all' OR EXISTS (SELECT 1 FROM activityregion r
                                      WHERE r.activity_id = a.id AND r.region_code = :region))
"""
QUARTER_BOUNDS = {"2024Q1": date(2024, 1, 1), "2025Q1": date(2025, 1, 1)}
QUARTER_ENDS = {
    "2025Q2": date(2025, 6, 30),
    "2026Q3": date(2026, 9, 30),
    "2026Q4": date(2026, 12, 31),
}


def _params(filters: Filters, today: date = TODAY) -> dict:
    return {
        "today": today,
        "first": QUARTER_BOUNDS[filters.start],
        "last": QUARTER_ENDS[filters.end],
        "partner": filters.partner,
        "component": filters.component,
        "region": filters.region,
    }


def sql_counts(engine, filters: Filters, today: date = TODAY) -> dict[str, int]:
    query = f"SELECT {STATE_SQL} AS state, COUNT(*) {FROM_SQL} GROUP BY 1"
    with engine.connect() as connection:
        rows = connection.execute(sa.text(query), _params(filters, today)).all()
    return {state: int(count) for state, count in rows}


def sql_late_codes(engine, filters: Filters, today: date = TODAY) -> list[tuple[str, date]]:
    query = f"SELECT m.code, m.due_date {FROM_SQL} AND {STATE_SQL} = 'late' ORDER BY m.due_date"
    with engine.connect() as connection:
        rows = connection.execute(sa.text(query), _params(filters, today)).all()
    # Raw SQLite hands dates back as ISO text.
    return [(code, date.fromisoformat(str(due))) for code, due in rows]


def counts(engine, filters: Filters, actor: Actor = VIEWER, today: date = TODAY) -> dict[str, int]:
    with Session(engine) as session:
        frame = milestone_status_counts(session=session, actor=actor, filters=filters, today=today)
    return dict(zip(frame["status"], frame["count"], strict=True))


def test_status_counts_match_sql_and_always_list_the_five_states(demo_engine):
    found = counts(demo_engine, EVERYTHING)
    expected = sql_counts(demo_engine, EVERYTHING)
    assert list(found) == list(STATES)
    assert found == {state: expected.get(state, 0) for state in STATES}
    assert found["completed"] > 0 and found["late"] > 0 and found["on track"] > 0
    assert found["not started"] > 0 and found["cancelled"] == 0
    with demo_engine.connect() as connection:
        assert (
            sum(found.values())
            == connection.execute(sa.text("SELECT COUNT(*) FROM milestone")).scalar()
        )


@pytest.mark.parametrize(
    "changed",
    [
        {"region": "MA-04"},
        {"partner": "ILO"},
        {"component": "Judicial cooperation"},
        {"start": "2025Q1", "end": "2025Q2"},
    ],
)
def test_each_sidebar_filter_changes_the_counts_as_sql_does(demo_engine, changed):
    filters = replace(EVERYTHING, **changed)
    found = counts(demo_engine, filters)
    expected = sql_counts(demo_engine, filters)
    assert found == {state: expected.get(state, 0) for state in STATES}
    assert sum(found.values()) < sum(counts(demo_engine, EVERYTHING).values())


def sql_completed_in(engine, filters: Filters, quarter: str) -> int:
    query = f"SELECT COUNT(*) {FROM_SQL} AND m.actual_completion_date BETWEEN :done_1 AND :done_2"
    params = _params(filters) | {"done_1": quarter_start(quarter), "done_2": quarter_end(quarter)}
    with engine.connect() as connection:
        return int(connection.execute(sa.text(query), params).scalar_one())


@pytest.mark.parametrize("changed", [{}, {"partner": "ILO"}, {"region": "MA-04"}])
def test_the_overview_counts_milestones_completed_in_a_quarter_as_sql_does(demo_engine, changed):
    filters = replace(EVERYTHING, **changed)
    found = {}
    with Session(demo_engine) as session:
        for quarter in ("2024Q1", "2024Q2", "2024Q3", "2024Q4", "2025Q1", "2025Q2", "2025Q3"):
            found[quarter] = completed_in_quarter(
                session=session, actor=VIEWER, filters=filters, quarter=quarter
            )
    expected = {quarter: sql_completed_in(demo_engine, filters, quarter) for quarter in found}
    assert found == expected
    if not changed:
        assert sum(found.values()) > 0


def test_a_later_day_turns_on_track_milestones_late(demo_engine):
    later = date(2027, 1, 1)
    before, after = counts(demo_engine, EVERYTHING), counts(demo_engine, EVERYTHING, today=later)
    assert after["late"] == before["late"] + before["on track"] + before["not started"]
    assert after["on track"] == after["not started"] == 0


def test_late_milestones_are_most_late_first_with_days_late(demo_engine):
    filters = replace(EVERYTHING, region="MA-04")
    with Session(demo_engine) as session:
        late = late_milestones(session=session, actor=DONOR, filters=filters, today=TODAY)
    expected = sql_late_codes(demo_engine, filters)
    assert list(late["code"]) == [code for code, _ in expected]
    assert list(late["days_late"]) == [(TODAY - due).days for _, due in expected]
    assert late["days_late"].is_monotonic_decreasing and (late["days_late"] > 0).all()
    assert (late["status"] != "completed").all()
    assert list(late.columns) == [
        "code",
        "title",
        "activity",
        "partner",
        "component",
        "due_date",
        "days_late",
        "percent_complete",
        "status",
    ]


def test_donors_see_every_milestone_as_staff_do(demo_engine):
    with Session(demo_engine) as session:
        frames = [
            milestone_timeline(session=session, actor=actor, filters=EVERYTHING, today=TODAY)
            for actor in (DONOR, VIEWER)
        ]
    # The same milestones and figures; who updated them a donor reads as the organisation.
    who = "updated_by"
    assert frames[0].drop(columns=who).equals(frames[1].drop(columns=who))
    assert set(frames[0][who]) == {"IOM"} and set(frames[1][who]) == {"demo seed"}
    assert counts(demo_engine, EVERYTHING, actor=DONOR) == counts(demo_engine, EVERYTHING)


def test_timeline_keeps_only_the_chosen_states(demo_engine):
    with Session(demo_engine) as session:
        late = milestone_timeline(
            session=session, actor=VIEWER, filters=EVERYTHING, today=TODAY, states=("late",)
        )
        everything = milestone_timeline(
            session=session, actor=VIEWER, filters=EVERYTHING, today=TODAY
        )
    assert set(late["state"]) == {"late"}
    assert sorted(late["code"]) == sorted(
        code for code, _ in sql_late_codes(demo_engine, EVERYTHING)
    )
    assert len(everything) == sum(counts(demo_engine, EVERYTHING).values())


def test_milestones_outside_the_period_are_counted(demo_engine):
    narrow = replace(EVERYTHING, end="2026Q3")
    with Session(demo_engine) as session:
        outside = milestones_outside_period(session=session, actor=VIEWER, filters=narrow)
    with demo_engine.connect() as connection:
        expected = connection.execute(
            sa.text("SELECT COUNT(*) FROM milestone WHERE due_date > :last"),
            {"last": date(2026, 9, 30)},
        ).scalar()
    assert outside == expected > 0


def _milestone_id(engine, code: str) -> int:
    with engine.connect() as connection:
        return int(
            connection.execute(
                sa.text("SELECT id FROM milestone WHERE code = :c"), {"c": code}
            ).scalar()
        )


def test_detail_names_the_activity_partner_and_regions(demo_engine):
    milestone_id = _milestone_id(demo_engine, "A1.1-M3")
    with Session(demo_engine) as session:
        detail = milestone_detail(
            session=session, actor=DONOR, milestone_id=milestone_id, today=TODAY
        )
        missing = milestone_detail(session=session, actor=DONOR, milestone_id=-1, today=TODAY)
    assert detail is not None and missing is None
    assert detail.activity_code == "A1.1" and detail.partner == "IOM"
    assert detail.regions == ["MA-01", "MA-04", "MA-06"]
    assert detail.updated_by == "IOM"  # a donor is told the organisation, never the person


def test_a_donor_sees_who_updated_a_milestone_as_an_organisation_staff_see_the_person(demo_engine):
    milestone_id = _milestone_id(demo_engine, "A1.1-M3")
    with demo_engine.begin() as connection:
        connection.execute(
            sa.text("UPDATE milestone SET updated_by = 'manager.iom@example.org' WHERE id = :i"),
            {"i": milestone_id},
        )
    with Session(demo_engine) as session:
        shown = {
            actor.role: (
                milestone_detail(
                    session=session, actor=actor, milestone_id=milestone_id, today=TODAY
                ),
                milestone_timeline(session=session, actor=actor, filters=EVERYTHING, today=TODAY),
            )
            for actor in (DONOR, VIEWER)
        }
    donor_detail, donor_timeline = shown["donor"]
    staff_detail, staff_timeline = shown["viewer"]
    assert donor_detail is not None and staff_detail is not None
    assert staff_detail.updated_by == "manager.iom@example.org"
    assert "@" not in donor_detail.updated_by
    assert not donor_timeline["updated_by"].str.contains("@").any()
    assert staff_timeline["updated_by"].str.contains("@").any()


def _audit(session: Session, milestone_id: int, at: datetime, before: dict, after: dict) -> None:
    session.add(
        AuditEntry(
            at=at,
            actor="manager.iom@example.org",
            action="update",
            entity="milestone",
            entity_id=str(milestone_id),
            before=json.dumps(before),
            after=json.dumps(after),
            reason="Quarterly review",
        )
    )


def test_history_is_empty_until_a_change_is_audited_then_newest_first(demo_engine):
    milestone_id = _milestone_id(demo_engine, "A1.1-M3")
    with Session(demo_engine) as session:
        assert milestone_history(session=session, actor=VIEWER, milestone_id=milestone_id).empty
        first, second = datetime(2026, 10, 1, tzinfo=UTC), datetime(2026, 11, 2, tzinfo=UTC)
        _audit(session, milestone_id, first, {"percent_complete": 60}, {"percent_complete": 82})
        _audit(
            session,
            milestone_id,
            second,
            {"status": "in progress", "percent_complete": 82},
            {"status": "completed", "percent_complete": 100},
        )
        _audit(session, milestone_id + 1, second, {"status": "x"}, {"status": "y"})
        session.commit()
        history = milestone_history(session=session, actor=VIEWER, milestone_id=milestone_id)
        with pytest.raises(ReadRefused):  # who changed it, and why, is for staff
            milestone_history(session=session, actor=DONOR, milestone_id=milestone_id)
    assert list(history["changes"]) == [
        "percent complete: 82 → 100; status: in progress → completed",
        "percent complete: 60 → 82",
    ]
    assert set(history["actor"]) == {"manager.iom@example.org"}


def test_changes_read_plainly_even_when_not_json():
    assert (
        describe_changes(None, json.dumps({"notes": "Venue booked"})) == "notes: — → Venue booked"
    )
    assert describe_changes("free text", "more text") == "more text"
