"""Results framework: the indicator performance tracking table (IPTT), quarter by quarter.

How figures are read (the page repeats this for readers):
- Totals are the result rows whose disaggregation columns are all 'all'.
- Every figure is read to the view's as-of quarter (progress.as_of: the latest quarter whose
  figures the reader may see, within the period), so targets to date and actuals stop together.
- Cumulative indicators (counts) compare the sum of actuals from the start of the award to the
  latest reported quarter up to the as-of quarter with the sum of quarterly targets to that same
  quarter. Non-cumulative ones (percentages, averages) compare that quarter's value with its target.
- percent_achieved is "performance against target": higher is always better. It is actual/target
  for indicators meant to increase and target/actual for those meant to decrease.
- status: 'on track' when percent_achieved is within 85-115%; 'above' = better than target and
  'below' = worse than target (whatever the direction); 'no data' when there is no target or no
  figure, with the reason in `note`.
- Targets are national: the region filter cannot change them. Regional figures exist only for
  indicators disaggregated by region and are returned beside the national ones.
"""

from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import ColumnElement, Executable, and_, case, func, or_, select
from sqlmodel import Session, col

from data_model import Indicator, IndicatorResult, IndicatorTarget, Outcome, Output, Region
from data_model.common import ALL
from data_model.results import ReportStatus
from grantmon.services.core.access import EVERYONE, Actor, readable_by
from grantmon.services.core.filters import Filters
from grantmon.services.core.kept import PerDataVersion
from grantmon.services.core.privacy import (
    counts_victims,
    protect_series,
    running_mask,
    sees_true_figures,
    share_mask,
    suppression_threshold,
)
from grantmon.services.core.sql import frame
from grantmon.services.progress.as_of import measured_filters

PRIVACY_TOTAL = "__total__"  # a label no category can have
ON_TRACK_BAND = 0.15  # "within 15% of target"
DIMENSIONS = {
    "sex": IndicatorResult.sex,
    "age_band": IndicatorResult.age_band,
    "nationality_group": IndicatorResult.nationality_group,
    "region": IndicatorResult.region_code,
}
TRACKING_COLUMNS = [
    "outcome_code",
    "outcome_title",
    "output_code",
    "output_title",
    "indicator_id",
    "code",
    "standard_code",
    "title",
    "unit",
    "baseline",
    "baseline_note",
    "life_target",
    "cumulative",
    "direction",
    "disaggregations",
    "funnel_stage",
    "score_threshold",
    "is_demo",
    "as_of_quarter",
    "target_to_date",
    "actual_to_date",
    "percent_achieved",
    "status",
    "note",
    "unapproved",
    "to_date_hidden",
    "region_actual_to_date",
    "region_suppressed",
    "region_unapproved",
]


def _approved_only(actor: Actor) -> bool:
    # Donors, and any role not cleared for drafts, read approved figures only.
    return actor.is_donor or not actor.may_see_unapproved


def _visible(actor: Actor) -> list[ColumnElement[bool]]:
    if _approved_only(actor):
        return [col(IndicatorResult.status) == ReportStatus.APPROVED]
    return []


def _unapproved_count() -> Any:
    not_approved = case((col(IndicatorResult.status) != ReportStatus.APPROVED, 1), else_=0)
    return func.sum(not_approved)


def _total_rows() -> list[ColumnElement[bool]]:
    return [col(column) == ALL for column in DIMENSIONS.values()]


def assess(actual: float | None, target: float | None, direction: str) -> tuple[float | None, str]:
    """Percent achieved (higher is better) and status of an actual against a target."""
    if actual is None or target is None or pd.isna(actual) or pd.isna(target):
        return None, "no data"
    decrease = direction == "decrease"
    if target == 0 or (decrease and actual == 0):
        # A ratio is undefined here; equal values are on target, else the direction decides.
        if actual == target:
            return None, "on track"
        better = actual < target if decrease else actual > target
        return None, "above" if better else "below"
    percent = 100 * target / actual if decrease else 100 * actual / target
    if abs(percent - 100) <= 100 * ON_TRACK_BAND:
        return percent, "on track"
    return percent, "above" if percent > 100 else "below"


