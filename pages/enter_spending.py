"""Expenditures: a manager records money spent against one of their partner's budget lines."""

from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from grantmon.formatting import exact_money, long_date, money, quarter_label
from grantmon.i18n import t
from grantmon.services.budget.spending import add_expenditure, line_expenditures, spending_lines
from grantmon.services.core.commands import CommandError, StaleEdit
from grantmon.services.core.entry_rules import entry_quarters
from grantmon.ui.forms import Refusals, due_day, rerun_saying
from grantmon.ui.page import start_page
from grantmon.ui.runtime import load
from grantmon.ui.tables import figures, number_column, show_table
from grantmon.ui.text import plain
from grantmon.vocabulary import word

SAVED_KEY = "spending_saved"
SAVES_KEY = "spending_saves"  # how many expenditures this session saved
REFUSALS = Refusals("spending")
page = start_page(
    __file__,
    t("Expenditures"),
    t(
        "Record spending against a budget line, in US dollars and cents. The quarter follows "
        "from the date. Each save is checked and kept in the audit trail."
    ),
)
st.caption(t("Budget lines have no region: the sidebar's region filter does not apply here."))


def label(row: pd.Series) -> str:
    """How a budget line is named in the picker."""
    return f"{row['partner']} · {row['category_label']}"


def spending_form(line_id: int, opens_on: date) -> dict[str, Any] | None:
    """The expenditure form; returns the submitted values, or None until submitted."""
    # A new form key after each save empties the form, so a second click cannot add it twice.
    with st.form(f"spending-{line_id}-{st.session_state.get(SAVES_KEY, 0)}"):
        amount = st.text_input(t("Amount (US$, e.g. 1,234.56)"))
        REFUSALS.field_error(line_id, "amount")
        spent_on = st.date_input(t("Date spent"), value=opens_on, format="DD/MM/YYYY")
        REFUSALS.field_error(line_id, "spent_on")
        REFUSALS.field_error(line_id, "quarter")
        description = st.text_input(t("Description"), max_chars=500)
        justification = st.text_area(
            t("Justification (needed when the line goes over its budget)"), max_chars=1000
        )
        REFUSALS.field_error(line_id, "justification")
        if not st.form_submit_button(t("Save"), type="primary"):
            return None
    return dict(
        amount=amount, spent_on=spent_on, description=description, justification=justification
    )


def save(row: pd.Series, values: dict[str, Any]) -> None:
    """Send the form through the command and report the outcome after a rerun."""
    saved = REFUSALS.write(
        int(row["id"]),
        add_expenditure,
        page.actor,
        budget_line_id=int(row["id"]),
        values=values,
        opened_spent_cents=int(row["spent_cents"]),
        today=date.today(),
    )
    st.session_state[SAVES_KEY] = st.session_state.get(SAVES_KEY, 0) + 1
    said = t(
        "Saved {amount} on {day} ({quarter}).",
        amount=exact_money(saved["amount_cents"]),
        day=long_date(date.fromisoformat(saved["spent_on"])),
        quarter=quarter_label(saved["quarter"]),
    )
    rerun_saying(SAVED_KEY, said)


def show_refusal(error: CommandError) -> None:
    """Explain why nothing was saved."""
    st.error(plain(error.message), icon=":material/block:")
    if isinstance(error, StaleEdit) and "quarter" not in error.field_errors:
        before, now = error.their_changes.get("spent_cents", (None, None))
        st.caption(
            t("Spent on this line: {before} then, {now} now.", before=money(before), now=money(now))
        )
    elif "quarter" in error.field_errors and len(error.field_errors) == 1:
        st.caption(t("Choose a date in a quarter that is not yet approved."))


def show_recent(line_id: int) -> None:
    """The line's latest expenditures, as text (descriptions are never run as formulas or HTML)."""
    recent = load(line_expenditures, page.actor, budget_line_id=line_id)
    st.subheader(t("Latest expenditures on this line"))
    if recent.empty:
        st.info(t("No spending recorded on this line yet."))
        return
    show_table(
        pd.DataFrame(
            {
                t("Date"): recent["spent_on"].map(long_date),
                t("Quarter"): recent["quarter"].map(quarter_label),
                t("Amount (US$)"): figures(recent["amount_cents"] / 100),
                t("Description"): recent["description"].astype(str),
                t("Justification"): recent["justification"].astype(str),
                t("Status"): recent["status"].map(word),
                t("Entered by"): recent["entered_by"],
            }
        ),
        hide_index=True,
        width="stretch",
        column_config={t("Amount (US$)"): number_column(step=0.01)},  # cents always shown
    )


lines = load(spending_lines, page.actor)
if lines.empty:
    st.info(t("Your role has no budget lines to record spending on."))
    st.stop()
rows_by_label = {label(row): row for _, row in lines.iterrows()}
row = rows_by_label[st.selectbox(t("Budget line"), list(rows_by_label), key="spending_line")]
left, right = st.columns(2)
left.metric(t("Budget"), money(int(row["budget_cents"])))
right.metric(
    t("Spent so far"),
    money(int(row["spent_cents"])),
    delta=t("{amount} left", amount=money(int(row["remaining_cents"]))),
    delta_color="off",
)
if SAVED_KEY in st.session_state:
    st.success(st.session_state.pop(SAVED_KEY), icon=":material/check_circle:")
refusal = REFUSALS.of(int(row["id"]))
if refusal:
    show_refusal(refusal)
submitted = spending_form(
    int(row["id"]), due_day(load(entry_quarters, page.actor, today=date.today()))
)
if submitted is not None:
    save(row, submitted)
show_recent(int(row["id"]))
