"""The timeline as a list: the chart's activities in the same order, each with its milestones."""

from datetime import date

import pandas as pd

from grantmon.i18n import use_language
from grantmon.ui.timeline import activity_list


def milestones() -> pd.DataFrame:
    rows = [
        ("A10.1", "Support *all* victims", "Protection", "IOM", "A10.1-M1", "late", 1),
        ("A2.1", "Open centres", "Protection", "IOM", "A2.1-M2", "completed", 9),
        ("A2.1", "Open centres", "Protection", "IOM", "A2.1-M1", "not started", 3),
        ("A9.1", "Train judges", "Justice", "UNODC", "A9.1-M1", "cancelled", 5),
    ]
    frame = pd.DataFrame(
        rows,
        columns=["activity_code", "activity", "component", "partner", "code", "state", "month"],
    )
    return frame.assign(
        title=frame["activity"] + ": step " + frame["code"].str[-1],
        due_date=[date(2026, month, 1) for month in frame["month"]],
    )


def test_groups_follow_their_first_activity_and_activities_run_in_natural_order():
    groups = activity_list(milestones(), "component")
    assert [group for group, _ in groups] == ["Protection", "Justice"]
    protection = groups[0][1]
    assert protection.index("A2\\.1 Open") < protection.index("A10\\.1 Support")


def test_each_milestone_says_its_state_and_due_date_soonest_first_without_repeating_names():
    with use_language("fr"):
        protection = activity_list(milestones(), "component")[0][1]
    first, second = protection.index("A2\\.1\\-M1"), protection.index("A2\\.1\\-M2")
    assert first < second  # due in March before September
    assert "- ○ non commencé · échéance 1 mars 2026 · A2\\.1\\-M1 step 1" in protection


def test_typed_names_are_shown_as_typed_never_as_markdown():
    protection = activity_list(milestones(), "component")[0][1]
    assert "**A10\\.1 Support \\*all\\* victims** · IOM" in protection
