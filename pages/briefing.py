"""Briefing pack and exports: pick charts, build a PDF / PowerPoint pack, download the IPTT."""

from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from grantmon.charts.indicators import status_display
from grantmon.formatting import labelled, quarter_label
from grantmon.i18n import current_language, in_current_language, t
from grantmon.services.briefing.files import briefing_pdf, briefing_pptx, default_audience
from grantmon.services.briefing.pack import chart_catalogue, collect_briefing
from grantmon.services.results.indicators import indicator_tracking, quarterly_figures
from grantmon.services.results.iptt import (
    iptt_csv,
    iptt_for_file,
    iptt_notes,
    iptt_table,
    iptt_xlsx,
)
from grantmon.ui.page import start_page
from grantmon.ui.runtime import load, write
from grantmon.ui.tables import (
    figures,
    hidden_from,
    percent_column,
    show_table,
    suppression_marks,
)
from grantmon.vocabulary import INTERNAL, word

PACK_KEY = "briefing_pack_files"

page = start_page(
    __file__,
    t("Briefing pack and exports"),
    t("A briefing pack in one click (PDF or PowerPoint) and the indicator tracking table."),
)
actor, filters, today = page.actor, page.filters, date.today()


def chart_picker() -> tuple[str, ...]:
    """The charts to put in the pack: the key chart of each screen unless the user changes it."""
    codes = list(load(indicator_tracking, actor, filters=filters, today=today)["code"])
    catalogue = chart_catalogue(codes)
    labels = {labelled(c.screen, c.label): c.key for c in catalogue}
    defaults = [labelled(c.screen, c.label) for c in catalogue if c.default]
    chosen = st.multiselect(
        t("Charts in the pack"), list(labels), default=defaults, key="bp_charts"
    )
    return tuple(labels[label] for label in chosen)


def build(charts: tuple[str, ...], prepared_for: str) -> None:
    """Build the pack with a progress bar and keep both files for the download buttons."""
    bar = st.progress(0.0, text=t("Collecting figures"))
    pack = write(
        collect_briefing,
        actor,
        filters=filters,
        today=today,
        prepared_for=prepared_for,
        charts=charts,
        progress=lambda share, text: bar.progress(min(share, 1.0), text=text),
    )
    bar.progress(1.0, text=t("Writing the PDF and PowerPoint files"))
    st.session_state[PACK_KEY] = {
        "filters": filters,
        "language": current_language(),
        "pdf": briefing_pdf(pack),
        "pptx": briefing_pptx(pack),
        "charts": len(pack.charts),
    }
    bar.empty()


def pack_section() -> None:
    """Choose, build, download."""
    st.subheader(t("Briefing pack"))
    st.caption(
        t(
            "Cover, key figures, the charts you pick, the indicator tracking table, late "
            "milestones and notes on the data, for the filters in the sidebar and your role."
        )
    )
    charts = chart_picker()
    if not actor.is_donor:
        st.warning(
            t(
                "Your role sees figures the donor does not: every page of your pack is marked "
                "'{mark}'. A pack for the donor is built by a donor's account.",
                mark=t(INTERNAL),
            ),
            icon=":material/lock:",
        )
    # Keyed by the reader's view, so that "View as" another role brings that role's audience.
    audience_key = f"bp_for-{'donor' if actor.is_donor else 'staff'}"
    prepared_for = st.text_input(t("Prepared for"), value=default_audience(actor), key=audience_key)
    if st.button(t("Build the briefing pack"), type="primary", key="bp_build"):
        build(charts, prepared_for)
    files = st.session_state.get(PACK_KEY)
    if not files or files["filters"] != filters or files["language"] != current_language():
        return
    st.success(t("Pack ready: {n} charts.", n=files["charts"]))
    pdf, pptx = st.columns(2)
    pdf.download_button(
        t("Download PDF"),
        files["pdf"],
        file_name="briefing-pack.pdf",
        mime="application/pdf",
        on_click="ignore",
        key="bp_pdf",
    )
    pptx.download_button(
        t("Download PowerPoint"),
        files["pptx"],
        file_name="briefing-pack.pptx",
        mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
        on_click="ignore",
        key="bp_pptx",
    )


def iptt_section() -> None:
    """The indicator tracking table as Excel and CSV (made when clicked)."""
    st.subheader(t("Indicator tracking table"))
    st.caption(
        t(
            "One row per indicator and quarter: baseline, targets, actuals, percent achieved, "
            "status; disaggregations in columns on each indicator's latest reported quarter."
        )
    )
    table = load(iptt_table, actor, filters=filters, today=today)
    if table.empty:
        st.info(t("No targets or figures in the selected period."))
        return
    notes = load(iptt_notes, actor, filters=filters)
    rows = iptt_for_file(table, actor)
    excel, text = st.columns(2)
    excel.download_button(
        t("Download Excel (.xlsx)"),
        in_current_language(lambda: iptt_xlsx(rows, notes=notes)),
        file_name="indicator-tracking-table.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        on_click="ignore",
        key="bp_iptt_xlsx",
    )
    text.download_button(
        t("Download CSV"),
        in_current_language(lambda: iptt_csv(rows)),
        file_name="indicator-tracking-table.csv",
        mime="text/csv",
        on_click="ignore",
        key="bp_iptt_csv",
    )
    st.caption(
        t(
            "A readable part of the table: the downloads hold every column, with the "
            "framework, baselines and disaggregations."
        )
    )
    preview = iptt_preview(load(quarterly_figures, actor, filters=filters, today=today))
    show_table(
        preview,
        hide_index=True,
        width="stretch",
        column_config={t("% achieved"): percent_column()},
    )


def _preview_notes(row: Any) -> str:
    marks = suppression_marks([row["hidden"]], [row["to_date_hidden"]])[0]
    pending = t("not yet approved") if row["unapproved"] and actor.may_see_unapproved else ""
    return " · ".join(filter(None, [marks, pending]))


def _row_names(rows: pd.DataFrame) -> pd.Series:
    """Code and quarter first, so a narrow screen still shows which row it is."""
    return rows["code"] + " · " + rows["quarter"].map(quarter_label) + " · " + rows["title"]


def iptt_preview(rows: pd.DataFrame) -> pd.DataFrame:
    """The IPTT's figures a reader looks for first, as numbers; a suppressed one is empty."""
    hidden = hidden_from(actor, rows["to_date_hidden"])
    notes = rows.assign(hidden=hidden | hidden_from(actor, rows["actual_hidden"]))
    status = (
        rows["status"].map(status_display).where(~hidden, suppression_marks([True], [False])[0])
    )
    return pd.DataFrame(
        {
            t("Indicator"): _row_names(rows),
            t("Actual to date"): figures(rows["actual_to_date"], hidden),
            t("Status"): status,
            t("Target to date"): figures(rows["target_to_date"]),
            t("% achieved"): figures(rows["percent_achieved"], hidden),
            t("Notes"): [_preview_notes(row) for row in notes.to_dict("records")],
            t("Unit"): rows["unit"].map(word),
        }
    )


pack_section()
iptt_section()
