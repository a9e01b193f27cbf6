"""The one way a screen shows a table: text a spreadsheet would run as a formula is quoted,
figures stay numbers (right-aligned, a suppressed one empty), and the columns fit the screen.

Every table on screen has a "Download as CSV" button in its toolbar, so its cells are a file a
person can open in a spreadsheet: they pass the same formula guard as the exports.
"""

from collections.abc import Iterable, Mapping
from typing import Any, TypeAlias

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import streamlit as st

from grantmon.formatting import percent_sign
from grantmon.i18n import t
from grantmon.services.core.access import Actor
from grantmon.services.core.formula_guard import arrow_neutralised, frame_neutralised
from grantmon.services.core.privacy import SUPPRESSED_MARK, sees_true_figures

Table: TypeAlias = pd.DataFrame | pa.Table

# The table's width at 1440 px with the sidebar open (980 px) less its borders: columns sized to
# fit it show every header whole; Streamlit widens them to fill a wider screen.
FIT_WIDTH = 960
CHAR_WIDTH = 6.8  # px a character takes in the grid's 14 px font, with a margin
CELL_PADDING = 20
MAX_COLUMN = 420
NAME_WIDTH = 150  # the least the first column (what a row is about) keeps of its text
PHONE_WIDTH = 350  # a 390 px phone's table: its first three columns (name, figure, status)
NUMBER_FORMAT = "localized"  # the reader's own separators: 4,030,222 or 4 030 222


def guarded(data: Table) -> Table:
    """The table with its headers and text cells passed through the formula guard."""
    if isinstance(data, pa.Table):
        return arrow_neutralised(data)
    return frame_neutralised(data)


def _text_width(characters: float) -> int:
    return int(characters * CHAR_WIDTH) + CELL_PADDING


def _longest(column: pa.ChunkedArray) -> int:
    """The characters of the column's longest cell as the grid writes it."""
    if _is_number(column):
        largest = pc.max(pc.abs(column)).as_py()
        if largest is None or largest != largest:  # nothing but empty cells
            return 0
        # Separators, a sign, and two decimals at most (the grid rounds the rest) if any.
        return len(f"{largest:,.0f}") + (3 if _has_fractions(column) else 0) + 1
    longest = pc.max(pc.utf8_length(pc.cast(column, pa.string()))).as_py()
    return int(longest or 0)


def _has_fractions(column: pa.ChunkedArray) -> bool:
    if not pa.types.is_floating(column.type):
        return False
    return bool(pc.max(pc.abs(pc.subtract(column, pc.floor(column)))).as_py() or 0)


def _is_number(column: pa.ChunkedArray) -> bool:
    return pa.types.is_integer(column.type) or pa.types.is_floating(column.type)


def _widths(table: pa.Table) -> tuple[dict[str, int], dict[str, int]]:
    """Each column's width for its longest cell, and the least that shows its header whole."""
    wanted: dict[str, int] = {}
    least: dict[str, int] = {}
    for index, (name, column) in enumerate(zip(table.column_names, table.columns, strict=True)):
        header = _text_width(len(name))
        # A figure's digits and separators are never cut; a long text may be, but what the row
        # is about keeps enough to be recognised.
        cells = _text_width(_longest(column))
        kept = cells if _is_number(column) else min(cells, NAME_WIDTH if index == 0 else 0)
        least[name] = max(header, kept)
        wanted[name] = max(least[name], min(cells, MAX_COLUMN))
    return wanted, least


def fitted(wanted: Mapping[str, int], least: Mapping[str, int], room: int) -> dict[str, int]:
    """Widths that fit `room`, the widest columns narrowed first, none below its least."""
    if sum(wanted.values()) <= room or sum(least.values()) >= room:
        return dict(wanted) if sum(wanted.values()) <= room else dict(least)
    low, high = 0, max(wanted.values())
    while high - low > 1:  # the largest cap on every column's width that still fits
        cap = (low + high) // 2
        total = sum(max(least[n], min(w, cap)) for n, w in wanted.items())
        low, high = (cap, high) if total <= room else (low, cap)
    return {n: max(least[n], min(w, low)) for n, w in wanted.items()}


