"""Figures by region: victims assisted, centres, milestones; and a region's drill-down."""

from datetime import date
from typing import Any

import pandas as pd
from pydantic import BaseModel, computed_field
from sqlalchemy import ColumnElement, Executable, and_, case, func, select, true
from sqlmodel import Session, col

from data_model import (
    Activity,
    ActivityRegion,
    Centre,
    CentreOccupancy,
    Milestone,
    MilestoneStatus,
    Partner,
    Region,
    ReintegrationFigure,
    ReportStatus,
)
from data_model.common import ALL
from grantmon.periods import quarter_end, quarter_start, shift_quarter
from grantmon.services.core.access import EVERYONE, Actor, readable_by
from grantmon.services.core.filters import Filters
from grantmon.services.core.privacy import (
    TOTAL,
    sees_true_figures,
    suppress_series,
    suppress_table,
)
from grantmon.services.core.sql import frame
from grantmon.services.progress.as_of import measured_filters
from grantmon.settings import get_settings

PER_INHABITANTS = 100_000
DONE = (MilestoneStatus.COMPLETED.value, MilestoneStatus.CANCELLED.value)
VICTIM_SERIES = ("identified", "assisted", "plans_completed")


# --- Privacy -------------------------------------------------------------------------------


def suppress_small_counts(values: pd.Series, threshold: int) -> tuple[pd.Series, pd.Series]:
    """Region counts through the shared small-cell rule: (counts, NA where hidden; hidden flag)."""
    counts = pd.to_numeric(values, errors="coerce").astype("Int64")
    _, hidden = suppress_series(
        counts.fillna(0).reset_index(drop=True), threshold=threshold, total_label=TOTAL
    )
    flags = pd.Series(hidden.drop(TOTAL).to_numpy(), index=counts.index)
    return counts.mask(flags), flags


def shows_unapproved(actor: Actor) -> bool:
    """Whether this person's figures include rows not yet approved (never for a donor)."""
    return sees_true_figures(actor)


# --- Shared conditions ---------------------------------------------------------------------


def _partner_is(column: Any, filters: Filters) -> ColumnElement[bool]:
    if filters.partner == ALL:
        return true()
    return col(column).in_(select(col(Partner.id)).where(col(Partner.code) == filters.partner))


def _region_is(column: Any, filters: Filters, region: str | None = None) -> ColumnElement[bool]:
    wanted = region or (None if filters.region == ALL else filters.region)
    return true() if wanted is None else col(column) == wanted


def _visible_figures(actor: Actor) -> ColumnElement[bool]:
    if shows_unapproved(actor):
        return true()
    return col(ReintegrationFigure.status) == ReportStatus.APPROVED


def _visible_occupancy(actor: Actor) -> ColumnElement[bool]:
    if shows_unapproved(actor):
        return true()
    return col(CentreOccupancy.status) == ReportStatus.APPROVED


def _open_at(quarter: str) -> ColumnElement[bool]:
    """Open at a quarter: status open and opened on or before the quarter's last day."""
    return and_(col(Centre.status) == "open", col(Centre.opened_on) <= quarter_end(quarter))


def _in_period(column: Any, filters: Filters) -> ColumnElement[bool]:
    return col(column).between(quarter_start(filters.start), quarter_end(filters.end))


def _count_if(condition: ColumnElement[bool]) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


# --- Per-region metrics --------------------------------------------------------------------


def _victims_by_region(session: Session, actor: Actor, filters: Filters) -> pd.DataFrame:
    figure = ReintegrationFigure
    unapproved = col(figure.status) != ReportStatus.APPROVED
    query: Executable = (
        select(
            col(figure.region_code).label("iso_code"),
            func.sum(col(figure.assisted)).label("victims_assisted"),
            func.sum(case((unapproved, col(figure.assisted)), else_=0)).label(
                "unapproved_assisted"
            ),
        )
        .where(col(figure.quarter).between(filters.start, filters.end))
        # Every region, whatever the region filter: a region's count is hidden exactly where the
        # map of all regions hides it, so its total less the regions shown gives nothing back.
        .where(_partner_is(figure.partner_id, filters), _visible_figures(actor))
        .group_by(col(figure.region_code))
    )
    return frame(session, query, ["iso_code", "victims_assisted", "unapproved_assisted"])