def _only(column: Any, indicator_id: int | None) -> list[ColumnElement[bool]]:
    # One indicator's figures when a screen asks about one, instead of the whole framework.
    return [] if indicator_id is None else [col(column) == indicator_id]


def _framework(session: Session, only: int | None = None) -> pd.DataFrame:
    query: Executable = (
        select(
            col(Outcome.code).label("outcome_code"),
            col(Outcome.title).label("outcome_title"),
            col(Output.code).label("output_code"),
            col(Output.title).label("output_title"),
            col(Indicator.id).label("indicator_id"),
            col(Indicator.code),
            col(Indicator.standard_code),
            col(Indicator.title),
            col(Indicator.unit),
            col(Indicator.baseline),
            col(Indicator.baseline_note),
            col(Indicator.life_target),
            col(Indicator.cumulative),
            col(Indicator.direction),
            col(Indicator.disaggregations),
            col(Indicator.funnel_stage),
            col(Indicator.score_threshold),
            col(Indicator.is_demo),
        )
        .join(Output, col(Output.id) == col(Indicator.output_id))
        .join(Outcome, col(Outcome.id) == col(Output.outcome_id))
        .where(*_only(Indicator.id, only))
        .order_by(col(Outcome.code), col(Output.code), col(Indicator.code))
    )
    return frame(session, query)


@readable_by(EVERYONE)
def results_framework(*, session: Session, actor: Actor) -> pd.DataFrame:
    """Outcomes > outputs > indicators, each with its standard code, unit, baseline, life-of-award
    target, direction and disaggregations (the plan: no figure reported against it)."""
    return _framework(session)


def _quarterly_actuals(session: Session, actor: Actor, end: str, only: int | None) -> pd.DataFrame:
    query: Executable = (
        select(
            col(IndicatorResult.indicator_id),
            col(IndicatorResult.quarter),
            func.sum(col(IndicatorResult.value)).label("actual"),
            _unapproved_count().label("unapproved"),
        )
        .where(col(IndicatorResult.quarter) <= end, *_total_rows(), *_visible(actor))
        .where(*_only(IndicatorResult.indicator_id, only))
        .group_by(col(IndicatorResult.indicator_id), col(IndicatorResult.quarter))
    )
    return frame(session, query, ["indicator_id", "quarter", "actual", "unapproved"])


def _quarterly_targets(session: Session, end: str, only: int | None) -> pd.DataFrame:
    query: Executable = (
        select(
            col(IndicatorTarget.indicator_id),
            col(IndicatorTarget.quarter),
            func.sum(col(IndicatorTarget.target)).label("target"),
        )
        .where(col(IndicatorTarget.quarter) <= end, *_only(IndicatorTarget.indicator_id, only))
        .group_by(col(IndicatorTarget.indicator_id), col(IndicatorTarget.quarter))
    )
    return frame(session, query, ["indicator_id", "quarter", "target"])


def _running_totals(figures: pd.DataFrame) -> pd.DataFrame:
    """Values to date per indicator: running sums for cumulative ones, else the quarter's own."""
    figures = figures.sort_values(["indicator_id", "quarter"], kind="stable").copy()
    by_indicator = figures["indicator_id"]
    cumulative = figures["cumulative"].astype(bool)
    reported = figures["quarter"].where(figures["actual"].notna())
    last = reported.groupby(by_indicator).transform("max")
    running_actual = figures["actual"].fillna(0).groupby(by_indicator).cumsum()
    running_actual = running_actual.where(figures["quarter"] <= last.fillna(""))
    targeted = figures["target"].notna().astype(int).groupby(by_indicator).cumsum() > 0
    running_target = figures["target"].fillna(0).groupby(by_indicator).cumsum().where(targeted)
    running_unapproved = figures["unapproved"].groupby(by_indicator).cumsum()
    figures["actual_to_date"] = running_actual.where(cumulative, figures["actual"])
    figures["target_to_date"] = running_target.where(cumulative, figures["target"])
    figures["unapproved_to_date"] = running_unapproved.where(cumulative, figures["unapproved"])
    return figures


