"""Import and export: figures in CSV or Excel files, checked row by row, written all or nothing."""

from datetime import date

import pandas as pd
import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from grantmon.formatting import date_time
from grantmon.i18n import t
from grantmon.services.bulk.files import MAX_BYTES
from grantmon.services.bulk.importer import (
    DATA_TYPES,
    ImportRefused,
    export_data,
    import_file,
    problems_table,
    recent_imports,
    template,
)
from grantmon.services.bulk.spec import GoAhead
from grantmon.services.core.commands import CommandError
from grantmon.ui.forms import show_refusal
from grantmon.ui.language import file_uploader_words
from grantmon.ui.page import start_page
from grantmon.ui.runtime import load, write
from grantmon.ui.tables import show_table
from grantmon.ui.text import plain

UNUSUAL_BOX = t("Unusual values are checked (results far outside the history)")
AGAIN_BOX = t("Import again (the same file was imported before)")
# A refusal says how to go ahead in this screen's words: the boxes below, the Import button.
GO_AHEAD = GoAhead(
    import_again=t("tick '{box}' and press Import", box=AGAIN_BOX),
    unusual_checked=t("tick '{box}' and press Import", box=UNUSUAL_BOX),
)
MIME = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
page = start_page(
    __file__,
    t("Import and export"),
    t(
        "Keep many figures current at once: download a template or the figures you may change, "
        "fill it in a spreadsheet, and upload it. Every row is checked first; if one row is "
        "wrong, nothing is imported and the table below says which row, column and why."
    ),
)


def downloads(name: str) -> None:
    """Templates and the current figures of the data type, as CSV and Excel."""
    left, right = st.columns(2)
    left.markdown("**" + t("Empty template") + "**")
    right.markdown("**" + t("Current figures, to edit") + "**")
    for fmt in ("xlsx", "csv"):
        left.download_button(
            t("Template ({format})", format=fmt.upper()),
            data=template(name, fmt),
            file_name=f"{name}-template.{fmt}",
            mime=MIME[fmt],
            icon=":material/download:",
            key=f"template-{name}-{fmt}",
        )
        right.download_button(
            t("Current figures ({format})", format=fmt.upper()),
            data=load(export_data, page.actor, name=name, fmt=fmt),
            file_name=f"{name}-{date.today():%Y-%m-%d}.{fmt}",
            mime=MIME[fmt],
            icon=":material/download:",
            key=f"export-{name}-{fmt}",
        )


def run_import(name: str, upload: UploadedFile) -> None:
    """Import the uploaded file with a progress bar, and report what happened."""
    bar = st.progress(0.0, text=t("Checking every row…"))
    try:
        result = write(
            import_file,
            page.actor,
            name=name,
            file_name=upload.name,
            content=upload.getvalue(),
            today=date.today(),
            force=st.session_state.get("import_force", False),
            confirm_unusual=st.session_state.get("import_unusual", False),
            progress=lambda done: bar.progress(done, text=t("Checking every row…")),
            go_ahead=GO_AHEAD,
        )
    except ImportRefused as refused:
        bar.empty()
        st.error(plain(refused.message), icon=":material/block:")
        show_table(problems_table(refused.problems), hide_index=True, width="stretch")
        st.caption(t("Rows are numbered as in a spreadsheet: the header is row 1."))
        return
    except CommandError as error:
        bar.empty()
        show_refusal(error)
        return
    bar.progress(1.0, text=t("Done."))
    st.success(
        t("Imported {rows} rows from {file}.", rows=result.rows, file=plain(upload.name)),
        icon=":material/check_circle:",
    )


def show_recent() -> None:
    """The latest files imported, so a second upload of the same file is easy to spot."""
    recent = load(recent_imports, page.actor)
    st.subheader(t("Latest imports"))
    if recent.empty:
        st.caption(t("No file imported yet."))
        return
    titles = {name: str(kind.title) for name, kind in DATA_TYPES.items()}
    show_table(
        pd.DataFrame(
            {
                t("When (UTC)"): recent["imported_at"].map(date_time),
                t("Data"): recent["data_type"].map(titles).fillna(recent["data_type"]),
                t("File"): recent["file_name"].astype(str),
                t("Rows"): recent["rows"],
                t("By"): recent["imported_by"],
                t("Imported again on purpose"): recent["forced"].map({True: t("yes"), False: ""}),
            }
        ),
        hide_index=True,
        width="stretch",
    )


titles = {str(kind.title): name for name, kind in DATA_TYPES.items()}
name = titles[st.selectbox(t("Data"), list(titles), key="import_type")]
downloads(name)
st.divider()
file_uploader_words()
upload = st.file_uploader(
    t("File to import (.csv or .xlsx, up to {size} MB)", size=MAX_BYTES // 1024 // 1024),
    type=["csv", "xlsx"],
    key=f"import_file_{name}",
)
st.checkbox(UNUSUAL_BOX, key="import_unusual")
st.checkbox(AGAIN_BOX, key="import_force")
if st.button(t("Import"), type="primary", disabled=upload is None, icon=":material/upload:"):
    assert upload is not None
    run_import(name, upload)
show_recent()
