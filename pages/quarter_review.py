"""Quarterly review: managers submit a partner's quarter; M&E officers approve or return it."""

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from grantmon.formatting import date_time, labelled, number, quarter_label
from grantmon.i18n import t
from grantmon.services.core.audit import record_history
from grantmon.services.workflow.commands import (
    approve_quarter,
    reopen_quarter,
    return_quarter,
    submit_quarter,
)
from grantmon.services.workflow.reads import (
    APPROVED,
    ENTITY,
    FIGURE_STATUSES,
    IN_PROGRESS,
    NO_DATA,
    RETURNED,
    STATUSES,
    SUBMITTED,
    may_reopen,
    may_review,
    may_submit,
    quarter_statuses,
)
from grantmon.ui.forms import Refusals, rerun_saying, show_refusal
from grantmon.ui.page import start_page
from grantmon.ui.runtime import load
from grantmon.ui.tables import show_table
from grantmon.ui.text import plain
from grantmon.vocabulary import word

PICKER_KEY = "review_picker"
DONE_KEY = "review_done"  # success message of the previous run's action
REFUSALS = Refusals("review")  # keyed by the picker label of the quarter
SEEN_KEY = "review_seen"  # (picker label, row) as the previous run showed it
# Status is never told by colour alone: a symbol and the word.
SYMBOLS = {NO_DATA: "○", IN_PROGRESS: "◐", SUBMITTED: "➜", RETURNED: "↩", APPROVED: "✔"}

page = start_page(
    __file__,
    t("Quarterly review"),
    t(
        "Managers submit each partner's quarter; M&E officers approve it or return it with a "
        "comment. An approved quarter is locked and its figures reach the donor."
    ),
)
table = load(quarter_statuses, page.actor, filters=page.filters)


def review_label(status: str) -> str:
    """A review status as symbol and word, e.g. '➜ submitted'."""
    return f"{SYMBOLS.get(status, '•')} {word(status)}"


def when(values: pd.Series) -> pd.Series:
    """Timestamps as '28 Nov 2026 16:28' (blank where none)."""
    return values.map(lambda at: date_time(at) if pd.notna(at) else "")


def overview_table(rows: pd.DataFrame) -> None:
    """The partner x quarter table with statuses, counts and the latest comment."""
    shown = pd.DataFrame(
        {
            t("Quarter"): rows["quarter"].map(quarter_label),
            t("Partner"): rows["partner"],
            t("Status"): rows["status"].map(review_label),
            t("Figures"): rows["figures"],
            t("Not yet approved"): rows["unapproved"],
            t("Comment"): rows["comment"],
            t("Last change by"): rows["updated_by"],
            t("When (UTC)"): when(rows["updated_at"]),
        }
    )
    show_table(
        shown,
        hide_index=True,
        width="stretch",
        height=320,
        column_config={t("Comment"): st.column_config.TextColumn(width="medium")},
    )


def summary(rows: pd.DataFrame) -> str:
    """'➜ 2 submitted · ↩ 1 returned · …' over the table."""
    counts = rows["status"].value_counts()
    parts = [labelled(review_label(s), number(int(counts[s]))) for s in STATUSES if s in counts]
    return " · ".join(parts)


def label(row: pd.Series) -> str:
    """How a partner's quarter is named in the picker (stable across status changes)."""
    return f"{quarter_label(row['quarter'])} · {row['partner']}"


def pickable(rows: pd.DataFrame) -> pd.DataFrame:
    """Quarters with something to review; a manager sees their own partner's only."""
    rows = rows[rows["status"] != NO_DATA]
    if may_review(page.actor) or may_reopen(page.actor):
        return rows
    mine = [may_submit(page.actor, int(p)) for p in rows["partner_id"]]
    return rows[mine]


def first_actionable(rows: pd.DataFrame) -> int:
    """Index of the newest quarter this person can act on now (0 when none)."""
    for index, status in enumerate(rows["status"]):
        if status == SUBMITTED and may_review(page.actor):
            return index
        if status in (IN_PROGRESS, RETURNED) and not may_review(page.actor):
            return index
    return 0


def act(row: pd.Series, command: Callable[..., Any], done: str, **extra: Any) -> None:
    """Run a workflow command for the picked quarter; report the outcome after a rerun."""
    has_report = int(row["version"]) > 0
    opened = {"status": row["status"], "comment": row["comment"]} if has_report else {}
    st.session_state.pop(SEEN_KEY, None)
    REFUSALS.write(
        label(row),
        command,
        page.actor,
        partner_id=int(row["partner_id"]),
        quarter=str(row["quarter"]),
        version=int(row["version"]),
        opened=opened,
        **extra,
    )
    rerun_saying(DONE_KEY, done)


def figure_line(row: pd.Series) -> str:
    """'136 figures: 136 submitted' for the picked quarter."""
    parts = [f"{number(int(row[s]))} {word(s)}" for s in FIGURE_STATUSES if int(row[s])]
    return t(
        "{count} figures: {parts}.",
        count=number(int(row["figures"])),
        parts=", ".join(parts) or t("none"),
    )


def state_panel(row: pd.Series) -> None:
    """Where the picked quarter stands: status, figures, comment, last change."""
    st.markdown(
        f"**{plain(row['partner_name'])} · {quarter_label(row['quarter'])}** — "
        + review_label(row["status"])
    )
    st.caption(figure_line(row))
    if row["updated_by"]:
        st.caption(
            t(
                "Last change by {who} on {when} UTC (version {version}).",
                who=plain(row["updated_by"]),
                when=date_time(row["updated_at"]),
                version=int(row["version"]),
            )
        )
    if row["comment"]:
        st.info(
            t("Comment: {comment}", comment=plain(row["comment"])),
            icon=":material/comment:",
        )