def _centres_by_region(session: Session, filters: Filters) -> pd.DataFrame:
    open_now = _open_at(filters.end)
    known = col(Centre.capacity).is_not(None)
    query: Executable = (
        select(
            col(Centre.region_code).label("iso_code"),
            _count_if(open_now).label("centres_open"),
            func.coalesce(func.sum(case((open_now, col(Centre.capacity)), else_=0)), 0).label(
                "beds_known"
            ),
            _count_if(and_(open_now, ~known)).label("centres_capacity_unknown"),
        )
        .where(_partner_is(Centre.partner_id, filters), _region_is(Centre.region_code, filters))
        .group_by(col(Centre.region_code))
    )
    return frame(
        session, query, ["iso_code", "centres_open", "beds_known", "centres_capacity_unknown"]
    )


def _milestone_counts(today: date) -> list[Any]:
    late = and_(col(Milestone.due_date) < today, col(Milestone.status).not_in(DONE))
    return [
        func.count(col(Milestone.id)).label("milestones_due"),
        _count_if(col(Milestone.status) == MilestoneStatus.COMPLETED).label("milestones_completed"),
        _count_if(late).label("milestones_late"),
    ]


def _activity_filters(filters: Filters) -> ColumnElement[bool]:
    component = true() if filters.component == ALL else col(Activity.component) == filters.component
    return and_(_partner_is(Activity.partner_id, filters), component)


def _milestones_by_region(session: Session, filters: Filters, today: date) -> pd.DataFrame:
    query: Executable = (
        select(col(ActivityRegion.region_code).label("iso_code"), *_milestone_counts(today))
        .join(Activity, col(Activity.id) == col(ActivityRegion.activity_id))
        .join(Milestone, col(Milestone.activity_id) == col(Activity.id))
        .where(_in_period(Milestone.due_date, filters), _activity_filters(filters))
        .where(_region_is(ActivityRegion.region_code, filters))
        .group_by(col(ActivityRegion.region_code))
    )
    columns = ["iso_code", "milestones_due", "milestones_completed", "milestones_late"]
    return frame(session, query, columns)


def _regions(session: Session) -> pd.DataFrame:
    query: Executable = select(
        col(Region.iso_code),
        col(Region.name_fr).label("name"),
        col(Region.name_ar),
        col(Region.population_2024).label("population"),
    ).order_by(col(Region.iso_code))
    return frame(session, query, ["iso_code", "name", "name_ar", "population"])


def _add_victim_columns(table: pd.DataFrame, actor: Actor, everywhere: pd.Series) -> pd.DataFrame:
    """Victim counts and rates; for donors suppressed over `everywhere`, every region's count."""
    counts = table["victims_assisted"].astype("Int64")
    table["victims_suppressed"] = False
    if not sees_true_figures(actor):
        _, hidden = suppress_small_counts(everywhere, get_settings().suppression_threshold)
        hidden &= table["in_filter"]
        counts, table["victims_suppressed"] = counts.mask(hidden), hidden
    table["victims_assisted"] = counts
    rate = counts.astype("Float64") * PER_INHABITANTS / table["population"]
    table["victims_per_100k"] = rate.round(2).where(table["victims_reported"])
    return table


@readable_by(EVERYONE)
def region_metrics(
    *, session: Session, actor: Actor, filters: Filters, today: date
) -> pd.DataFrame:
    """One row per region (all 12): population, victims assisted (per 100,000) to the view's
    as-of date, centres open and beds at that date, milestones due in the period. Regions
    outside the region filter have in_filter False and no figures; victims_reported is False
    where no victim figure was reported (count 0, rate NA); donors see approved, suppressed
    victim counts."""
    table = _regions(session)
    table["in_filter"] = table["iso_code"].eq(filters.region) | (filters.region == ALL)
    measured = measured_filters(session, actor, filters, today)
    parts = [
        _victims_by_region(session, actor, measured),
        _centres_by_region(session, measured),
        _milestones_by_region(session, filters, today),
    ]
    for part in parts:
        table = table.merge(part, on="iso_code", how="left")
    # No reintegration row at all is "nothing reported", which a reader must not take for zero.
    table["victims_reported"] = table["victims_assisted"].notna() & table["in_filter"]
    everywhere = pd.to_numeric(table["victims_assisted"]).astype("Int64").fillna(0)
    counts = [c for part in parts for c in part.columns if c != "iso_code"]
    for column in counts:
        # Inside the filter a missing row means none; outside it means "not counted".
        filled = pd.to_numeric(table[column]).astype("Int64").fillna(0)
        table[column] = filled.where(table["in_filter"])
    return _add_victim_columns(table, actor, everywhere)


