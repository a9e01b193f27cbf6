"""Column helpers and vocabularies shared by the tables."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, Column
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


def utc_now() -> datetime:
    """The current time in UTC, to the second."""
    return datetime.now(UTC).replace(microsecond=0)


def cents_field(*, nullable: bool = False) -> Any:
    """A money column in integer cents (64-bit, never float)."""
    return Field(default=None, sa_column=Column(BigInteger, nullable=nullable))


def quarter_field(**kwargs: Any) -> Any:
    """A calendar quarter written as 2025Q3 (sorts as text)."""
    return Field(max_length=6, index=True, **kwargs)
