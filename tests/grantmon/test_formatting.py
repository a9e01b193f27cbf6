"""Numbers, money, dates and quarters as each language writes them; numbers as people type them."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from grantmon.formatting import (
    long_date,
    money,
    number,
    percent,
    quarter_label,
    signed,
    typed_number,
    typed_text,
)
from grantmon.i18n import use_language
from grantmon.services.budget.spending import parse_amount
from grantmon.services.core.entry_rules import PEOPLE, RESULT, parse_number

NNBSP = "\u202f"  # the narrow no-break space French sets between thousands and before %


def test_english_figures_are_unchanged():
    with use_language("en"):
        assert number(1234567) == "1,234,567"
        assert money(250_000_000) == "US$2,500,000"
        assert percent(0.8) == "80%"
        assert long_date(date(2026, 11, 29)) == "29 Nov 2026"
        assert quarter_label("2026Q3") == "Q3 2026"  # as people write it; files keep 2026Q3
        assert signed(-3) == "-3" and signed(1234) == "+1,234"


def test_french_figures_as_a_french_reader_writes_them():
    with use_language("fr"):
        assert number(1234567) == f"1{NNBSP}234{NNBSP}567"
        assert money(250_000_000) == f"2{NNBSP}500{NNBSP}000 $US"
        assert percent(0.8) == f"80{NNBSP}%"
        assert percent(1.0588235294117647, 1) == f"105,9{NNBSP}%"
        assert long_date(date(2026, 11, 29)) == "29 nov. 2026"
        assert quarter_label("2026Q3") == "T3 2026"
        assert number(2.5, 2) == "2,50"
        assert typed_text(62.5) == "62,5" and typed_text(60.0) == "60"


def test_a_missing_quarter_or_figure_reads_as_a_dash_in_both_languages():
    for language in ("en", "fr"):
        with use_language(language):
            assert quarter_label(float("nan")) == "—"
            assert quarter_label(None) == "—"
            assert number(None) == "—"


@pytest.mark.parametrize(
    "typed, read",
    [
        ("12,5", "12.5"),
        ("1 234,56", "1234.56"),
        ("1\u00a0234,56", "1234.56"),
        (f"1{NNBSP}234", "1234"),
        ("1.234,56", "1234.56"),
        ("1.234.567", "1234567"),
        ("12.5", "12.5"),  # copied from an English source
        ("1.234", "1.234"),  # ambiguous: a decimal point, refused where only whole numbers fit
    ],
)
def test_french_typing_is_read_as_a_french_reader_means_it(typed, read):
    with use_language("fr"):
        assert typed_number(typed) == read


def test_the_french_decimal_comma_is_accepted_in_entry_forms():
    with use_language("fr"):
        assert parse_number("62,5", RESULT) == Decimal("62.5")
        assert parse_number("1 200", PEOPLE) == Decimal("1200")
        assert parse_amount("1 234,56 $") == 123456
        assert parse_amount("1 234,56") == 123456
        with pytest.raises(ValueError, match="nombre entier"):
            parse_number("1.234", PEOPLE)
        with pytest.raises(ValueError, match="au plus 2 décimales"):
            parse_amount("1.234")
    with use_language("en"):
        assert parse_amount("1,234.56") == 123456
        with pytest.raises(ValueError):
            parse_number("12,5", RESULT)  # an English reader's 12,5 is not a number


def test_a_french_reader_sees_french_dates_to_the_minute():
    from grantmon.formatting import date_time

    with use_language("fr"):
        assert date_time(datetime(2026, 11, 8, 16, 28)) == "08 nov. 2026 16:28"