@readable_by(EVERYONE)
def quarterly_figures(
    *, session: Session, actor: Actor, filters: Filters, today: date
) -> pd.DataFrame:
    """Per indicator and quarter of the period to its as-of quarter: target, actual, to date."""
    return tracking_and_figures(session=session, actor=actor, filters=filters, today=today)[1]


def _figures(session: Session, actor: Actor, filters: Filters, only: int | None) -> pd.DataFrame:
    columns = ["indicator_id", "code", "title", "unit", "cumulative", "direction", "quarter"]
    columns += ["target", "actual", "unapproved", "target_to_date", "actual_to_date"]
    columns += ["unapproved_to_date", "percent_achieved", "status", "actual_hidden"]
    columns += ["to_date_hidden"]
    figures = _quarterly_targets(session, filters.end, only).merge(
        _quarterly_actuals(session, actor, filters.end, only),
        on=["indicator_id", "quarter"],
        how="outer",
    )
    if figures.empty:
        return pd.DataFrame(columns=columns)
    framework = _framework(session, only)[columns[:6]]
    figures = figures.merge(framework, on="indicator_id")
    figures["actual"] = figures["actual"].astype(float)
    figures["target"] = figures["target"].astype(float)
    figures["unapproved"] = figures["unapproved"].fillna(0).astype(int)
    figures = _assessed(_running_totals(figures).reset_index(drop=True))
    links = _share_links(session, only)
    figures["is_share"] = figures["indicator_id"].isin(links.index)
    figures["base"] = _base_counts(session, actor, filters.end, figures, links)
    figures = _through_privacy(figures, actor)
    in_period = figures["quarter"].between(filters.start, filters.end)
    ordered = figures.loc[in_period, columns].sort_values(["code", "quarter"])
    return ordered.reset_index(drop=True)


def _share_links(session: Session, only: int | None) -> pd.Series:
    """Each share's base indicator, by the share's id."""
    query: Executable = select(col(Indicator.id), col(Indicator.base_indicator_id)).where(
        col(Indicator.base_indicator_id).is_not(None), *_only(Indicator.id, only)
    )
    links = frame(session, query, ["id", "base_indicator_id"])
    return links.set_index("id")["base_indicator_id"].astype(int)


def _base_counts(
    session: Session, actor: Actor, end: str, figures: pd.DataFrame, links: pd.Series
) -> np.ndarray:
    """Each row's base: the count of its quarter in the indicator it is a share of (else NaN)."""
    if links.empty:
        return np.full(len(figures), np.nan)
    bases = links.unique()
    actuals = figures[figures["indicator_id"].isin(bases)]
    if actuals.empty:  # one share asked for alone: its base is read too
        actuals = _quarterly_actuals(session, actor, end, int(bases[0]))
    counts = actuals[["indicator_id", "quarter", "actual"]].rename(
        columns={"indicator_id": "base_id", "actual": "base"}
    )
    rows = figures[["indicator_id", "quarter"]].assign(base_id=figures["indicator_id"].map(links))
    based = rows.merge(counts.astype({"base": float}), on=["base_id", "quarter"], how="left")
    return based["base"].to_numpy(dtype=float)


