"""The one way a screen shows a table: text a spreadsheet would run as a formula is quoted.

Every table on screen has a "Download as CSV" button in its toolbar, so its cells are a file a
person can open in a spreadsheet: they pass the same formula guard as the exports.
"""

from typing import Any, TypeAlias

import pandas as pd
import pyarrow as pa
import streamlit as st

from grantmon.services.core.formula_guard import arrow_neutralised, frame_neutralised

Table: TypeAlias = pd.DataFrame | pa.Table


def guarded(data: Table) -> Table:
    """The table with its headers and text cells passed through the formula guard."""
    if isinstance(data, pa.Table):
        return arrow_neutralised(data)
    return frame_neutralised(data)


def show_table(data: Table, **options: Any) -> Any:
    """A read-only table (st.dataframe), its text cells formula-safe."""
    return st.dataframe(guarded(data), **options)


def edit_table(data: pd.DataFrame, **options: Any) -> pd.DataFrame:
    """An editable grid (st.data_editor), its text cells formula-safe."""
    return st.data_editor(guarded(data), **options)
