"""Update milestones: a programme manager records progress; every save is validated and audited."""

from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from data_model import MilestoneStatus
from grantmon.formatting import long_date
from grantmon.i18n import t
from grantmon.services.core.audit import record_history
from grantmon.services.milestones.updates import (
    EDITABLE,
    editable_milestones,
    most_urgent,
    update_milestone,
)
from grantmon.ui.forms import Refusals, history_panel, rerun_saying, show_refusal
from grantmon.ui.page import start_page
from grantmon.ui.runtime import load
from grantmon.ui.text import plain
from grantmon.vocabulary import word

PICKER_KEY = "milestone_picker"
SAVED_KEY = "milestone_saved"  # code of the milestone saved on the previous run
REFUSALS = Refusals("milestone")
page = start_page(
    __file__,
    t("Update milestones"),
    t("Record progress on your milestones. Each save is checked and kept in the audit trail."),
)
milestones = load(editable_milestones, page.actor)


def label(row: pd.Series) -> str:
    """How a milestone is named in the picker."""
    due = t("due {day}", day=long_date(row["due_date"]))
    return f"{row['code']} · {row['title']} · {due} · {word(row['status'])}"


def milestone_form(row: pd.Series) -> dict[str, Any] | None:
    """The update form; returns the submitted values, or None until submitted."""
    statuses = [s.value for s in MilestoneStatus]
    with st.form(f"milestone-{row['id']}-{row['version']}"):
        status = st.selectbox(
            t("Status"), statuses, index=statuses.index(row["status"]), format_func=word
        )
        REFUSALS.field_error(row["id"], "status")
        percent = st.slider(t("Percent complete"), 0, 100, int(row["percent_complete"]))
        REFUSALS.field_error(row["id"], "percent_complete")
        done = st.date_input(
            t("Actual completion date"), value=row["actual_completion_date"], format="DD/MM/YYYY"
        )
        REFUSALS.field_error(row["id"], "actual_completion_date")
        notes = st.text_area(t("Comment"), value=row["notes"], max_chars=2000)
        link = row["evidence_url"]  # None, or NaN beside stored links (pandas 3)
        evidence = st.text_input(t("Evidence link"), value=link if isinstance(link, str) else "")
        REFUSALS.field_error(row["id"], "evidence_url")
        reason = st.text_input(t("Reason for the change (needed when moving a status back)"))
        REFUSALS.field_error(row["id"], "reason")
        if not st.form_submit_button(t("Save"), type="primary"):
            return None
    return dict(
        status=status,
        percent_complete=percent,
        actual_completion_date=done,
        notes=notes,
        evidence_url=evidence or None,
        reason=reason,
        version=int(row["version"]),
    )


def save(row: pd.Series, values: dict[str, Any]) -> None:
    """Send the form through the update command and report the outcome."""
    opened = {name: row[name] for name in EDITABLE}
    REFUSALS.write(
        row["id"],
        update_milestone,
        page.actor,
        milestone_id=int(row["id"]),
        values=values,
        opened=opened,
        today=date.today(),
    )
    rerun_saying(SAVED_KEY, row["code"])


if milestones.empty:
    st.info(
        t(
            "Your role has no milestones to update. Programme managers update the milestones "
            "of their own partner and region."
        )
    )
    st.stop()

rows_by_label = {label(row): row for _, row in milestones.iterrows()}
just_saved = st.session_state.get(SAVED_KEY)
if just_saved:
    # Saving changes the milestone's label: keep the picker on the milestone just saved.
    st.session_state[PICKER_KEY] = next(k for k in rows_by_label if k.startswith(f"{just_saved} "))
urgent = most_urgent(milestones)
if urgent is not None:
    # Open on the milestone that needs attention first, not the first by code (often done).
    st.session_state.setdefault(PICKER_KEY, list(rows_by_label)[urgent])
row = rows_by_label[st.selectbox(t("Milestone"), list(rows_by_label), key=PICKER_KEY)]
st.caption(
    t(
        "Last saved by {who} on {when} (version {version}).",
        who=plain(row["updated_by"]),
        when=long_date(row["updated_at"].date()),
        version=row["version"],
    )
)
if SAVED_KEY in st.session_state:
    st.success(
        t("Saved {code}.", code=st.session_state.pop(SAVED_KEY)), icon=":material/check_circle:"
    )
refusal = REFUSALS.of(row["id"])
if refusal:
    show_refusal(refusal)
submitted = milestone_form(row)
if submitted is not None:
    save(row, submitted)

history = load(record_history, page.actor, entity="milestone", entity_id=str(row["id"]))
history_panel(history, t("History of this milestone"))
