"""Table columns fit the screen, and figures stay numbers with a suppressed one empty."""

import numpy as np
import pyarrow as pa

from grantmon.ui.tables import FIT_WIDTH, PHONE_WIDTH, column_layout, figures, fitted


def test_the_widest_columns_give_way_first_and_none_drops_below_its_header():
    widths = fitted({"title": 900, "figure": 100}, {"title": 80, "figure": 100}, room=600)
    assert widths == {"title": 500, "figure": 100}
    assert fitted({"a": 500, "b": 500}, {"a": 400, "b": 400}, room=600) == {"a": 400, "b": 400}


def test_a_long_table_fits_a_wide_screen_and_its_first_three_columns_a_phone():
    table = pa.table(
        {
            "Indicator": ["1.1.a " + "a long title " * 8],
            "Actual to date": [4_030_222.0],
            "Status": ["▼ worse than target: a note"],
            **{f"Other figure {n}": [1.5] for n in range(4)},
        }
    )
    widths = {name: config["width"] for name, config in column_layout(table).items()}
    assert sum(widths.values()) <= FIT_WIDTH
    assert sum(list(widths.values())[:3]) <= PHONE_WIDTH
    assert column_layout(table)["Actual to date"]["type_config"]["type"] == "number"


def test_a_hidden_figure_is_an_empty_number_never_its_value():
    shown = figures([12, None, 3], hidden=[True, False, False])
    assert shown.dtype == float and np.isnan(shown[:2]).all() and shown[2] == 3
