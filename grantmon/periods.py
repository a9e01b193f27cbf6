"""Calendar quarters written as 2025Q3."""

import re
from datetime import date, timedelta

QUARTER_PATTERN = re.compile(r"^(20\d\d)Q([1-4])$")


def parse_quarter(text: str) -> tuple[int, int]:
    """Year and quarter number of '2025Q3'; ValueError for anything else."""
    match = QUARTER_PATTERN.match(text.strip().upper())
    if not match:
        raise ValueError(f"'{text}' is not a quarter like 2025Q3")
    return int(match.group(1)), int(match.group(2))


def quarter_of(day: date) -> str:
    """The quarter a date falls in."""
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def last_ended_quarter(today: date) -> str:
    """The latest quarter that has ended on `today` (the current one has not)."""
    return shift_quarter(quarter_of(today), -1)


def quarter_start(quarter: str) -> date:
    """The first day of a quarter."""
    year, number = parse_quarter(quarter)
    return date(year, 3 * number - 2, 1)


def quarter_end(quarter: str) -> date:
    """The last day of a quarter."""
    return next_quarter_start(quarter) - timedelta(days=1)


def next_quarter_start(quarter: str) -> date:
    """The first day of the following quarter."""
    year, number = parse_quarter(quarter)
    return date(year + 1, 1, 1) if number == 4 else date(year, 3 * number + 1, 1)


def shift_quarter(quarter: str, steps: int) -> str:
    """The quarter `steps` quarters later (earlier when negative)."""
    year, number = parse_quarter(quarter)
    index = year * 4 + number - 1 + steps
    return f"{index // 4}Q{index % 4 + 1}"


def quarters_between(first: str, last: str) -> list[str]:
    """Every quarter from first to last, both included."""
    quarters = []
    current = first
    while current <= last:
        quarters.append(current)
        current = shift_quarter(current, 1)
    return quarters