def phone_first(widths: dict[str, int], least: Mapping[str, int], count: int = 3) -> dict[str, int]:
    """The widths with the first `count` columns narrowed, widest first, to fit a phone."""
    first = list(widths)[:count]
    excess = sum(widths[n] for n in first) - PHONE_WIDTH
    for name in sorted(first, key=widths.__getitem__, reverse=True):
        cut = max(0, min(excess, widths[name] - least[name]))
        widths[name] -= cut
        excess -= cut
    return widths


def column_layout(table: pa.Table, given: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Column settings: figures as right-aligned numbers, widths that fit, `given` kept."""
    wanted, least = _widths(table)
    # Streamlit widens columns in proportion to fill a wider table, so widths that fit a phone's
    # first three columns and a 1440 px screen's all still fill the screen.
    widths = phone_first(fitted(wanted, least, FIT_WIDTH), least)
    layout: dict[str, Any] = {}
    for name, column in zip(table.column_names, table.columns, strict=True):
        base = number_column() if _is_number(column) else st.column_config.TextColumn()
        chosen = dict((given or {}).get(name) or base)
        chosen["width"] = chosen.get("width") or widths[name]
        layout[name] = chosen
    return layout


def as_arrow(table: Table) -> pa.Table:
    """The table as Arrow, what st.dataframe sends (a column mixing figures and words as text)."""
    if isinstance(table, pa.Table):
        return table
    try:
        return pa.Table.from_pandas(table, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        mixed = [c for c in table.columns if table[c].dtype == "object"]
        texts = {c: table[c].map(lambda v: "" if pd.isna(v) else str(v)) for c in mixed}
        return pa.Table.from_pandas(table.assign(**texts), preserve_index=False)


def number_column(**options: Any) -> Any:
    """A column of figures, right-aligned with the reader's separators."""
    return st.column_config.NumberColumn(format=NUMBER_FORMAT, **options)


def dollar_column(**options: Any) -> Any:
    """A column of whole US dollars ($2,500,000)."""
    return st.column_config.NumberColumn(format="dollar", step=1, **options)


def percent_column(signed: bool = False, **options: Any) -> Any:
    """A column of percentages held as 0-100 numbers, written the language's way (80 %)."""
    pattern = ("%+.0f" if signed else "%.0f") + percent_sign().replace("%", "%%")
    return st.column_config.NumberColumn(format=pattern, **options)


def show_table(data: Table, **options: Any) -> Any:
    """A read-only table (st.dataframe), its text cells formula-safe, its columns fitted."""
    arrow = as_arrow(guarded(data))
    options["column_config"] = column_layout(arrow, options.get("column_config"))
    options.setdefault("placeholder", "")  # a missing figure is blank, its reason in its row
    return st.dataframe(arrow, **options)


def edit_table(data: pd.DataFrame, **options: Any) -> pd.DataFrame:
    """An editable grid (st.data_editor), its text cells formula-safe."""
    return st.data_editor(guarded(data), **options)


def figures(values: Iterable[Any], hidden: Iterable[bool] | None = None) -> np.ndarray:
    """Figures as numbers (a float column), NaN where missing or the reader may not see them."""
    numbers = pd.to_numeric(pd.Series(list(values), dtype=object), errors="coerce")
    shown = numbers.to_numpy(dtype=float, copy=True)
    if hidden is not None:
        shown[np.asarray(list(hidden), dtype=bool)] = np.nan
    return shown


def hidden_from(actor: Actor, flags: Iterable[bool]) -> np.ndarray:
    """Where this reader sees a figure suppressed (IOM staff see true figures, marked)."""
    return np.asarray(list(flags), dtype=bool) & (not sees_true_figures(actor))


def suppression_marks(hidden: Iterable[bool], donor_hidden: Iterable[bool]) -> list[str]:
    """What a figure's marker column says: suppressed, suppressed for a donor (IOM), or ''."""
    for_donors = SUPPRESSED_MARK + " " + t("suppressed for donors")
    suppressed = SUPPRESSED_MARK + " " + t("suppressed")
    return [
        suppressed if h else (for_donors if d else "")
        for h, d in zip(hidden, donor_hidden, strict=True)
    ]
