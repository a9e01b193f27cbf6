"""Reference tables: sources, regions, partners and the award itself."""

from datetime import date

from sqlmodel import Field, SQLModel

from data_model.common import cents_field


class Source(SQLModel, table=True):
    """A public source a figure is taken from, or a note that the figure is assumed or demo."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=60, unique=True)
    title: str = Field(max_length=300)
    publisher: str = Field(max_length=200)
    published_on: date | None = None
    url: str | None = Field(default=None, max_length=500)
    note: str = Field(default="", max_length=1000)


class Region(SQLModel, table=True):
    """One of Morocco's 12 regions (2015 division)."""

    iso_code: str = Field(primary_key=True, max_length=5)
    hcp_code: str = Field(max_length=2)
    name_fr: str = Field(max_length=80)
    name_ar: str = Field(max_length=80)
    capital: str = Field(max_length=80)
    capital_lat: float
    capital_lon: float
    population_2024: int
    population_2014: int
    source_id: int | None = Field(default=None, foreign_key="source.id")


class Partner(SQLModel, table=True):
    """An organisation that receives or implements part of an award."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=20, unique=True)
    name: str = Field(max_length=200)


class Award(SQLModel, table=True):
    """A grant: donor, recipient, amount and period, each with its provenance."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True)
    title: str = Field(max_length=300)
    donor: str = Field(max_length=200)
    awarding_office: str = Field(max_length=200)
    recipient_id: int = Field(foreign_key="partner.id")
    amount_cents: int = cents_field()
    currency: str = Field(default="USD", max_length=3)
    start_date: date
    end_date: date
    period_is_assumed: bool = False
    period_note: str = Field(default="", max_length=500)
    launched_on: date | None = None
    source_id: int = Field(foreign_key="source.id")
    is_demo: bool = False


class AwardPartner(SQLModel, table=True):
    """A partner's share of an award (sub-award), where known."""

    id: int | None = Field(default=None, primary_key=True)
    award_id: int = Field(foreign_key="award.id", index=True)
    partner_id: int = Field(foreign_key="partner.id")
    role: str = Field(max_length=40)
    component: str = Field(default="", max_length=200)
    amount_cents: int | None = cents_field(nullable=True)
    start_date: date | None = None
    end_date: date | None = None
    is_assumed: bool = False
    source_id: int = Field(foreign_key="source.id")
    is_demo: bool = False


class ContextFigure(SQLModel, table=True):
    """A publicly reported figure shown for context, with its caveat (never a grant result)."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=60, unique=True)
    label: str = Field(max_length=300)
    value: int
    unit: str = Field(max_length=60)
    period: str = Field(max_length=60)
    caveat: str = Field(default="", max_length=1000)
    source_id: int = Field(foreign_key="source.id")