# --- Centres -------------------------------------------------------------------------------

CENTRE_COLUMNS = [
    "centre_id",
    "name",
    "kind",
    "iso_code",
    "region",
    "city",
    "lat",
    "lon",
    "operator",
    "partner",
    "opened_on",
    "capacity",
    "status",
    "status_at_end",
    "is_demo",
]


def _status_at(quarter: str) -> Any:
    """'open', 'not yet open' (opens after the quarter), or the stored status."""
    return case(
        (_open_at(quarter), "open"),
        (col(Centre.status) == "open", "not yet open"),
        else_=col(Centre.status),
    )


@readable_by(EVERYONE)
def centre_points(
    *, session: Session, actor: Actor, filters: Filters, today: date, region: str | None = None
) -> pd.DataFrame:
    """Every centre (region and partner filters applied) with its position, capacity and its
    status at the view's as-of date."""
    end = measured_filters(session, actor, filters, today).end
    query: Executable = (
        select(
            col(Centre.id).label("centre_id"),
            col(Centre.name),
            col(Centre.kind),
            col(Centre.region_code).label("iso_code"),
            col(Region.name_fr).label("region"),
            col(Centre.city),
            col(Centre.lat),
            col(Centre.lon),
            col(Centre.operator),
            col(Partner.code).label("partner"),
            col(Centre.opened_on),
            col(Centre.capacity),
            col(Centre.status),
            _status_at(end).label("status_at_end"),
            col(Centre.is_demo),
        )
        .join(Region, col(Region.iso_code) == col(Centre.region_code))
        .outerjoin(Partner, col(Partner.id) == col(Centre.partner_id))
        .where(_partner_is(Centre.partner_id, filters))
        .where(_region_is(Centre.region_code, filters, region))
        .order_by(col(Centre.region_code), col(Centre.name))
    )
    table = frame(session, query, CENTRE_COLUMNS)
    table["capacity"] = table["capacity"].astype("Int64")
    return table


class CentreCount(BaseModel):
    """Centres open at the end of a quarter and their beds (unknown capacity stays unknown)."""

    quarter: str
    open_centres: int
    known_beds: int
    centres_without_capacity: int

    @computed_field  # type: ignore[prop-decorator]
    @property
    def total_beds(self) -> int | None:
        """All beds in open centres, or None when some centre's capacity is not public."""
        return None if self.centres_without_capacity else self.known_beds


class CentreSummary(CentreCount):
    """Open centres and beds at the period's end, and the same a quarter earlier."""

    previous: CentreCount


def _centre_count(session: Session, filters: Filters, quarter: str) -> CentreCount:
    open_then = _open_at(quarter)
    query: Executable = select(
        _count_if(open_then),
        func.coalesce(func.sum(case((open_then, col(Centre.capacity)), else_=0)), 0),
        _count_if(and_(open_then, col(Centre.capacity).is_(None))),
    ).where(_partner_is(Centre.partner_id, filters), _region_is(Centre.region_code, filters))
    opened, beds, unknown = session.execute(query).one()  # type: ignore[call-overload]
    return CentreCount(
        quarter=quarter,
        open_centres=int(opened),
        known_beds=int(beds),
        centres_without_capacity=int(unknown),
    )


