"""The one formula guard: text a spreadsheet would run as a formula is written as text.

Every file a person can download (exports, templates, a screen table's CSV) passes its text
cells through it. A cell starting with = + - @, a tab or a carriage return is prefixed with a
quote, which spreadsheets read as "this is text" and do not show. A signed number written as
text (-65%, +1,234.5, -1 234,5 %) runs nothing: a spreadsheet reads it as the number it shows,
so it is left as it is.
"""

import re
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
# Digits, decimal and thousands signs (space, no-break and narrow no-break space) and a percent.
SIGNED_NUMBER = "[-+][0-9][0-9.,\u00a0\u202f ]*%?"


def neutralised(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula, prefixed with a quote; others as is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return value if re.fullmatch(SIGNED_NUMBER, value) else QUOTE + value
    return value


def frame_neutralised(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of the table with its headers and text cells neutralised."""
    guarded = frame.rename(columns=neutralised)
    for position in range(guarded.shape[1]):
        values = guarded.iloc[:, position]
        if values.dtype == object or pd.api.types.is_string_dtype(values.dtype):
            guarded.isetitem(position, values.map(neutralised, na_action="ignore").array)
    return guarded


def arrow_neutralised(table: pa.Table) -> pa.Table:
    """The Arrow table with its headers and text columns neutralised."""
    table = table.rename_columns([neutralised(name) for name in table.column_names])
    for position, field in enumerate(table.schema):
        if pa.types.is_string(field.type) or pa.types.is_large_string(field.type):
            table = table.set_column(position, field, _column_neutralised(table.column(position)))
    return table


def _column_neutralised(column: pa.ChunkedArray) -> pa.ChunkedArray:
    risky = pc.starts_with(column, FORMULA_STARTS[0])
    for start in FORMULA_STARTS[1:]:
        risky = pc.or_(risky, pc.starts_with(column, start))
    empty, quote = pa.scalar("", column.type), pa.scalar(QUOTE, column.type)
    risky = pc.and_(risky, pc.invert(pc.match_substring_regex(column, f"^{SIGNED_NUMBER}$")))
    quoted = pc.binary_join_element_wise(quote, column, empty)
    return pc.if_else(pc.fill_null(risky, False), quoted, column)
