"""Column helpers and vocabularies shared by the tables."""

import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import BigInteger, Column, Index
from sqlmodel import Field

ALL = "all"  # the value of a disaggregation column on a total (not disaggregated) row
SEXES = ("female", "male")
AGE_BANDS = ("0-17", "18-24", "25-39", "40+")
NATIONALITY_GROUPS = ("moroccan", "foreign")

# The largest figure each entered column accepts: far above any true figure of this award, far
# below what the column holds on SQLite and PostgreSQL (INTEGER 2,147,483,647; BIGINT cents
# 9.2e18, even summed over a file of 50,000 rows; a float is exact to 9e15).
MAX_PERCENT = 100
MAX_BEDS = 10_000  # beds in one centre
MAX_PEOPLE = 1_000_000  # people counted in one cell of a quarter, or accommodated by a centre
MAX_RESULT = 1_000_000_000  # an indicator's value in a quarter
MAX_DOLLARS = 100_000_000  # one expenditure (the award is US$2.5 million)

# One http(s) address: a host after the scheme, then no white space, control character or sign
# that cannot stand in a link (< > " \ ` { } | ^), so it is shown as exactly one link.
WEB_LINK = re.compile(
    r"https?://[^\s\x00-\x1f\x7f<>\"\\`{}|^/?#]+[^\s\x00-\x1f\x7f<>\"\\`{}|^]*",
    re.IGNORECASE,
)


def is_web_link(text: str) -> bool:
    """Whether the text is one well-formed http or https address, with a host and no spaces."""
    if not WEB_LINK.fullmatch(text):
        return False
    try:
        return bool(urlsplit(text).hostname)
    except ValueError:  # e.g. an unclosed [ around an IPv6 host
        return False


def utc_now() -> datetime:
    """The current time in UTC, to the second."""
    return datetime.now(UTC).replace(microsecond=0)


def cents_field(*, nullable: bool = False) -> Any:
    """A money column in integer cents (64-bit, never float)."""
    return Field(default=None, sa_column=Column(BigInteger, nullable=nullable))


def quarter_field(**kwargs: Any) -> Any:
    """A calendar quarter written as 2025Q3 (sorts as text)."""
    return Field(max_length=6, index=True, **kwargs)


def review_index(table: str) -> Index:
    """(quarter, status) of a reviewed figure table: which quarters hold figures not approved."""
    return Index(f"ix_{table}_quarter_status", "quarter", "status")