def _through_privacy(figures: pd.DataFrame, actor: Actor) -> pd.DataFrame:
    """Victim counts, their running totals and what derives from them, as the actor may see.

    Marks what a donor sees suppressed (`actual_hidden`, `to_date_hidden`) for every actor;
    hides it for donors: the figure, its percent achieved and its status (which would bound it).
    """
    figures["actual_hidden"] = False
    figures["to_date_hidden"] = False
    limit = suppression_threshold()
    for _, rows in figures[figures["unit"].map(counts_victims)].groupby("indicator_id"):
        actuals = rows["actual"].to_numpy(dtype=float)
        to_date = rows["actual_to_date"].to_numpy(dtype=float)
        if not bool(rows["cumulative"].iloc[0]):
            to_date = actuals  # each quarter's figure stands alone: no chain to protect
        quarters, totals = running_mask(actuals, to_date, limit)
        figures.loc[rows.index, "actual_hidden"] = quarters
        figures.loc[rows.index, "to_date_hidden"] = totals
    # A share stands alone each quarter; its base says whether it would reveal a small count.
    shares = figures.loc[figures["is_share"].astype(bool)]
    hidden = share_mask(shares["actual"].to_numpy(float), shares["base"].to_numpy(float), limit)
    figures.loc[shares.index[hidden], ["actual_hidden", "to_date_hidden"]] = True
    return figures if sees_true_figures(actor) else _hidden(figures)


def _hidden(table: pd.DataFrame) -> pd.DataFrame:
    """Hidden figures blanked, with the percent achieved and status that would bound them."""
    if "actual_hidden" in table:
        table["actual"] = table["actual"].where(~table["actual_hidden"].astype(bool))
    to_date = table["to_date_hidden"].fillna(False).astype(bool)
    table["actual_to_date"] = table["actual_to_date"].where(~to_date)
    table["percent_achieved"] = table["percent_achieved"].astype(object).where(~to_date, None)
    table.loc[to_date, "status"] = "suppressed"
    return table


def _latest(figures: pd.DataFrame) -> pd.DataFrame:
    # A suppressed figure is still a reported one: the quarter it stands for does not move.
    reported = figures[figures["actual"].notna() | figures["actual_hidden"]]
    reported = reported.sort_values("quarter")
    latest = reported.groupby("indicator_id").tail(1).set_index("indicator_id")
    latest = latest.drop(columns="unapproved").rename(
        columns={"quarter": "as_of_quarter", "unapproved_to_date": "unapproved"}
    )
    return latest[
        ["as_of_quarter", "target_to_date", "actual_to_date", "unapproved", "to_date_hidden"]
    ]


def _no_data_note(row: pd.Series, approved_only: bool) -> str:
    if pd.isna(row["life_target"]) and pd.isna(row["target_to_date"]):
        return "no target set"
    if pd.isna(row["as_of_quarter"]):
        return "no approved figures in the period" if approved_only else "no figures in the period"
    if pd.isna(row["target_to_date"]):
        return "no target for the quarters reported"
    return ""


