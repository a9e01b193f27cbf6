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


def _checked(
    value: str | None, allowed: list[str] | dict[str, str], label: str, problems: list[str]
) -> str:
    if value is None or value == ALL:
        return ALL
    if value in allowed:
        return value
    problems.append(t("Unknown {label} in the link was ignored.", label=label))
    return ALL


def _checked_period(
    params: Mapping[str, str], options: FilterOptions, problems: list[str]
) -> tuple[str, str]:
    start, end = options.quarters[0], options.quarters[-1]
    wanted_start, wanted_end = params.get("from", start), params.get("to", end)
    valid = all(
        QUARTER_PATTERN.match(q) and q in options.quarters for q in (wanted_start, wanted_end)
    )
    if not valid or wanted_start > wanted_end:
        problems.append(t("The period in the link was not valid; showing every quarter."))
        return start, end
    return wanted_start, wanted_end


def parse_filters(params: Mapping[str, str], options: FilterOptions) -> tuple[Filters, list[str]]:
    """Filters from URL parameters; each bad value falls back to its default, with a notice."""
    problems: list[str] = []
    start, end = _checked_period(params, options, problems)
    filters = replace(
        options.defaults(),
        start=start,
        end=end,
        region=_checked(params.get("region"), options.regions, t("region"), problems),
        partner=_checked(params.get("partner"), options.partners, t("partner"), problems),
        component=_checked(params.get("component"), options.components, t("component"), problems),
    )
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