@readable_by(EVERYONE)
def centre_summary(
    *, session: Session, actor: Actor, filters: Filters, today: date
) -> CentreSummary:
    """Centres open and their beds at the view's as-of date (region and partner filters
    applied), with the quarter before for a trend."""
    filters = measured_filters(session, actor, filters, today)
    current = _centre_count(session, filters, filters.end)
    previous = _centre_count(session, filters, shift_quarter(filters.end, -1))
    return CentreSummary(**current.model_dump(exclude={"total_beds"}), previous=previous)


@readable_by(EVERYONE)
def centres_not_open(
    *, session: Session, actor: Actor, filters: Filters, today: date
) -> pd.DataFrame:
    """The centres of the plan (region and partner filters applied) not open at the view's
    as-of date, closed ones aside: their name and status."""
    measured = measured_filters(session, actor, filters, today)
    query: Executable = (
        select(col(Centre.name), col(Centre.status))
        .where(~_open_at(measured.end), col(Centre.status) != "closed")
        .where(_partner_is(Centre.partner_id, filters), _region_is(Centre.region_code, filters))
        .order_by(col(Centre.name))
    )
    return frame(session, query, ["name", "status"])


@readable_by(EVERYONE)
def centre_occupancy(
    *, session: Session, actor: Actor, filters: Filters, region: str | None = None
) -> pd.DataFrame:
    """Each centre's quarterly occupancy in the period: average beds occupied against capacity,
    and people accommodated (donors: approved figures, small counts suppressed; IOM staff: every
    figure, `approved` False where not yet approved)."""
    occupancy = CentreOccupancy
    query: Executable = (
        select(
            col(Centre.name).label("centre"),
            col(occupancy.quarter),
            col(occupancy.average_beds_occupied),
            col(Centre.capacity),
            col(occupancy.people_accommodated),
            (col(occupancy.status) == ReportStatus.APPROVED).label("approved"),
        )
        .join(Centre, col(Centre.id) == col(occupancy.centre_id))
        .where(col(occupancy.quarter).between(filters.start, filters.end))
        .where(_partner_is(Centre.partner_id, filters))
        .where(_region_is(Centre.region_code, filters, region))
        .where(_visible_occupancy(actor))
        .order_by(col(Centre.name), col(occupancy.quarter))
    )
    columns = [
        "centre",
        "quarter",
        "average_beds_occupied",
        "capacity",
        "people_accommodated",
        "approved",
    ]
    table = frame(session, query, columns)
    table["capacity"] = table["capacity"].astype("Int64")
    table["approved"] = table["approved"].astype(bool)
    table["people_suppressed"] = False
    # Nullable before suppression: a column with no empty cell reads as int64, which cannot
    # take the empty cells suppression leaves.
    table["people_accommodated"] = table["people_accommodated"].astype("Int64")
    if not sees_true_figures(actor) and not table.empty:
        threshold = get_settings().suppression_threshold
        for _, rows in table.groupby("centre"):
            shown, hidden = suppress_small_counts(rows["people_accommodated"], threshold)
            table.loc[rows.index, "people_accommodated"] = shown
            table.loc[rows.index, "people_suppressed"] = hidden
    return table


# --- A region's activities and victim figures ----------------------------------------------


@readable_by(EVERYONE)
def region_activities(
    *, session: Session, actor: Actor, filters: Filters, region: str, today: date | None = None
) -> pd.DataFrame:
    """Activities working in a region during the period, with their milestones due in it."""
    due_in_period = and_(
        col(Milestone.activity_id) == col(Activity.id), _in_period(Milestone.due_date, filters)
    )
    keys = [
        col(Activity.code),
        col(Activity.title),
        col(Activity.component),
        col(Partner.code).label("partner"),
        col(Activity.planned_start),
        col(Activity.planned_end),
    ]
    query: Executable = (
        select(*keys, *_milestone_counts(today or date.today()))
        .join(ActivityRegion, col(ActivityRegion.activity_id) == col(Activity.id))
        .join(Partner, col(Partner.id) == col(Activity.partner_id))
        .outerjoin(Milestone, due_in_period)
        .where(col(ActivityRegion.region_code) == region, _activity_filters(filters))
        .where(col(Activity.planned_start) <= quarter_end(filters.end))
        .where(col(Activity.planned_end) >= quarter_start(filters.start))
        .group_by(*keys)
        .order_by(col(Activity.code))
    )
    return frame(session, query)


