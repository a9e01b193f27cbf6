"""Column helpers and vocabularies shared by the tables."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, Column
from sqlmodel import Field

ALL = "all"  # the value of a disaggregation column on a total (not disaggregated) row
SEXES = ("female", "male")
AGE_BANDS = ("0-17", "18-24", "25-39", "40+")
NATIONALITY_GROUPS = ("moroccan", "foreign")


def utc_now() -> datetime:
    """The current time in UTC, to the second."""
    return datetime.now(UTC).replace(microsecond=0)


def cents_field(*, nullable: bool = False) -> Any:
    """A money column in integer cents (64-bit, never float)."""
    return Field(default=None, sa_column=Column(BigInteger, nullable=nullable))


def quarter_field(**kwargs: Any) -> Any:
    """A calendar quarter written as 2025Q3 (sorts as text)."""
    return Field(max_length=6, index=True, **kwargs)
