"""Activities and milestones: the plan on a timeline, what is late, and each milestone's history."""

from datetime import date

import pandas as pd
import plotly.graph_objects as go
import pyarrow as pa
import streamlit as st

from grantmon.charts.milestones import (
    ACTIVITIES_PER_PAGE,
    GROUPINGS,
    activity_count,
    milestone_gantt,
    page_of_timeline,
)
from grantmon.charts.style import status_label
from grantmon.formatting import colon, date_time, long_date, number, percent_sign
from grantmon.i18n import t
from grantmon.services.core.access import Actor, may_read
from grantmon.services.core.filters import Filters, filter_options
from grantmon.services.milestones.reads import (
    LATE,
    ON_TRACK,
    STATES,
    MilestoneDetail,
    late_milestones,
    milestone_detail,
    milestone_history,
    milestone_status_counts,
    milestone_timeline,
    milestones_outside_period,
)
from grantmon.ui.charts import chart_context, figure_of, show
from grantmon.ui.page import start_page
from grantmon.ui.runtime import kept, load, ready_to_send
from grantmon.ui.tables import show_table
from grantmon.ui.text import evidence_link, plain
from grantmon.ui.timeline import LIST, activity_list, show_activity_list, timeline_view
from grantmon.vocabulary import word

page = start_page(
    __file__,
    t("Activities and milestones"),
    t("Where each activity stands against its plan, which milestones are late, and why."),
)
actor, filters = page.actor, page.filters
today = date.today()
GROUP_LABELS = {"component": t("Component"), "partner": t("Partner")}


def controls() -> tuple[tuple[str, ...], str]:
    """The status filter of this page and how to group the timeline's rows."""
    left, right = st.columns([3, 2])
    # Pills that wrap onto a second row: chips in a box, or a row scrolled sideways, would cut
    # the last states off (in French above all).
    chosen = left.pills(
        t("Status"),
        list(STATES),
        selection_mode="multi",
        default=list(STATES),
        format_func=status_label,
        key="ms_states",
        wrap=True,
    )
    group_by = right.radio(
        t("Group rows by"),
        GROUPINGS,
        format_func=GROUP_LABELS.__getitem__,
        horizontal=True,
        key="ms_group",
    )
    return tuple(chosen), str(group_by)


def status_metrics() -> None:
    """Milestones done, on track and late (the status filter above does not change these)."""
    counts = load(milestone_status_counts, actor, filters=filters, today=today)
    count = dict(zip(counts["status"], counts["count"], strict=True))
    done, on_track, late = st.columns(3)
    done.metric(status_label("completed"), number(count["completed"]))
    on_track.metric(
        status_label(ON_TRACK),
        number(count[ON_TRACK]),
        help=t("In progress and due today or later."),
    )
    late.metric(
        status_label(LATE),
        number(count[LATE]),
        help=t("Not completed or cancelled, and due before today ({day}).", day=long_date(today)),
    )
    st.caption(
        t(
            "{not_started}: {n} · {cancelled}: {c} · out of {total} milestones due in the period.",
            not_started=status_label("not started"),
            n=number(count["not started"]),
            cancelled=status_label("cancelled"),
            c=number(count["cancelled"]),
            total=number(int(counts["count"].sum())),
        )
    )


def filter_notes() -> None:
    """Say how the sidebar filters apply to milestones, and what the period leaves out."""
    notes = [
        t("Period: milestones due in the selected quarters."),
        t("Region: a milestone counts for every region its activity works in."),
    ]
    outside = load(milestones_outside_period, actor, filters=filters)
    if outside:
        notes.append(
            t(
                "{n} more milestones fall due outside the selected period; "
                "widen the period in the sidebar to see them.",
                n=number(outside),
            )
        )
    st.caption(" ".join(notes))


def gantt(
    *,
    actor: Actor,
    filters: Filters,
    today: date,
    states: tuple[str, ...],
    group_by: str,
    page: int,
) -> go.Figure:
    """One page of the Gantt chart (built once per data version and inputs)."""
    milestones = load(milestone_timeline, actor, filters=filters, today=today, states=states)
    shown = page_of_timeline(milestones, group_by, page)
    total = activity_count(milestones)
    part = _page_label(page, total) if total > ACTIVITIES_PER_PAGE else ""
    ctx = chart_context(filters, actor)
    return figure_of(milestone_gantt, shown, context=ctx, today=today, group_by=group_by, part=part)


