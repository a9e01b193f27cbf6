"""The timeline of activities as a chart or as a list, the list being what fits a phone.

A Gantt chart needs a width a phone does not have: its activity names would leave no room for
the bars. The list shows the same activities, in the same order, each with its milestones'
state and due date. Streamlit cannot see the screen's width, so the browser's own word (a
"Mobi" in its user agent, as browsers on phones and small tablets say) picks the first view
and the reader may switch.
"""

import pandas as pd
import streamlit as st

from grantmon.charts.milestones import activity_rows
from grantmon.charts.style import status_label
from grantmon.formatting import long_date
from grantmon.i18n import N_, t
from grantmon.ui.text import plain

CHART, LIST = "chart", "list"
VIEW_LABELS = {CHART: N_("Chart"), LIST: N_("List")}
VIEW_KEY = "ms_view"
ACTIVITY_COLUMNS = ["activity_code", "activity", "partner"]
MILESTONE_COLUMNS = ["state", "due_date", "code", "title"]


def _on_a_phone() -> bool:
    """Whether the browser says it is a phone."""
    return "Mobi" in (st.context.headers.get("User-Agent") or "")


def timeline_view() -> str:
    """The view the reader chose (chart or list); a list first on a phone."""
    first = LIST if _on_a_phone() else CHART
    chosen = st.segmented_control(
        t("Show the timeline as"),
        list(VIEW_LABELS),
        default=first,
        format_func=lambda view: t(VIEW_LABELS[view]),
        key=VIEW_KEY,
    )
    return str(chosen or first)  # clicking the chosen view again clears it: keep a view


def activity_list(frame: pd.DataFrame, group_by: str) -> list[tuple[str, str]]:
    """Each group's name and its activities as Markdown, in the timeline's order."""
    by_activity = frame.sort_values("due_date").groupby("activity_code", sort=False)
    groups = activity_rows(frame, group_by).groupby(group_by, sort=False)
    listed = []
    for group, rows in groups:
        activities = rows[ACTIVITY_COLUMNS].to_numpy()
        items = [_activity(*row, milestones=by_activity.get_group(row[0])) for row in activities]
        listed.append((plain(group), "\n\n".join(items)))
    return listed


def _activity(code: str, name: str, partner: str, *, milestones: pd.DataFrame) -> str:
    """An activity's code, name and partner, then its milestones, soonest due first."""
    lines = [f"**{plain(code)} {plain(name)}** · {plain(partner)}"]
    for state, due, milestone, title in milestones[MILESTONE_COLUMNS].to_numpy():
        # A title that repeats its activity's name, just written above, says it once on a phone.
        own = title.removeprefix(f"{name}: ") if isinstance(title, str) else title
        when = t("due {day}", day=long_date(due))
        lines.append(f"- {status_label(state)} · {when} · {plain(milestone)} {plain(own)}")
    return "\n".join(lines)


def show_activity_list(groups: list[tuple[str, str]]) -> None:
    """The list: each group's name as a heading, then its activities."""
    for group, activities in groups:
        st.markdown(f"##### {group}")
        st.markdown(activities)
