"""The Gantt chart: one row per activity under its group, late milestones marked, a today line."""

from datetime import date

import pandas as pd

from grantmon.charts.milestones import milestone_gantt
from grantmon.charts.style import ChartContext

TODAY = date(2026, 1, 15)
CONTEXT = ChartContext(filters_text="2024Q1–2026Q3", source_text="Source: test records.")


def milestones() -> pd.DataFrame:
    rows = [
        ("A1.1-M1", "A1.1", "Identification and referral", "IOM", date(2025, 6, 1), "completed"),
        ("A1.1-M2", "A1.1", "Identification and referral", "IOM", date(2025, 12, 1), "late"),
        ("A4.1-M1", "A4.1", "Judicial cooperation", "UNODC", date(2026, 3, 1), "on track"),
    ]
    frame = pd.DataFrame(
        rows, columns=["code", "activity_code", "component", "partner", "due_date", "state"]
    )
    return frame.assign(
        title=frame["code"] + " title",
        activity=frame["activity_code"] + " activity",
        percent_complete=[100, 40, 20],
        planned_start=date(2025, 1, 1),
        planned_end=date(2026, 6, 30),
    )


def test_rows_sit_under_their_group_header_in_order():
    fig = milestone_gantt(milestones(), context=CONTEXT, today=TODAY)
    assert list(fig.layout.yaxis.ticktext) == ["", "A1.1 · IOM", "", "A4.1 · UNODC"]
    headers = [a.text for a in fig.layout.annotations if a.text.startswith("<b>")]
    assert headers == ["<b>Identification and referral</b>", "<b>Judicial cooperation</b>"]
    by_partner = milestone_gantt(milestones(), context=CONTEXT, today=TODAY, group_by="partner")
    assert "<b>UNODC</b>" in [a.text for a in by_partner.layout.annotations]


def test_late_milestones_carry_a_warning_symbol_and_word_not_just_colour():
    fig = milestone_gantt(milestones(), context=CONTEXT, today=TODAY)
    late = next(trace for trace in fig.data if trace.name == "⚠ late")
    assert list(late.text) == ["⚠"] and late.marker.symbol == "x"
    names = [trace.name for trace in fig.data if trace.showlegend is not False and trace.name]
    assert "✔ completed" in names and "● on track" in names


def test_today_line_and_source_line_are_drawn():
    fig = milestone_gantt(milestones(), context=CONTEXT, today=TODAY)
    assert fig.layout.shapes[0].x0 == "2026-01-15"
    texts = [a.text for a in fig.layout.annotations]
    assert "Today, 15 Jan 2026" in texts and "Source: test records." in texts


def test_no_milestones_gives_a_chart_that_says_so():
    fig = milestone_gantt(milestones().iloc[0:0], context=CONTEXT, today=TODAY)
    assert fig.layout.annotations[0].text == "No milestones match these filters."