def listed(
    *,
    actor: Actor,
    filters: Filters,
    today: date,
    states: tuple[str, ...],
    group_by: str,
    page: int,
) -> list[tuple[str, str]]:
    """The same page of the timeline as a list (built once per data version and inputs)."""
    milestones = load(milestone_timeline, actor, filters=filters, today=today, states=states)
    return activity_list(page_of_timeline(milestones, group_by, page), group_by)


def timeline_size(*, actor: Actor, filters: Filters, today: date, states: tuple[str, ...]) -> int:
    """How many activities the timeline shows in all."""
    milestones = load(milestone_timeline, actor, filters=filters, today=today, states=states)
    return activity_count(milestones)


def _page_label(page: int, total: int) -> str:
    first = page * ACTIVITIES_PER_PAGE + 1
    last = min(total, first + ACTIVITIES_PER_PAGE - 1)
    return t(
        "Activities {first}–{last} of {total}",
        first=number(first),
        last=number(last),
        total=number(total),
    )


def timeline_page(states: tuple[str, ...]) -> int:
    """Which page of a long timeline to show (0 when it fits on one)."""
    total = kept(timeline_size, actor, filters=filters, today=today, states=states)
    pages = -(-total // ACTIVITIES_PER_PAGE)
    if pages <= 1:
        return 0
    if st.session_state.get("ms_page", 0) >= pages:  # fewer pages since the filters changed
        st.session_state.ms_page = 0
    return int(
        st.selectbox(
            t("Timeline page"),
            range(pages),
            format_func=lambda page: _page_label(page, total),
            key="ms_page",
            help=t("Choose a partner or component in the sidebar to see its activities alone."),
        )
    )


def timeline(states: tuple[str, ...], group_by: str) -> None:
    """The activities and their milestones, as a Gantt chart or as a list."""
    page = timeline_page(states)
    inputs = {"filters": filters, "today": today, "states": states, "group_by": group_by}
    if timeline_view() == LIST:
        show_activity_list(kept(listed, actor, page=page, **inputs))
        return
    show(kept(gantt, actor, page=page, **inputs), key="ms_gantt")
    st.caption(
        t(
            "Bars: the planned span of each activity. Markers: milestone due dates, by status; "
            "⚠ marks a late milestone. Dashed line: today."
        )
    )


def late_rows(*, actor: Actor, filters: Filters, today: date) -> pa.Table:
    """Late milestones, most late first, with readable columns."""
    late = load(late_milestones, actor, filters=filters, today=today)
    table = pd.DataFrame(
        {
            t("Code"): late["code"],
            t("Days late"): late["days_late"],
            t("Milestone"): late["title"],
            t("Partner"): late["partner"],
            t("Due"): late["due_date"].map(long_date),
            t("Complete (%)"): late["percent_complete"],
        }
    )
    return ready_to_send(table)


def late_table() -> None:
    """Late milestones, most late first."""
    st.subheader("⚠ " + t("Late milestones"))
    late = kept(late_rows, actor, filters=filters, today=today)
    if late.num_rows == 0:
        st.success(t("No milestone is late for these filters."), icon=":material/check_circle:")
        return
    show_table(late, hide_index=True, width="stretch")


def milestone_rows(
    *, actor: Actor, filters: Filters, today: date, states: tuple[str, ...]
) -> pa.Table:
    """Every milestone shown on the timeline, with readable columns."""
    milestones = load(milestone_timeline, actor, filters=filters, today=today, states=states)
    table = pd.DataFrame(
        {
            # The name, its figure and its status first: what a phone shows without scrolling.
            t("Milestone"): milestones["title"],
            t("Complete (%)"): milestones["percent_complete"],
            t("Status"): milestones["state"].map(status_label),
            t("Code"): milestones["code"],
            t("Due"): milestones["due_date"].map(long_date),
            t("Partner"): milestones["partner"],
            t("Component"): milestones["component"],
            t("Completed on"): milestones["actual_completion_date"].map(_maybe_date),
        }
    )
    return ready_to_send(table)


def milestone_table(shown: pa.Table) -> None:
    """Every milestone shown on the timeline, with its status and last update."""
    st.subheader(t("All milestones"))
    progress = st.column_config.ProgressColumn(
        t("Complete (%)"),
        min_value=0,
        max_value=100,
        format="%d" + percent_sign().replace("%", "%%"),
    )
    show_table(
        shown,
        hide_index=True,
        width="stretch",
        height="content",  # every milestone in view, no scrolling inside the page
        column_config={t("Complete (%)"): progress},
    )


def _maybe_date(value: object) -> str:
    return long_date(value) if isinstance(value, date) else "—"


def milestone_choices(
    *, actor: Actor, filters: Filters, today: date, states: tuple[str, ...]
) -> tuple[dict[int, str], int]:
    """Each milestone's label by id, and the position of the one to open on."""
    milestones = load(milestone_timeline, actor, filters=filters, today=today, states=states)
    names = milestones["code"] + " — " + milestones["title"]
    labels = dict(zip(milestones["id"].astype(int), names, strict=True))
    # Open on the most late milestone: the one a reader most likely wants to look into.
    late = milestones[milestones["state"] == LATE].sort_values("due_date")
    return labels, list(labels).index(int(late["id"].iloc[0])) if not late.empty else 0


def detail_section(states: tuple[str, ...]) -> None:
    """Pick one milestone; show its facts and, to staff, its history of updates."""
    st.subheader(t("Milestone detail"))
    labels, first = kept(milestone_choices, actor, filters=filters, today=today, states=states)
    chosen = st.selectbox(
        t("Milestone"), list(labels), index=first, format_func=labels.__getitem__, key="ms_pick"
    )
    detail = load(milestone_detail, actor, milestone_id=int(chosen), today=today)
    if detail is None:
        st.info(t("This milestone no longer exists."))
        return
    detail_facts(detail)
    if may_read(milestone_history, actor):  # staff names and their reasons are not for donors
        history(detail)


def detail_facts(detail: MilestoneDetail) -> None:
    """The milestone's status, dates, activity and regions in plain words."""
    regions = load(filter_options, actor).regions
    status = status_label(detail.state)
    if detail.state != detail.status:
        status += " " + t("(recorded as {status})", status=word(detail.status))
    complete = f"{detail.percent_complete}{percent_sign()} " + t("complete")
    lines = [
        _fact(t("Status"), f"{status}, {complete}"),
        _fact(t("Due"), long_date(detail.due_date))
        + (
            " · " + _fact(t("Completed on"), long_date(detail.actual_completion_date))
            if detail.actual_completion_date
            else ""
        ),
        _fact(
            t("Activity"),
            plain(f"{detail.activity_code} {detail.activity}")
            + f" ({long_date(detail.planned_start)} – {long_date(detail.planned_end)})",
        ),
        _fact(t("Partner"), plain(detail.partner_name))
        + " · "
        + _fact(t("Component"), plain(detail.component)),
        _fact(t("Regions"), plain(", ".join(regions.get(code, code) for code in detail.regions))),
    ]
    if detail.notes:
        lines.append(_fact(t("Notes"), plain(detail.notes)))
    if detail.evidence_url:
        lines.append(_fact(t("Evidence"), evidence_link(detail.evidence_url)))
    st.markdown("  \n".join(lines))


def _fact(label: str, value: str) -> str:
    return f"**{label}{colon()}** {value}"


def history(detail: MilestoneDetail) -> None:
    """Who changed the milestone, when, what and why (from the audit log)."""
    st.markdown("**" + t("History of updates") + "**")
    st.caption(
        t(
            "Last updated by {who} on {day}.",
            who=plain(detail.updated_by),
            day=long_date(detail.updated_at.date()),
        )
    )
    entries = load(milestone_history, actor, milestone_id=detail.id)
    if entries.empty:
        st.info(t("No changes recorded yet."), icon=":material/history:")
        return
    shown = pd.DataFrame(
        {
            t("When"): entries["at"].map(date_time),
            t("Who"): entries["actor"],
            t("Action"): entries["action"].map(word),
            t("Changes"): entries["changes"],
            t("Reason"): entries["reason"],
        }
    )
    show_table(shown, hide_index=True, width="stretch")


def main() -> None:
    """The whole screen, top to bottom."""
    states, group_by = controls()
    status_metrics()
    filter_notes()
    if not states:
        st.info(t("Choose at least one status to show milestones."))
        return
    timeline(states, group_by)
    late_table()
    shown = kept(milestone_rows, actor, filters=filters, today=today, states=states)
    if shown.num_rows == 0:
        st.info(t("No milestones match these filters: widen the period or choose other filters."))
        return
    milestone_table(shown)
    detail_section(states)


main()
