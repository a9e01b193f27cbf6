"""Centres and occupancy: a manager keeps a centre's status current and records its occupancy."""

from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from data_model.centres import CENTRE_STATUSES
from grantmon.formatting import long_date, number, quarter_label
from grantmon.i18n import t
from grantmon.services.centres.entry import (
    CENTRE_FIELDS,
    editable_centres,
    occupancy_history,
    record_occupancy,
    update_centre,
)
from grantmon.services.core.audit import record_history
from grantmon.services.core.entry_rules import entry_quarters
from grantmon.ui.forms import Refusals, rerun_saying, show_refusal
from grantmon.ui.page import start_page
from grantmon.ui.runtime import load
from grantmon.ui.tables import show_table
from grantmon.ui.text import plain
from grantmon.vocabulary import word

SAVED_KEY = "centre_saved"
REFUSALS = Refusals("centre")
page = start_page(
    __file__,
    t("Centres and occupancy"),
    t("Keep each centre's status and capacity current and record how many people it housed."),
)


def show_refusal_of(scope: tuple[int, str]) -> None:
    """Why the last save of this form was refused, if it was."""
    error = REFUSALS.of(scope)
    if error is not None:
        show_refusal(error)


def send(scope: tuple[int, str], command: Any, done: str, **params: Any) -> None:
    """Run a command; keep its refusal for the next run, or the success message."""
    REFUSALS.write(scope, command, page.actor, today=date.today(), **params)
    rerun_saying(SAVED_KEY, done)


def centre_form(row: pd.Series) -> None:
    """Status, opening date and capacity of the centre."""
    scope = (int(row["id"]), "centre")
    show_refusal_of(scope)
    with st.form(f"centre-{row['id']}-{row['version']}"):
        status = st.selectbox(
            t("Status"),
            CENTRE_STATUSES,
            index=CENTRE_STATUSES.index(row["status"]),
            format_func=word,
        )
        REFUSALS.field_error(scope, "status")
        opened_on = st.date_input(t("Opened on"), value=_day(row["opened_on"]), format="DD/MM/YYYY")
        REFUSALS.field_error(scope, "opened_on")
        capacity = st.number_input(
            t("Capacity (beds; leave blank if not known)"),
            min_value=0,
            step=1,
            value=None if pd.isna(row["capacity"]) else int(row["capacity"]),
        )
        REFUSALS.field_error(scope, "capacity")
        reason = st.text_input(t("Reason for the change"))
        if not st.form_submit_button(t("Save centre"), type="primary"):
            return
    values = dict(
        status=status, opened_on=opened_on, capacity=capacity, version=int(row["version"])
    )
    send(
        scope,
        update_centre,
        t("Saved {name}.", name=plain(row["name"])),
        centre_id=scope[0],
        values=values | {"reason": reason},
        opened={name: _plain(row[name]) for name in CENTRE_FIELDS},
    )


def _day(value: Any) -> date | None:
    return None if value is None or pd.isna(value) else value


def _plain(value: Any) -> Any:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return int(value) if isinstance(value, float) else value


def occupancy_form(row: pd.Series, history: pd.DataFrame) -> None:
    """People accommodated and average beds occupied in one quarter."""
    quarter = st.selectbox(
        t("Quarter"),
        load(entry_quarters, page.actor, today=date.today()),
        key="centre_quarter",
        format_func=quarter_label,
    )
    scope = (int(row["id"]), f"occupancy {quarter}")
    stored = history[history["quarter"] == quarter]
    opened = (
        None
        if stored.empty
        else {
            "people_accommodated": int(stored["people_accommodated"].iloc[0]),
            "average_beds_occupied": int(stored["average_beds_occupied"].iloc[0]),
        }
    )
    show_refusal_of(scope)
    REFUSALS.field_error(scope, "quarter")
    with st.form(f"occupancy-{row['id']}-{quarter}"):
        people = st.number_input(
            t("People accommodated"),
            min_value=0,
            step=1,
            value=opened["people_accommodated"] if opened else None,
        )
        REFUSALS.field_error(scope, "people_accommodated")
        beds = st.number_input(
            t("Average beds occupied"),
            min_value=0,
            step=1,
            value=opened["average_beds_occupied"] if opened else None,
        )
        REFUSALS.field_error(scope, "average_beds_occupied")
        if not st.form_submit_button(t("Save occupancy"), type="primary"):
            return
    send(
        scope,
        record_occupancy,
        t("Saved the occupancy of {quarter}.", quarter=quarter_label(quarter)),
        centre_id=scope[0],
        quarter=quarter,
        values={"people_accommodated": people, "average_beds_occupied": beds},
        opened=opened,
    )


def review_word(status: str) -> str:
    """The review status as read; one not yet approved is marked ▨ as on the Regions screen."""
    return word(status) if status == "approved" else "▨ " + word(status)


def show_occupancy(history: pd.DataFrame) -> None:
    """The centre's recorded occupancy, latest first."""
    if history.empty:
        st.info(t("No occupancy recorded for this centre yet."))
        return
    show_table(
        pd.DataFrame(
            {
                t("Quarter"): history["quarter"].map(quarter_label),
                t("People accommodated"): history["people_accommodated"],
                t("Average beds occupied"): history["average_beds_occupied"],
                t("Review"): history["status"].map(review_word),
                t("Entered by"): history["entered_by"],
            }
        ),
        hide_index=True,
        width="stretch",
    )


centres = load(editable_centres, page.actor)
if centres.empty:
    st.info(t("Your role has no centres to update."))
    st.stop()
by_label = {f"{r['name']} · {r['city']} ({r['region']})": r for _, r in centres.iterrows()}
row = by_label[st.selectbox(t("Centre"), list(by_label), key="centre_picker")]
capacity = "—" if pd.isna(row["capacity"]) else number(int(row["capacity"]))
st.caption(
    t(
        "{kind} centre · {status} · capacity {capacity} · last saved by {who} on {when}.",
        kind=word(row["kind"]).capitalize(),
        status=word(row["status"]),
        capacity=capacity,
        who=plain(row["updated_by"]),
        when=long_date(row["updated_at"].date()),
    )
)
if SAVED_KEY in st.session_state:
    st.success(st.session_state.pop(SAVED_KEY), icon=":material/check_circle:")
history = load(occupancy_history, page.actor, centre_id=int(row["id"]))
status_tab, occupancy_tab = st.tabs([t("Status and capacity"), t("Occupancy")])
with status_tab:
    centre_form(row)
    changes = load(record_history, page.actor, entity="centre", entity_id=str(row["id"]))
    st.caption(t("{count} changes recorded for this centre.", count=number(len(changes))))
with occupancy_tab:
    occupancy_form(row, history)
    show_occupancy(history)
