"""The verdict rules (docs/verdicts.md), one row per rule and boundary, and the demo's verdict."""

from datetime import date

import pytest
from sqlmodel import Session

from data_model import Role
from grantmon.services.core.access import Actor
from grantmon.services.core.filters import Filters
from grantmon.services.progress.ending import award_end
from grantmon.services.progress.verdicts import (
    AT_RISK,
    BEHIND,
    NOT_ASSESSED,
    ON_TRACK,
    award_level,
    award_verdicts,
    centres_level,
    indicators_level,
    milestones_level,
    spending_level,
)

TODAY = date(2026, 12, 7)  # the demo's today
EVERYTHING = Filters(start="2024Q1", end="2026Q4")
DONOR = Actor(email="donor@example.org", role=Role.DONOR)
ADMIN = Actor(email="admin@example.org", role=Role.ADMIN)


@pytest.mark.parametrize(
    ("spent", "elapsed", "level"),
    [
        (None, 0.5, NOT_ASSESSED),  # nothing the reader may see
        (0.50, 0.50, ON_TRACK),
        (0.45, 0.50, ON_TRACK),  # 5 points behind: the edge of on track
        (0.449, 0.50, AT_RISK),  # just over 5 points behind
        (0.40, 0.50, AT_RISK),  # 10 points behind: the edge of at risk
        (0.399, 0.50, BEHIND),  # just over 10 points behind
        (0.72, 0.83, BEHIND),  # the demo at 30 Jun 2026
        (0.55, 0.50, ON_TRACK),  # 5 points ahead
        (0.551, 0.50, AT_RISK),  # ahead by more than 5: funds may run out
        (0.90, 0.50, AT_RISK),  # far ahead is still at risk, never behind
    ],
)
def test_spending_rule(spent, elapsed, level):
    assert spending_level(spent, elapsed) == level


@pytest.mark.parametrize(
    ("late", "due", "level"),
    [
        (0, 0, NOT_ASSESSED),  # nothing due yet
        (0, 10, ON_TRACK),
        (1, 10, AT_RISK),  # any late milestone
        (1, 5, BEHIND),  # a fifth late: the edge of behind
        (19, 100, AT_RISK),  # just under a fifth
        (20, 100, BEHIND),
        (8, 36, BEHIND),  # the demo on 7 Dec 2026
    ],
)
def test_milestones_rule(late, due, level):
    assert milestones_level(late, due) == level


@pytest.mark.parametrize(
    ("below", "assessed", "level"),
    [
        (0, 0, NOT_ASSESSED),
        (0, 7, ON_TRACK),
        (1, 7, AT_RISK),
        (1, 3, AT_RISK),  # a third: not more than a third
        (2, 6, AT_RISK),
        (3, 8, BEHIND),  # more than a third
        (2, 2, BEHIND),
    ],
)
def test_indicators_rule(below, assessed, level):
    assert indicators_level(below, assessed) == level


@pytest.mark.parametrize(
    ("open_centres", "in_plan", "quarters_left", "level"),
    [
        (0, 0, 4, NOT_ASSESSED),
        (7, 7, 0, ON_TRACK),
        (6, 7, 3, AT_RISK),  # time left to open it
        (6, 7, 2, BEHIND),  # two quarters left: the edge of behind
        (0, 7, 0, BEHIND),
    ],
)
def test_centres_rule(open_centres, in_plan, quarters_left, level):
    assert centres_level(open_centres, in_plan, quarters_left) == level


@pytest.mark.parametrize(
    ("levels", "level"),
    [
        ([], NOT_ASSESSED),
        ([NOT_ASSESSED, NOT_ASSESSED], NOT_ASSESSED),
        ([ON_TRACK, NOT_ASSESSED], ON_TRACK),  # an area not assessed does not pull it down
        ([ON_TRACK, AT_RISK, ON_TRACK], AT_RISK),
        ([AT_RISK, BEHIND, ON_TRACK], BEHIND),  # the worst area
    ],
)
def test_award_rule(levels, level):
    assert award_level(levels) == level


def test_a_threshold_is_a_setting(monkeypatch):
    monkeypatch.setenv("GRANTMON_VERDICT_SPENDING_BEHIND_POINTS", "15")
    from grantmon.settings import get_settings

    get_settings.cache_clear()
    try:
        assert spending_level(0.72, 0.83) == AT_RISK  # 11 points: behind only beyond 15
    finally:
        monkeypatch.delenv("GRANTMON_VERDICT_SPENDING_BEHIND_POINTS")
        get_settings.cache_clear()


def test_the_demo_donor_reads_behind_at_30_june_with_its_figures(demo_engine):
    with Session(demo_engine) as session:
        verdicts = award_verdicts(session=session, actor=DONOR, filters=EVERYTHING, today=TODAY)
    assert verdicts.as_of.day == date(2026, 6, 30)
    assert verdicts.award.level == BEHIND
    spending = next(v for v in verdicts.areas if v.area == "spending")
    assert spending.level == BEHIND
    assert spending.reason == "72% spent at 30 Jun 2026 against 83% of the award period elapsed."
    assert spending.screen == "budget"
    assert spending.reason in verdicts.award.reason


def test_staff_read_the_latest_reported_quarter_marked_as_such(demo_engine):
    with Session(demo_engine) as session:
        verdicts = award_verdicts(session=session, actor=ADMIN, filters=EVERYTHING, today=TODAY)
    assert verdicts.as_of.day == date(2026, 9, 30)
    assert verdicts.as_of.includes_unapproved
    assert not verdicts.as_of.approved_only


def test_the_end_of_the_award_states_what_is_left(demo_engine):
    with Session(demo_engine) as session:
        end = award_end(session=session, actor=DONOR, filters=EVERYTHING, today=TODAY)
    assert end.near and end.days_left == 24
    assert end.unspent_cents == end.budget_cents - end.projected_cents
    assert 32_000_000 < end.unspent_cents < 33_000_000  # about US$326k, as the Budget screen
    assert {m.code for m in end.open_milestones} >= {"A3.1-M3", "A2.3-M1"}
    missed = {t.code for t in end.targets_missed}
    assert "2.2.a" in missed and "3.1.a" not in missed  # 69 of 150 plans; training above target
    assert "2.2.b" not in missed  # suppressed for a donor: never projected from a hidden share
