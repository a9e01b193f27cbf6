"""Numbers and dates as readers expect to see them."""

from datetime import date

CURRENCY_SYMBOLS = {"USD": "US$", "EUR": "€", "MAD": "MAD "}


def money(cents: int | None, currency: str = "USD") -> str:
    """Whole currency units with thousands separators, e.g. US$2,500,000."""
    if cents is None:
        return "—"
    return f"{CURRENCY_SYMBOLS.get(currency, currency + ' ')}{round(cents / 100):,}"


def long_date(day: date | None) -> str:
    """A date as 10 May 2024."""
    return f"{day.day} {day:%b %Y}" if day else "—"


def percent(share: float | None, digits: int = 0) -> str:
    """A share between 0 and 1 as a percentage."""
    return "—" if share is None else f"{share * 100:.{digits}f}%"