def _victim_quarters(
    session: Session, actor: Actor, filters: Filters, region: str | None
) -> pd.DataFrame:
    """Victim counts by region and quarter: of one region, or of every region when None."""
    figure = ReintegrationFigure
    sums = [func.sum(col(getattr(figure, name))).label(name) for name in VICTIM_SERIES]
    query: Executable = (
        select(
            col(figure.region_code),
            col(figure.quarter),
            *sums,
            _count_if(col(figure.status) != ReportStatus.APPROVED).label("unapproved_rows"),
        )
        .where(true() if region is None else col(figure.region_code) == region)
        .where(_visible_figures(actor), _partner_is(figure.partner_id, filters))
        .where(col(figure.quarter).between(filters.start, filters.end))
        .group_by(col(figure.region_code), col(figure.quarter))
        .order_by(col(figure.quarter))
    )
    columns = ["region_code", "quarter", *VICTIM_SERIES, "unapproved_rows"]
    table = frame(session, query, columns)
    for name in VICTIM_SERIES:
        table[name] = table[name].astype("Int64")
    return table


def _hidden_quarters(table: pd.DataFrame, region: str) -> pd.Series:
    """The region's quarters hidden in a table of every region by quarter (with totals), so
    that neither a quarter's total of all regions nor the region's total gives one back."""
    _, hidden = suppress_table(table.astype(int), threshold=get_settings().suppression_threshold)
    return pd.Series(hidden.loc[region].drop(TOTAL), dtype=bool)


def _suppressed_victims(session: Session, actor: Actor, filters: Filters, region: str) -> Any:
    """A region's approved victim figures per quarter, hidden as in the table of all regions;
    a quarter hidden only as a complement is listed too (a missing quarter would read as 0)."""
    grid = _victim_quarters(session, actor, filters, None)
    if grid.empty:
        return grid.assign(**{f"{name}_suppressed": False for name in VICTIM_SERIES})
    regions = list(_regions(session)["iso_code"])
    long = grid.set_index(["region_code", "quarter"])[list(VICTIM_SERIES)].fillna(0)
    wide = pd.DataFrame(long.unstack("quarter", fill_value=0)).reindex(regions, fill_value=0)
    hidden = {n: _hidden_quarters(pd.DataFrame(wide[n]), region) for n in VICTIM_SERIES}
    here = grid[grid["region_code"] == region].set_index("quarter")
    quarters = sorted(set(here.index) | {q for h in hidden.values() for q in h.index[h]})
    table = here.reindex(quarters).rename_axis("quarter").reset_index()
    for name in VICTIM_SERIES:
        flags = hidden[name].reindex(quarters, fill_value=False).astype(bool).to_numpy()
        table[name] = table[name].fillna(0).astype("Int64").mask(flags)
        table[f"{name}_suppressed"] = flags
    return table


@readable_by(EVERYONE)
def region_victims(
    *, session: Session, actor: Actor, filters: Filters, region: str
) -> pd.DataFrame:
    """A region's victims identified, assisted and with completed plans, quarter by quarter
    (approved and suppressed for donors; unapproved quarters flagged for IOM staff)."""
    if sees_true_figures(actor):
        table = _victim_quarters(session, actor, filters, region)
        for name in VICTIM_SERIES:
            table[f"{name}_suppressed"] = False
    else:
        table = _suppressed_victims(session, actor, filters, region)
    table["approved"] = table["unapproved_rows"].fillna(0).astype(int).eq(0)
    columns = ["quarter", *VICTIM_SERIES, "approved", *[f"{n}_suppressed" for n in VICTIM_SERIES]]
    return table[columns].reset_index(drop=True)


@readable_by(EVERYONE)
def region_places(*, session: Session, actor: Actor) -> pd.DataFrame:
    """The 12 regions' codes, names and capitals with their coordinates (public facts)."""
    query: Executable = select(
        col(Region.iso_code),
        col(Region.name_fr),
        col(Region.name_ar),
        col(Region.capital),
        col(Region.capital_lat),
        col(Region.capital_lon),
    ).order_by(col(Region.iso_code))
    return frame(session, query)
