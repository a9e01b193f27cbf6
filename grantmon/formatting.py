"""Numbers, money, dates and quarters as readers of the current language expect to see them."""

import re
from datetime import date, datetime

from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal, format_percent

from grantmon.i18n import current_language

CURRENCY_SYMBOLS = {"USD": "US$", "EUR": "€", "MAD": "MAD "}
NONE = "—"
# What people type between thousands in French: a space, a no-break space or a narrow one.
FRENCH_GROUPS = re.compile(r"[ \u00a0\u202f]")
# Dots between thousands: 1.234,56 or 1.234.567 (a single dot alone stays a decimal point).
FRENCH_GROUPED_DOTS = re.compile(r"^\d{1,3}((\.\d{3})+,\d*|(\.\d{3}){2,})$")


def _locale() -> str:
    return current_language()


def number(value: float | None, digits: int = 0) -> str:
    """A figure with the language's separators and a fixed number of decimals: 1 234 567."""
    if value is None or value != value:  # None or NaN
        return NONE
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=_locale())


def figure(value: float | None) -> str:
    """A figure as readers quote it: whole numbers without decimals, others with one."""
    if value is None or value != value:
        return NONE
    return number(value, 0 if float(value).is_integer() else 1)


def typed_text(value: float | None) -> str:
    """A figure as a person would type it back: no thousands separator, the language's decimal
    sign (62,5 in French), blank when there is none."""
    if value is None or value != value:
        return ""
    return format_decimal(value, format="0.######", locale=_locale())


def signed(value: int) -> str:
    """A change with its sign: +1,234 or -3 (a plain hyphen: st.metric reads it as a fall)."""
    return ("+" if value >= 0 else "-") + number(abs(value))


def money(cents: int | None, currency: str = "USD") -> str:
    """Whole currency units: US$2,500,000 in English, 2 500 000 $US in French."""
    if cents is None:
        return NONE
    units = round(cents / 100)
    if _locale() == "en":
        return f"{CURRENCY_SYMBOLS.get(currency, currency + ' ')}{number(units)}"
    return format_currency(
        units, currency, format="#,##0 ¤", currency_digits=False, locale=_locale()
    )


def exact_money(cents: int, currency: str = "USD") -> str:
    """An amount to the cent, as entered: US$1,234.56 or 1 234,56 $US."""
    if _locale() == "en":
        return f"{CURRENCY_SYMBOLS.get(currency, currency + ' ')}{number(cents / 100, 2)}"
    return format_currency(cents / 100, currency, format="#,##0.00 ¤", locale=_locale())


def percent(share: float | None, digits: int = 0) -> str:
    """A share between 0 and 1 as a percentage: 80% in English, 80 % in French."""
    if share is None or share != share:
        return NONE
    pattern = "#,##0" + ("." + "0" * digits if digits else "") + percent_sign()
    return format_percent(share, format=pattern, locale=_locale())


def long_date(day: date | None) -> str:
    """A date as 10 May 2024 in English, 10 mai 2024 in French."""
    return format_date(day, "d MMM y", locale=_locale()) if day else NONE


def date_time(moment: datetime | None) -> str:
    """A moment to the minute, as 08 Nov 2026 16:28 (times are UTC unless they say otherwise)."""
    return format_datetime(moment, "dd MMM y HH:mm", locale=_locale()) if moment else NONE


def quarter_label(quarter: object) -> str:
    """A quarter for readers: Q3 2025 in English, T3 2025 in French (T for trimestre). Files
    and addresses keep the code (2025Q3)."""
    if not isinstance(quarter, str) or not quarter:
        return NONE  # None, NaN: no quarter
    if "Q" not in quarter:
        return quarter
    year, count = quarter.split("Q", 1)
    return f"{'Q' if _locale() == 'en' else 'T'}{count} {year}"


def colon() -> str:
    """The colon after a label: glued on in English, after a narrow space in French."""
    return ":" if _locale() == "en" else "\u202f:"


def labelled(label: str, value: str) -> str:
    """'Label: value' with the language's colon."""
    return f"{label}{colon()} {value}"


def percent_sign() -> str:
    """What follows a percentage: % glued on in English, after a narrow space in French."""
    return "%" if _locale() == "en" else "\u202f%"


def region_name(name: str, arabic: str | None) -> str:
    """A region named on its own: its French name, the Arabic one beside it (set apart so
    right-to-left text never reorders its neighbours)."""
    return f"{name} · \u2068{arabic}\u2069" if arabic else name


def plotly_separators() -> str:
    """Plotly's decimal and thousands separators for the language (its `separators` layout)."""
    return ".," if _locale() == "en" else ",\u202f"


def typed_amount(text: str) -> str:
    """An amount as a person typed it ('1 234,56 $' in French), as typed_number writes it."""
    if _locale() == "en":
        return text
    bare = text.strip().removesuffix("$US").removesuffix("US$").removesuffix("$").strip()
    return typed_number(bare)


def typed_number(text: str) -> str:
    """A number as a person typed it in their language, written the way Python reads it.

    In French the decimal sign is a comma and thousands are set apart by spaces (1 234,56)
    or dots (1.234,56); a lone dot is read as a decimal point, as in figures copied from
    English sources (an ambiguous 1.234 is then refused where only whole numbers or cents fit).
    """
    if _locale() == "en":
        return text
    compact = FRENCH_GROUPS.sub("", text.strip())
    if FRENCH_GROUPED_DOTS.match(compact):
        compact = compact.replace(".", "")
    return compact.replace(",", ".") if compact.count(",") == 1 else compact
