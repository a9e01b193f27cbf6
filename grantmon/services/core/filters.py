"""The filters every screen shares, validated from plain URL parameters."""

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlmodel import Session, col

from data_model import Activity, Award, Expenditure, IndicatorResult, Partner, Region
from data_model.common import ALL
from grantmon.formatting import quarter_label
from grantmon.i18n import t
from grantmon.periods import QUARTER_PATTERN, quarter_of, quarters_between
from grantmon.services.core.access import EVERYONE, Actor, readable_by


@dataclass(frozen=True)
class Filters:
    """Period range, region, partner and component ('all' means no filter); hashable."""

    start: str
    end: str
    region: str = ALL
    partner: str = ALL
    component: str = ALL

    def to_params(self) -> dict[str, str]:
        """Plain URL parameters; filters left at 'all' are omitted."""
        params = {"from": self.start, "to": self.end}
        for name in ("region", "partner", "component"):
            if getattr(self, name) != ALL:
                params[name] = getattr(self, name)
        return params


class FilterOptions(BaseModel):
    """The values each filter may take, from the database."""

    quarters: list[str]
    regions: dict[str, str]  # ISO code -> French name
    partners: list[str]
    components: list[str]

    def defaults(self) -> Filters:
        """Every quarter of the award to date, everywhere."""
        return Filters(start=self.quarters[0], end=self.quarters[-1])


def _award_quarters(session: Session, today: date) -> list[str]:
    """The quarters of the award period up to the current one."""
    period = session.execute(select(func.min(col(Award.start_date)), func.max(col(Award.end_date))))
    start, end = period.one()
    if start is None:
        return []
    return quarters_between(quarter_of(start), quarter_of(min(end, max(today, start))))


def distinct_quarters(session: Session, column: Any) -> set[str]:
    """The distinct quarters of an indexed column, one index lookup per quarter.

    A plain DISTINCT reads every row (a million result rows at scale); stepping from one
    quarter to the next smallest one above it (a "loose index scan") reads a dozen entries.
    """
    steps = select(func.min(column).label("quarter")).cte("steps", recursive=True)
    following = select(func.min(column)).where(column > steps.c.quarter).scalar_subquery()
    steps = steps.union_all(select(following.label("quarter")).where(steps.c.quarter.is_not(None)))
    query = select(steps.c.quarter).where(steps.c.quarter.is_not(None))
    return {str(row[0]) for row in session.execute(query)}


@readable_by(EVERYONE)
def filter_options(*, session: Session, actor: Actor, today: date | None = None) -> FilterOptions:
    """The award's quarters to date (and any with figures), regions, partners and components."""
    with_data = distinct_quarters(session, col(IndicatorResult.quarter))
    with_data |= distinct_quarters(session, col(Expenditure.quarter))
    found = sorted(with_data.union(_award_quarters(session, today or date.today())))
    regions = session.execute(
        select(col(Region.iso_code), col(Region.name_fr)).order_by(col(Region.iso_code))
    )
    partners = session.execute(select(col(Partner.code)).order_by(col(Partner.id))).scalars()
    components = session.execute(
        select(col(Activity.component)).distinct().order_by(col(Activity.component))
    ).scalars()
    return FilterOptions(
        quarters=found or ["2024Q1"],
        regions={code: name for code, name in regions},
        partners=list(partners),
        components=list(components),
    )


FILTER_PARAMETERS = ("from", "to", "region", "partner", "component")


def _checked(value: str | None, allowed: list[str] | dict[str, str]) -> str | None:
    """The value when allowed ('all' when absent), or None when it is not one of them."""
    if value is None or value == ALL:
        return ALL
    return value if value in allowed else None


def _checked_period(params: Mapping[str, str], options: FilterOptions) -> tuple[str, str, str]:
    """The period asked for, or every quarter with the name of the parameter at fault."""
    start, end = options.quarters[0], options.quarters[-1]
    wanted_start, wanted_end = params.get("from", start), params.get("to", end)
    for name, quarter in (("from", wanted_start), ("to", wanted_end)):
        if not (QUARTER_PATTERN.match(quarter) and quarter in options.quarters):
            return start, end, name
    if wanted_start > wanted_end:
        return start, end, "from"
    return wanted_start, wanted_end, ""


def checked_filters(params: Mapping[str, str], options: FilterOptions) -> tuple[Filters, list[str]]:
    """Filters from plain parameters, and the names of those that were not valid (each falls
    back to its default): the one check of the screens' links and the API's queries."""
    start, end, bad_period = _checked_period(params, options)
    bad = [bad_period] if bad_period else []
    chosen: dict[str, str] = {}
    for name, allowed in (
        ("region", options.regions),
        ("partner", options.partners),
        ("component", options.components),
    ):
        value = _checked(params.get(name), allowed)
        if value is None:
            bad.append(name)
        chosen[name] = value or ALL
    return replace(options.defaults(), start=start, end=end, **chosen), bad


def parse_filters(params: Mapping[str, str], options: FilterOptions) -> tuple[Filters, list[str]]:
    """Filters from URL parameters; each bad value falls back to its default, with a notice."""
    filters, bad = checked_filters(params, options)
    labels = {"region": t("region"), "partner": t("partner"), "component": t("component")}
    problems = [
        t("The period in the link was not valid; showing every quarter.")
        if name in ("from", "to")
        else t("Unknown {label} in the link was ignored.", label=labels[name])
        for name in bad
    ]
    return filters, problems


def describe(filters: Filters, options: FilterOptions) -> str:
    """The active filters in words, for chart subtitles and exports."""
    start, end = quarter_label(filters.start), quarter_label(filters.end)
    period = start if filters.start == filters.end else f"{start}–{end}"
    parts = [period]
    parts.append(options.regions.get(filters.region, t("all regions")))
    parts.append(t("all partners") if filters.partner == ALL else filters.partner)
    parts.append(t("all components") if filters.component == ALL else filters.component)
    return " · ".join(parts)
