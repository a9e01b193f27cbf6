"""The formula guard: every text a spreadsheet would run is quoted, numbers and words are not."""

import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grantmon.services.core.formula_guard import (
    FORMULA_STARTS,
    arrow_neutralised,
    frame_neutralised,
    neutralised,
)

CELLS = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.sampled_from(FORMULA_STARTS).flatmap(lambda s: st.text(max_size=8).map(s.__add__)),
)


@pytest.mark.parametrize(
    "typed, written",
    [
        ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-65%", "-65%"),  # a signed number: a spreadsheet reads the number, runs nothing
        ("+1,234.5", "+1,234.5"),
        ("-1\u202f234,5\u00a0%", "-1\u202f234,5\u00a0%"),
        ("Venue confirmed", "Venue confirmed"),
        (12, 12),
    ],
)
def test_a_formula_is_quoted_and_a_number_or_word_kept(typed, written):
    assert neutralised(typed) == written


@settings(max_examples=200, deadline=None)
@given(st.lists(CELLS, min_size=1, max_size=6))
def test_tables_and_arrow_tables_are_guarded_cell_by_cell_alike(cells):
    frame = pd.DataFrame({"=typed": cells, "count": range(len(cells))})
    guarded = frame_neutralised(frame)
    arrow = arrow_neutralised(pa.Table.from_pandas(frame, preserve_index=False))
    expected = [None if c is None else neutralised(c) for c in cells]
    assert list(guarded.columns) == ["'=typed", "count"] == arrow.column_names
    assert texts(guarded["'=typed"]) == expected
    assert arrow.column("'=typed").to_pylist() == expected
    assert list(guarded["count"]) == list(range(len(cells)))
    assert texts(frame["=typed"]) == cells  # the shown table is a copy: the data is unchanged


def texts(column: pd.Series) -> list:
    """The column's cells, a missing one as None."""
    return [None if pd.isna(c) else c for c in column]