def not_now(action: str, needed: str, row: pd.Series) -> None:
    """Say why an action the role allows cannot be taken in the quarter's current state."""
    st.caption(
        t(
            "{action}: possible when the quarter is {needed}; it is {status}.",
            action=action,
            needed=needed,
            status=review_label(row["status"]),
        )
    )


def submit_form(row: pd.Series, key: str) -> None:
    """A programme manager (or administrator) sends the quarter for review."""
    if row["status"] not in (IN_PROGRESS, RETURNED):
        not_now(t("Submit"), t("in progress or returned"), row)
        return
    with st.form(f"submit-{key}-{row['version']}"):
        st.caption(t("Submitting sends every draft or returned figure of this quarter for review."))
        if st.form_submit_button(t("Submit for review"), type="primary"):
            act(row, submit_quarter, t("Submitted {key} for review.", key=key))


def review_form(row: pd.Series, key: str) -> None:
    """An M&E officer (or administrator) approves the quarter or returns it with a comment."""
    if row["status"] != SUBMITTED:
        not_now(t("Approve or return"), t("submitted"), row)
        return
    with st.form(f"review-{key}-{row['version']}"):
        comment = st.text_area(
            t("Comment for the programme manager (needed to return)"), max_chars=2000
        )
        REFUSALS.field_error(key, "comment")
        approve = st.form_submit_button(t("Approve"), type="primary")
        send_back = st.form_submit_button(t("Return to the manager"))
    if approve:
        done = t("Approved {key}: the quarter is locked and its figures reach the donor.", key=key)
        act(row, approve_quarter, done, comment=comment)
    if send_back:
        done = t("Returned {key} to the programme manager with your comment.", key=key)
        act(row, return_quarter, done, comment=comment)


def reopen_form(row: pd.Series, key: str) -> None:
    """An administrator unlocks an approved quarter, giving the reason."""
    if row["status"] != APPROVED:
        not_now(t("Reopen"), t("approved"), row)
        return
    with st.form(f"reopen-{key}-{row['version']}"):
        reason = st.text_input(t("Reason for reopening (kept in the audit trail)"), max_chars=2000)
        REFUSALS.field_error(key, "reason")
        if st.form_submit_button(t("Reopen the quarter")):
            done = t("Reopened {key}: its figures are drafts again.", key=key)
            act(row, reopen_quarter, done, reason=reason)


def as_seen(row: pd.Series, key: str) -> pd.Series:
    """The quarter as this person last saw it; its forms act on that version.

    A click reruns the script, which reads the database afresh: acting on the fresh row would
    hide a change made by someone else in between. Acting on what was shown lets the command
    refuse the stale step and say what changed.
    """
    seen_key, seen = st.session_state.get(SEEN_KEY, (None, None))
    st.session_state[SEEN_KEY] = (key, row)
    return seen if seen_key == key and seen is not None else row


def actions(row: pd.Series, key: str) -> None:
    """The forms this person's role allows, each explaining when it cannot be used."""
    if may_submit(page.actor, int(row["partner_id"])):
        submit_form(row, key)
    if may_review(page.actor):
        review_form(row, key)
    if may_reopen(page.actor):
        reopen_form(row, key)


def history(row: pd.Series) -> None:
    """Every recorded change of the quarter's report."""
    if pd.isna(row["report_id"]):
        st.caption(t("No review step recorded for this quarter yet."))
        return
    changes = load(record_history, page.actor, entity=ENTITY, entity_id=str(row["report_id"]))
    with st.expander(t("History of this quarter ({count} changes)", count=number(len(changes)))):
        if changes.empty:
            st.caption(t("No change recorded since the demo data was loaded."))
            return
        shown = pd.DataFrame(
            {
                t("When (UTC)"): when(changes["at"]),
                t("Who"): changes["actor"],
                t("Step"): changes["action"].map(word),
                t("What changed"): changes["changes"],
                t("Comment or reason"): changes["reason"],
            }
        )
        show_table(shown, hide_index=True, width="stretch")


if table.empty:
    st.info(t("No partner or quarter matches the filters. Widen the period or the partner."))
    st.stop()

st.caption(
    t(
        "Period and partner filters apply; region and component do not, because a quarter "
        "is reviewed for a partner as a whole."
    )
)
st.markdown(summary(table))
overview_table(table)

st.subheader(t("Act on a quarter"))
candidates = pickable(table)
if candidates.empty:
    st.info(t("There is no quarter with figures for you to act on in this period."))
    st.stop()
rows_by_label = {label(row): row for _, row in candidates.iterrows()}
if PICKER_KEY not in st.session_state or st.session_state[PICKER_KEY] not in rows_by_label:
    st.session_state[PICKER_KEY] = list(rows_by_label)[first_actionable(candidates)]
picked = st.selectbox(t("Quarter and partner"), list(rows_by_label), key=PICKER_KEY)
row = rows_by_label[picked]
if DONE_KEY in st.session_state:
    st.success(plain(st.session_state.pop(DONE_KEY)), icon=":material/check_circle:")
refusal = REFUSALS.of(picked)
if refusal:
    show_refusal(refusal)
state_panel(row)
actions(as_seen(row, picked), picked)
history(row)
