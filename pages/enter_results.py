"""Quarterly results: a manager enters an indicator's total and its disaggregation grid."""

from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from grantmon.formatting import labelled, quarter_label, typed_text
from grantmon.i18n import t
from grantmon.services.core.audit import record_history
from grantmon.services.core.commands import CommandError, StaleEdit
from grantmon.services.core.entry_rules import LOCKED, NeedsConfirmation, entry_quarters
from grantmon.services.results.entry import (
    TOTAL,
    enter_results,
    result_grid,
    result_indicators,
    results_quarter_locked,
)
from grantmon.ui.forms import Refusals, history_panel, quarter_picker, rerun_saying
from grantmon.ui.page import start_page
from grantmon.ui.runtime import load
from grantmon.ui.tables import edit_table, show_table
from grantmon.ui.text import plain
from grantmon.vocabulary import word

SAVED_KEY = "results_saved"  # "code quarter" saved on the previous run
REFUSALS = Refusals("results")
VALUE = t("Value")
page = start_page(
    __file__,
    t("Quarterly results"),
    t(
        "Enter an indicator's result for a quarter: the total and each breakdown it declares. "
        "Each save is checked and kept in the audit trail."
    ),
)


def show_refusal(error: CommandError, grid: pd.DataFrame) -> None:
    """Explain why nothing was saved, naming each cell or breakdown that needs attention."""
    st.error(plain(error.message), icon=":material/block:")
    labels = grid.astype(str)
    names = dict(
        zip(
            labels["cell"],
            labels["dimension_label"] + " · " + labels["category_label"],
            strict=True,
        )
    )
    names |= dict(zip(labels["dimension"], labels["dimension_label"], strict=True))
    names |= {"quarter": t("Quarter"), "evidence_url": t("Evidence link")}
    for field, message in error.field_errors.items():
        st.error(plain(labelled(names.get(field, field), message)), icon=":material/error:")
    if isinstance(error, StaleEdit) and error.their_changes:
        changes = pd.DataFrame(
            [(names.get(k, k), a, b) for k, (a, b) in error.their_changes.items()],
            columns=[t("Cell"), t("When you opened the form"), t("Now")],
        )
        show_table(changes.astype(str), hide_index=True, width="stretch")


def editor_frame(grid: pd.DataFrame) -> pd.DataFrame:
    """The editable table: breakdown, category and value (only the value can be changed)."""
    return pd.DataFrame(
        {
            t("Breakdown"): grid["dimension_label"],
            t("Category"): grid["category_label"],
            # Text, so the figure is read as the person writes it (62,5 in French).
            VALUE: pd.to_numeric(grid["value"], errors="coerce").map(typed_text),
        }
    )


def result_form(grid: pd.DataFrame, scope: tuple[int, str]) -> dict[str, Any] | None:
    """The grid, evidence link and (after an unusual value) the confirmation; None until saved."""
    refusal = REFUSALS.of(scope)
    total = grid[grid["cell"] == TOTAL]
    evidence = total["evidence_url"].iloc[0] if not total.empty else None
    with st.form(f"results-{scope[0]}-{scope[1]}"):
        edited = edit_table(
            editor_frame(grid),
            key=f"results-grid-{scope[0]}-{scope[1]}",
            hide_index=True,
            width="stretch",
            num_rows="fixed",
            disabled=[t("Breakdown"), t("Category")],
            column_config={VALUE: st.column_config.TextColumn(t("Value"))},
        )
        link = st.text_input(t("Evidence link (https://...)"), value=evidence or "")
        confirmed = False
        if isinstance(refusal, NeedsConfirmation):
            confirmed = st.checkbox(t("I confirm this value"))
        if not st.form_submit_button(t("Save"), type="primary"):
            return None
    values = dict(zip(grid["cell"], edited[VALUE], strict=True))
    return dict(values=values, evidence_url=link, confirmed=confirmed)


def save(grid: pd.DataFrame, scope: tuple[int, str], code: str, form: dict[str, Any]) -> None:
    """Send the grid through the command and report the outcome after a rerun."""
    stored = grid.dropna(subset=["value"])
    opened = dict(zip(stored["cell"], stored["value"], strict=True))
    REFUSALS.write(
        scope,
        enter_results,
        page.actor,
        indicator_id=scope[0],
        quarter=scope[1],
        opened=opened,
        today=date.today(),
        **form,
    )
    rerun_saying(SAVED_KEY, f"{code} {quarter_label(scope[1])}")


def show_history(entity_id: str) -> None:
    """Who changed these figures, when, and what they changed."""
    history = load(record_history, page.actor, entity="indicator_result", entity_id=entity_id)
    history_panel(history, t("History of these figures"))


indicators = load(result_indicators, page.actor)
quarters = load(entry_quarters, page.actor, today=date.today())
if indicators.empty or not quarters:
    st.info(t("No indicator or award period is stored yet: run `grantmon seed`."))
    st.stop()

by_label = {f"{r['code']} · {r['title']} ({word(r['unit'])})": r for _, r in indicators.iterrows()}
indicator = by_label[st.selectbox(t("Indicator"), list(by_label), key="results_indicator")]
quarter = quarter_picker(quarters, key="results_quarter")
scope = (int(indicator["id"]), str(quarter))
grid = load(result_grid, page.actor, indicator_id=scope[0], quarter=scope[1])
if not indicator["cumulative"]:
    st.caption(t("This indicator is an average or a rate: its breakdowns need not add up."))
else:
    st.caption(t("Each breakdown must add up to the total."))
if SAVED_KEY in st.session_state:
    st.success(
        t("Saved {what}.", what=plain(st.session_state.pop(SAVED_KEY))),
        icon=":material/check_circle:",
    )
if load(results_quarter_locked, page.actor, quarter=scope[1]):
    st.warning(t(LOCKED), icon=":material/lock:")
    show_table(editor_frame(grid), hide_index=True, width="stretch")
else:
    refusal = REFUSALS.of(scope)
    if refusal:
        show_refusal(refusal, grid)
    submitted = result_form(grid, scope)
    if submitted is not None:
        save(grid, scope, str(indicator["code"]), submitted)
show_history(f"{indicator['code']} {quarter}")
