"""Reintegration figures: a manager enters a quarter's counts for one region, by sex and age."""

from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from data_model.reintegration import FUNNEL_STAGES
from grantmon.formatting import number, quarter_label
from grantmon.i18n import t
from grantmon.services.core.audit import record_history
from grantmon.services.core.commands import CommandError
from grantmon.services.core.entry_rules import LOCKED, entry_quarters, quarter_is_locked
from grantmon.services.reintegration.entry import (
    enter_reintegration,
    entry_partner_id,
    entry_regions,
    flat,
    reintegration_grid,
    stage_labels,
)
from grantmon.ui.forms import Refusals, quarter_picker, rerun_saying, show_refusal
from grantmon.ui.page import start_page
from grantmon.ui.runtime import load
from grantmon.ui.tables import edit_table, show_table
from grantmon.ui.text import plain

SAVED_KEY = "reintegration_saved"
REFUSALS = Refusals("reintegration")
page = start_page(
    __file__,
    t("Reintegration figures"),
    t(
        "Enter a quarter's counts for one region by sex and age band. Counts only: this screen "
        "has no place for a name or any detail about a person."
    ),
)
st.caption(t("Each stage must be at most the stage before it (identified ≥ referred ≥ ...)."))


def show_refusal_by_cell(error: CommandError) -> None:
    """Explain why nothing was saved, one line per cell that needs attention."""
    show_refusal(error, changed=t("Cell"))
    for message in error.field_errors.values():
        st.error(plain(message), icon=":material/error:")


def editor_frame(grid: pd.DataFrame) -> pd.DataFrame:
    """The editable table: the sex and age band, then one count column per stage."""
    labels = stage_labels()
    table = pd.DataFrame({t("Sex and age band"): grid["label"]})
    for stage in FUNNEL_STAGES:
        table[labels[stage]] = pd.to_numeric(grid[stage], errors="coerce").astype("Int64")
    return table


def grid_form(grid: pd.DataFrame, scope: tuple[str, str]) -> dict[str, Any] | None:
    """The grid and its Save button; returns the submitted counts per cell, or None."""
    labels = stage_labels()
    with st.form(f"reintegration-{scope[0]}-{scope[1]}"):
        edited = edit_table(
            editor_frame(grid),
            key=f"reintegration-grid-{scope[0]}-{scope[1]}",
            hide_index=True,
            width="stretch",
            num_rows="fixed",
            disabled=[t("Sex and age band")],
            placeholder="—",  # a blank count, in any language (Streamlit would write "None")
            column_config={
                labels[s]: st.column_config.NumberColumn(labels[s], min_value=0, step=1)
                for s in FUNNEL_STAGES
            },
        )
        if not st.form_submit_button(t("Save"), type="primary"):
            return None
    return {
        cell: {s: _count(edited[labels[s]].iloc[i]) for s in FUNNEL_STAGES}
        for i, cell in enumerate(grid["cell"])
    }


def _count(value: Any) -> Any:
    return None if pd.isna(value) else int(value)


def save(grid: pd.DataFrame, scope: tuple[str, str], values: dict[str, Any]) -> None:
    """Send the grid through the command and report the outcome after a rerun."""
    shown = {
        cell: {s: _count(grid[s].iloc[i]) for s in FUNNEL_STAGES}
        for i, cell in enumerate(grid["cell"])
    }
    opened = flat({c: v for c, v in shown.items() if v["identified"] is not None})
    REFUSALS.write(
        scope,
        enter_reintegration,
        page.actor,
        quarter=scope[0],
        region_code=scope[1],
        values=values,
        opened=opened,
        today=date.today(),
    )
    saved = t("Saved {quarter}, {region}.", quarter=quarter_label(scope[0]), region=names[scope[1]])
    rerun_saying(SAVED_KEY, saved)


regions = load(entry_regions, page.actor)
quarters = load(entry_quarters, page.actor, today=date.today())
if regions.empty or not quarters:
    st.info(t("Your role has no region to enter reintegration figures for."))
    st.stop()
names = dict(zip(regions["code"], regions["name"], strict=True))
region = st.selectbox(t("Region"), list(names), format_func=names.__getitem__, key="reint_region")
quarter = quarter_picker(quarters, key="reint_quarter")
scope = (str(quarter), str(region))
grid = load(reintegration_grid, page.actor, quarter=scope[0], region_code=scope[1])
if SAVED_KEY in st.session_state:
    st.success(st.session_state.pop(SAVED_KEY), icon=":material/check_circle:")
partner = load(entry_partner_id, page.actor)
if load(quarter_is_locked, page.actor, partner_id=partner, quarter=scope[0]):
    st.warning(t(LOCKED), icon=":material/lock:")
    show_table(editor_frame(grid), hide_index=True, width="stretch", placeholder="—")
else:
    refusal = REFUSALS.of(scope)
    if refusal:
        show_refusal_by_cell(refusal)
    submitted = grid_form(grid, scope)
    if submitted is not None:
        save(grid, scope, submitted)
history = load(
    record_history, page.actor, entity="reintegration", entity_id=f"{region} {quarter} {partner}"
)
st.caption(t("{count} changes recorded for this grid.", count=number(len(history))))