def _number(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _assessed(table: pd.DataFrame) -> pd.DataFrame:
    """`assess` on every row at once (thousands of rows at scale), with the same results."""
    actual = pd.to_numeric(table["actual_to_date"], errors="coerce").to_numpy(dtype=float)
    target = pd.to_numeric(table["target_to_date"], errors="coerce").to_numpy(dtype=float)
    decrease = table["direction"].astype(str).to_numpy() == "decrease"
    no_data = np.isnan(actual) | np.isnan(target)
    special = ~no_data & ((target == 0) | (decrease & (actual == 0)))
    regular = ~no_data & ~special
    with np.errstate(divide="ignore", invalid="ignore"):
        percent = np.where(decrease, 100 * target / actual, 100 * actual / target)
    better = np.where(decrease, actual < target, actual > target)
    on_band = np.abs(percent - 100) <= 100 * ON_TRACK_BAND
    table["percent_achieved"] = _percents(np.where(regular, percent, np.nan))
    table["status"] = np.select(
        [no_data, special & (actual == target), special & better, special, on_band, percent > 100],
        ["no data", "on track", "above", "below", "on track", "above"],
        default="below",
    ).tolist()
    return table


def _percents(values: np.ndarray) -> list[float | None]:
    # None where undefined, as `assess` gives (a column of only None stays a column of None).
    return [None if np.isnan(v) else float(v) for v in values]


@readable_by(EVERYONE)
def indicator_tracking(
    *, session: Session, actor: Actor, filters: Filters, today: date
) -> pd.DataFrame:
    """One row per indicator (outcome > output order): baseline, targets, actuals, status, at
    the view's as-of date."""
    return tracking_and_figures(session=session, actor=actor, filters=filters, today=today)[0]


_TRACKING: PerDataVersion[tuple[pd.DataFrame, pd.DataFrame]] = PerDataVersion(size=16)


@readable_by(EVERYONE)
def tracking_and_figures(
    *, session: Session, actor: Actor, filters: Filters, today: date
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """indicator_tracking and quarterly_figures together, computed once per data version."""
    filters = measured_filters(session, actor, filters, today)

    # One screen asks for this table several times (KPIs, alerts, burn beside results, the
    # briefing): it is kept per database, data version, actor and filters, so any write, made
    # by any process, makes it stale.
    def compute() -> tuple[pd.DataFrame, pd.DataFrame]:
        figures = _figures(session, actor, filters, None)
        return _tracking(session, actor, filters, figures, None), figures

    tracking, figures = _TRACKING.get(session, (actor, filters), compute)
    return tracking.copy(), figures.copy()


def _tracking(
    session: Session, actor: Actor, filters: Filters, figures: pd.DataFrame, only: int | None
) -> pd.DataFrame:
    table = _framework(session, only)
    latest = _latest(figures)
    table = table.merge(latest, left_on="indicator_id", right_index=True, how="left")
    table["unapproved"] = table["unapproved"].fillna(0).astype(int)
    table["to_date_hidden"] = table["to_date_hidden"].astype(object).fillna(False).astype(bool)
    table = _assessed(table)
    if not sees_true_figures(actor):
        table = _hidden(table)
    notes = table.apply(_no_data_note, axis=1, args=(_approved_only(actor),))
    table["note"] = notes.where(table["status"] == "no data", "")
    table["region_actual_to_date"] = np.nan
    table["region_suppressed"] = False
    table["region_unapproved"] = 0
    if filters.region != ALL:
        table = _with_region(session, actor, filters, table)
    return table[TRACKING_COLUMNS].reset_index(drop=True)


@readable_by(EVERYONE)
def target_plan(*, session: Session, actor: Actor, code: str) -> pd.DataFrame:
    """An indicator's quarterly targets over the whole award (its plan, not a figure), with
    their running total for a count: what its chart draws to the award's end."""
    query: Executable = (
        select(col(IndicatorTarget.quarter), col(IndicatorTarget.target), col(Indicator.cumulative))
        .join(Indicator, col(Indicator.id) == col(IndicatorTarget.indicator_id))
        .where(col(Indicator.code) == code)
        .order_by(col(IndicatorTarget.quarter))
    )
    plan = frame(session, query, ["quarter", "target", "cumulative"])
    running = plan["target"].astype(float).cumsum()
    plan["target_to_date"] = running.where(plan["cumulative"].astype(bool), plan["target"])
    return plan[["quarter", "target", "target_to_date"]]


@readable_by(EVERYONE)
def off_track_indicators(
    *, session: Session, actor: Actor, filters: Filters, today: date
) -> pd.DataFrame:
    """Indicators worse than target at the as-of date, the furthest behind first."""
    table = indicator_tracking(session=session, actor=actor, filters=filters, today=today)
    behind = table[table["status"] == "below"]
    return behind.sort_values(["percent_achieved", "code"], na_position="last").reset_index(
        drop=True
    )


def _with_region(session: Session, actor: Actor, filters: Filters, table: pd.DataFrame):
    """The chosen region's figure beside each indicator reported by region."""
    by_region = table["disaggregations"].fillna("").str.split(",").map(lambda d: "region" in d)
    reported = table[by_region & table["as_of_quarter"].notna()]
    if reported.empty:
        return table
    cells = _region_cells(session, actor, reported)
    cells = cells[cells["category"] == filters.region].set_index("indicator_id")
    ids = table["indicator_id"]
    found = ids.isin(cells.index)
    table.loc[found, "region_actual_to_date"] = ids[found].map(cells["value"])
    table.loc[found, "region_suppressed"] = ids[found].map(cells["suppressed"]).astype(bool)
    table.loc[found, "region_unapproved"] = ids[found].map(cells["unapproved"]).astype(int)
    return table


def _region_cells(session: Session, actor: Actor, indicators: pd.DataFrame) -> pd.DataFrame:
    """Each indicator's figure by region over its own window (as its total), in one query."""
    quarter = col(IndicatorResult.quarter)
    query = (
        select(
            col(IndicatorResult.indicator_id),
            quarter,
            col(IndicatorResult.region_code).label("category"),
            func.sum(col(IndicatorResult.value)).label("value"),
            _unapproved_count().label("unapproved"),
        )
        .where(
            col(IndicatorResult.indicator_id).in_([int(i) for i in indicators["indicator_id"]]),
            _dimension_rows("region"),
            *_visible(actor),
        )
        .group_by(col(IndicatorResult.indicator_id), quarter, col(IndicatorResult.region_code))
    )
    columns = ["indicator_id", "quarter", "category", "value", "unapproved"]
    framework = indicators[["indicator_id", "as_of_quarter", "cumulative", "unit"]]
    framework = framework.assign(total_hidden=indicators["to_date_hidden"])
    rows = frame(session, query, columns).merge(framework, on="indicator_id")
    # To date for cumulative indicators, else the latest quarter: the total's own window.
    cumulative = rows["cumulative"].astype(bool)
    in_window = rows["quarter"] <= rows["as_of_quarter"]
    in_window = in_window.where(cumulative, rows["quarter"] == rows["as_of_quarter"])
    cells = (
        rows[in_window]
        .groupby(["indicator_id", "category"], as_index=False)
        .agg(
            value=("value", "sum"),
            unapproved=("unapproved", "sum"),
            unit=("unit", "first"),
            total_hidden=("total_hidden", "first"),
        )
    )
    cells["value"] = cells["value"].astype(float)
    cells["suppressed"] = False
    parts = [_region_protected(part, actor) for _, part in cells.groupby("indicator_id")]
    return pd.concat(parts, ignore_index=True) if parts else cells


def _region_protected(cells: pd.DataFrame, actor: Actor) -> pd.DataFrame:
    """One indicator's regions through the privacy gate when it counts victims."""
    if not counts_victims(cells["unit"].iloc[0]):
        return cells
    protected = protect_series(
        cells.set_index("category")["value"],
        actor=actor,
        total_label=PRIVACY_TOTAL,
        total_hidden=bool(cells["total_hidden"].iloc[0]),
    )
    return cells.assign(
        value=protected.values.drop(PRIVACY_TOTAL).to_numpy(),
        suppressed=protected.hidden.drop(PRIVACY_TOTAL).to_numpy(),
    )


def _dimension_rows(dimension: str) -> ColumnElement[bool]:
    """Rows that break a total down by this one dimension only."""
    conditions = [
        col(column) != ALL if name == dimension else col(column) == ALL
        for name, column in DIMENSIONS.items()
    ]
    return and_(*conditions)


def _disaggregation_query(indicator: pd.Series, dimensions: list[str], actor: Actor) -> Executable:
    quarter = col(IndicatorResult.quarter)
    # Same window as the total: to date for cumulative indicators, else the latest quarter.
    window = (
        quarter <= indicator["as_of_quarter"]
        if indicator["cumulative"]
        else quarter == indicator["as_of_quarter"]
    )
    # Label each row in a subquery, then group on its plain columns (PostgreSQL refuses to
    # group by a CASE whose bound parameters differ from the selected one).
    rows = (
        select(
            case(*[(_dimension_rows(d), d) for d in dimensions], else_="").label("dimension"),
            case(*[(_dimension_rows(d), col(DIMENSIONS[d])) for d in dimensions], else_="").label(
                "category"
            ),
            col(IndicatorResult.value).label("value"),
            case((col(IndicatorResult.status) != ReportStatus.APPROVED, 1), else_=0).label(
                "unapproved"
            ),
        )
        .where(
            col(IndicatorResult.indicator_id) == int(indicator["indicator_id"]),
            window,
            or_(*[_dimension_rows(d) for d in dimensions]),
            *_visible(actor),
        )
        .subquery()
    )
    query: Executable = (
        select(
            rows.c.dimension,
            rows.c.category,
            func.sum(rows.c.value).label("value"),
            func.sum(rows.c.unapproved).label("unapproved"),
        )
        .group_by(rows.c.dimension, rows.c.category)
        .order_by(rows.c.dimension, rows.c.category)
    )
    return query


def _protected(cells: pd.DataFrame, actor: Actor, total_hidden: bool) -> pd.DataFrame:
    """Victim counts through the privacy gate, one dimension (series with its total) at a time."""
    parts = []
    for _, group in cells.groupby("dimension", sort=False):
        counts = group.set_index("category")["value"]
        protected = protect_series(
            counts, actor=actor, total_label=PRIVACY_TOTAL, total_hidden=total_hidden
        )
        group = group.copy()
        group["value"] = protected.values.drop(PRIVACY_TOTAL).to_numpy()
        group["suppressed"] = protected.hidden.drop(PRIVACY_TOTAL).to_numpy()
        group["donor_hidden"] = protected.donor_hidden.drop(PRIVACY_TOTAL).to_numpy()
        parts.append(group)
    return pd.concat(parts, ignore_index=True) if parts else cells


def _disaggregation_cells(
    session: Session, actor: Actor, indicator: pd.Series, dimensions: list[str]
) -> pd.DataFrame:
    columns = ["dimension", "category", "value", "unapproved"]
    cells = frame(session, _disaggregation_query(indicator, dimensions, actor), columns)
    cells["value"] = cells["value"].astype(float)
    cells["unapproved"] = cells["unapproved"].fillna(0).astype(int)
    cells["suppressed"] = False
    cells["donor_hidden"] = False
    if counts_victims(indicator["unit"]):
        cells = _protected(cells, actor, bool(indicator["to_date_hidden"]))
    return cells


def _category_labels(session: Session) -> dict[str, str]:
    regions = session.execute(select(col(Region.iso_code), col(Region.name_fr)))
    return {str(code): str(name) for code, name in regions}


@readable_by(EVERYONE)
def indicator_disaggregations(
    *, session: Session, actor: Actor, filters: Filters, code: str, today: date
) -> pd.DataFrame:
    """One indicator's breakdown by sex, age band, nationality group and region, over the
    same window as its total (to the as-of date); small victim counts are suppressed for
    donors."""
    filters = measured_filters(session, actor, filters, today)
    columns = ["dimension", "category", "label", "value", "share", "unapproved", "suppressed"]
    columns += ["donor_hidden"]
    found = session.execute(select(col(Indicator.id)).where(col(Indicator.code) == code)).first()
    if found is None:
        return pd.DataFrame(columns=columns)
    only = int(found[0])
    kept = _TRACKING.known(session, (actor, filters))  # the whole table, when already made
    if kept is not None:
        match = kept[0][kept[0]["indicator_id"] == only].reset_index(drop=True)
    else:
        match = _tracking(session, actor, filters, _figures(session, actor, filters, only), only)
    if match.empty or pd.isna(match["as_of_quarter"].iloc[0]):
        return pd.DataFrame(columns=columns)
    indicator = match.iloc[0]
    cells = _disaggregation_cells(session, actor, indicator, list(DIMENSIONS))
    labels = _category_labels(session)
    cells["label"] = [labels.get(c, c) for c in cells["category"]]
    total = indicator["actual_to_date"]
    cells["share"] = cells["value"] / total if total else np.nan
    return cells[columns].reset_index(drop=True)
