"""The Gantt chart: activities named on the axis in natural order under their group, late
milestones marked, one symbol per legend entry, a today line."""

from datetime import date

import pandas as pd

from grantmon.charts.milestones import LEGEND_ROW, NAME_WIDTH, STATE_SYMBOLS, milestone_gantt
from grantmon.charts.style import STATUS_STYLE, ChartContext
from grantmon.i18n import use_language
from grantmon.vocabulary import word

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


def activity_labels(fig) -> list[str]:
    """The activity rows' axis labels, top to bottom (group headers left out)."""
    return [label for label in fig.layout.yaxis.ticktext if not label.startswith("<b>")]


def test_rows_sit_under_their_group_header_in_order():
    fig = milestone_gantt(milestones(), context=CONTEXT, today=TODAY)
    assert list(fig.layout.yaxis.ticktext) == [
        "<b>Identification and referral</b>",
        "A1.1 A1.1 activity · IOM",
        "<b>Judicial cooperation</b>",
        "A4.1 A4.1 activity · UNODC",
    ]
    by_partner = milestone_gantt(milestones(), context=CONTEXT, today=TODAY, group_by="partner")
    assert "<b>UNODC</b>" in by_partner.layout.yaxis.ticktext


def coded(codes: list[tuple[str, str, str]]) -> pd.DataFrame:
    """One milestone for each (activity code, component, partner)."""
    frame = milestones().iloc[[0] * len(codes)].reset_index(drop=True)
    return frame.assign(
        activity_code=[code for code, _, _ in codes],
        component=[component for _, component, _ in codes],
        partner=[partner for _, _, partner in codes],
        activity=[f"{code} activity" for code, _, _ in codes],
        code=[f"{code}-M1" for code, _, _ in codes],
    )


def test_activities_run_top_down_in_natural_order_a1_1_first_a10_after_a9():
    frame = coded(
        [
            ("A5.2", "Prevention", "ILO"),
            ("A10.1", "Prevention", "IOM"),
            ("A5.1", "Prevention", "IOM"),
            ("A9.1", "Prevention", "IOM"),
            ("A3.2", "Return", "ILO"),
            ("A3.1", "Return", "IOM"),
            ("A1.1", "Identification", "IOM"),
        ]
    )
    fig = milestone_gantt(frame, context=CONTEXT, today=TODAY)
    top_down = [label.split()[0] for label in activity_labels(fig)]
    assert top_down == ["A1.1", "A3.1", "A3.2", "A5.1", "A5.2", "A9.1", "A10.1"]
    # Plotly draws a category array from the bottom up: the axis shows the same order.
    assert list(fig.layout.yaxis.categoryarray)[::-1] == list(fig.layout.yaxis.tickvals)


def test_names_are_axis_labels_outside_the_plot_and_nothing_is_written_over_the_markers():
    frame = milestones().assign(activity="Identification of victims and accommodation")
    fig = milestone_gantt(frame, context=CONTEXT, today=TODAY)
    assert all("Identification of victims" in label for label in activity_labels(fig))
    # Inside the plot only the bars, the markers and the ⚠ over each late marker.
    texts = [trace.text for trace in fig.data if trace.text is not None]
    assert all(set(text) == {"⚠"} for text in texts)
    assert not [a.text for a in fig.layout.annotations if "Identification" in a.text]


def test_a_long_name_takes_two_lines_at_most_on_the_axis():
    frame = milestones().assign(activity="Support and compensation for victims " * 4)
    label = activity_labels(milestone_gantt(frame, context=CONTEXT, today=TODAY))[0]
    assert label.count("<br>") == 1 and label.endswith("… · IOM")
    assert all(len(line) <= NAME_WIDTH for line in label.removesuffix(" · IOM").split("<br>"))


def legend_names(fig) -> list[str]:
    return [trace.name for trace in fig.data if trace.showlegend is not False and trace.name]


def every_state() -> pd.DataFrame:
    frame = milestones().iloc[[0, 0, 0, 0, 0]].reset_index(drop=True)
    return frame.assign(state=list(STATE_SYMBOLS), code=[f"A1.1-M{n}" for n in range(5)])


def test_each_legend_entry_shows_one_symbol_the_markers_own():
    for language in ("en", "fr"):
        with use_language(language):
            fig = milestone_gantt(every_state(), context=CONTEXT, today=TODAY)
            states = [word(state) for state in STATE_SYMBOLS]
        names = legend_names(fig)
        assert names[1:] == states  # after the entry for the bars
        symbols = {symbol for _, symbol in STATUS_STYLE.values()}
        assert not [name for name in names if set(name) & symbols]


def test_the_legend_has_room_for_every_entry_stacked_between_title_and_plot():
    with use_language("fr"):
        fig = milestone_gantt(every_state(), context=CONTEXT, today=TODAY)
    legend = fig.layout.legend
    from_top = (1 - legend.y) * fig.layout.height
    assert legend.yref == "container" and legend.yanchor == "top"
    assert fig.layout.margin.t - from_top >= LEGEND_ROW * len(legend_names(fig))


def test_late_milestones_carry_a_warning_symbol_and_word_not_just_colour():
    fig = milestone_gantt(milestones(), context=CONTEXT, today=TODAY)
    late = next(trace for trace in fig.data if trace.name == "late")
    assert list(late.text) == ["⚠"] and late.marker.symbol == "x"
    assert {"completed", "on track"} <= set(legend_names(fig))


def test_today_line_and_source_line_are_drawn():
    fig = milestone_gantt(milestones(), context=CONTEXT, today=TODAY)
    assert fig.layout.shapes[0].x0 == "2026-01-15"
    texts = [a.text for a in fig.layout.annotations]
    assert "Today, 15 Jan 2026" in texts and "Source: test records." in texts


def test_no_milestones_gives_a_chart_that_says_so():
    fig = milestone_gantt(milestones().iloc[0:0], context=CONTEXT, today=TODAY)
    assert fig.layout.annotations[0].text == "No milestones match these filters."
