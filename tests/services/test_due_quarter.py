"""Entry screens open on the quarter that is due and the milestone that is most urgent."""

from datetime import date

import pandas as pd

from grantmon.services.core.entry_rules import due_quarter
from grantmon.services.milestones.updates import most_urgent

OFFERED = ["2026Q4", "2026Q3", "2026Q2"]  # latest first, as the entry screens offer them


def test_the_quarter_due_is_the_latest_that_has_ended():
    assert due_quarter(OFFERED, date(2026, 12, 7)) == "2026Q3"
    assert due_quarter(OFFERED, date(2026, 10, 1)) == "2026Q3"


def test_after_the_award_its_last_quarter_is_due_and_in_its_first_the_first():
    assert due_quarter(OFFERED, date(2027, 5, 1)) == "2026Q4"
    assert due_quarter(["2026Q2"], date(2026, 4, 3)) == "2026Q2"
    assert due_quarter([], date(2026, 4, 3)) is None


def milestones(*rows: tuple[str, str, str]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["code", "due_date", "status"])
    frame["due_date"] = pd.to_datetime(frame["due_date"]).dt.date
    return frame


def test_the_most_urgent_is_the_open_one_due_first_then_by_code():
    found = milestones(
        ("A1.1-M1", "2024-06-30", "completed"),
        ("A2.1-M2", "2025-03-31", "in progress"),
        ("A1.2-M1", "2025-03-31", "not started"),
        ("A3.1-M1", "2025-01-31", "cancelled"),
    )
    assert found.iloc[most_urgent(found)]["code"] == "A1.2-M1"
    assert most_urgent(found.iloc[[0, 3]].reset_index(drop=True)) is None
