"""Reintegration outcomes: funnel, quarterly trend, breakdowns and sustainability scores.

Every count leaves this module through core.privacy: donors see approved rows only,
suppressed; IOM roles see every row, true figures, with what a donor would not see marked.
The component filter does not apply (figures are not recorded by component).
"""

from datetime import date
from typing import Any

import pandas as pd
from pydantic import BaseModel
from sqlalchemy import ColumnElement, Executable, Select, case, func, literal, select
from sqlmodel import Session, col

from data_model import (
    Indicator,
    IndicatorTarget,
    Partner,
    Region,
    ReintegrationFigure,
    ReportStatus,
)
from data_model.common import AGE_BANDS, ALL, SEXES
from data_model.reintegration import FUNNEL_STAGES, SCORE_DIMENSIONS
from grantmon.i18n import t
from grantmon.services.core.access import EVERYONE, Actor, readable_by
from grantmon.services.core.filters import Filters
from grantmon.services.core.kept import PerDataVersion
from grantmon.services.core.privacy import (
    TOTAL,
    Protected,
    protect_change,
    protect_count,
    protect_means,
    protect_series,
    protect_table,
    sees_true_figures,
    suppression_threshold,
)
from grantmon.services.core.sql import frame
from grantmon.services.progress.as_of import measured_filters

BREAKDOWNS = ("region", "age_band")  # rows of a breakdown; sex is always the columns
FIGURE = ReintegrationFigure


def stage_labels() -> dict[str, str]:
    """Funnel stages in order, as readers name them."""
    return {
        "identified": t("Identified"),
        "referred": t("Referred"),
        "assisted": t("Assisted"),
        "plans_started": t("Plan started"),
        "plans_completed": t("Plan completed"),
    }


def dimension_labels() -> dict[str, str]:
    """Sustainability score dimensions, as readers name them."""
    return {
        "score_economic": t("Economic"),
        "score_social": t("Social"),
        "score_psychosocial": t("Psychosocial"),
        "score_composite": t("Composite"),
    }


def sex_labels() -> dict[str, str]:
    """Sex categories, as readers name them."""
    return {"female": t("Female"), "male": t("Male"), TOTAL: t("Total")}


class ReintegrationTotals(BaseModel):
    """Funnel totals over the filter period, as the actor may see them (None = suppressed)."""

    identified: int | None
    referred: int | None
    assisted: int | None
    plans_started: int | None
    plans_completed: int | None
    suppressed: bool  # whether small counts are hidden for this actor
    threshold: int
    unapproved_figures: int  # rows included that are not yet approved (0 for donors)
    has_data: bool


def _where(query: Select, *, actor: Actor, filters: Filters) -> Select:
    """Period, region, partner; donors (and unknown roles) read approved rows only."""
    query = query.where(col(FIGURE.quarter).between(filters.start, filters.end))
    if filters.region != ALL:
        query = query.where(col(FIGURE.region_code) == filters.region)
    if filters.partner != ALL:
        partner_ids = select(col(Partner.id)).where(col(Partner.code) == filters.partner)
        query = query.where(col(FIGURE.partner_id).in_(partner_ids))
    if not sees_true_figures(actor):
        query = query.where(col(FIGURE.status) == ReportStatus.APPROVED)
    return query


def _stage_sums() -> list[ColumnElement[Any]]:
    return [func.coalesce(func.sum(getattr(FIGURE, s)), 0).label(s) for s in FUNNEL_STAGES]


_COUNTS: PerDataVersion[pd.DataFrame] = PerDataVersion(size=32)
COUNT_KEYS = ["quarter", "region_code", "sex", "age_band"]  # the order of the unique index


def _counts(session: Session, actor: Actor, filters: Filters) -> pd.DataFrame:
    """Each stage's sum, rows and rows not yet approved, by quarter, region, sex and age band.

    The totals, the trend and the breakdowns all add these up, so the screen reads the
    figures table once instead of once for each of them.
    """

    def read() -> pd.DataFrame:
        keys = [getattr(FIGURE, key) for key in COUNT_KEYS]
        not_approved = case((col(FIGURE.status) != ReportStatus.APPROVED, 1), else_=0)
        query: Executable = _where(
            select(
                *keys,
                *_stage_sums(),
                func.count().label("rows"),
                func.coalesce(func.sum(not_approved), 0).label("unapproved"),
            ).group_by(*keys),
            actor=actor,
            filters=filters,
        )
        return frame(session, query, [*COUNT_KEYS, *FUNNEL_STAGES, "rows", "unapproved"])

    return _COUNTS.get(session, (actor, filters), read)


def _true_totals(session: Session, actor: Actor, filters: Filters) -> pd.Series:
    totals = _counts(session, actor, filters)[[*FUNNEL_STAGES, "unapproved", "rows"]].sum()
    return totals.astype(int)


@readable_by(EVERYONE)
def reintegration_totals(
    *, session: Session, actor: Actor, filters: Filters
) -> ReintegrationTotals:
    """Identified, referred, assisted, plans started and completed, through privacy."""
    return _protected_totals(_true_totals(session, actor, filters), actor)


def _protected_totals(true: pd.Series, actor: Actor) -> ReintegrationTotals:
    return ReintegrationTotals(
        **{stage: protect_count(int(true[stage]), actor=actor) for stage in FUNNEL_STAGES},
        suppressed=not sees_true_figures(actor),
        threshold=suppression_threshold(),
        unapproved_figures=int(true["unapproved"]),
        has_data=bool(true["rows"]),
    )


@readable_by(EVERYONE)
def funnel_changes(
    *, session: Session, actor: Actor, latest: Filters, before: Filters, shown: Filters
) -> dict[str, int | None]:
    """Each stage's change from `before` to `latest`, through privacy (None when hidden).

    A change is a figure. When both periods start together it is the count of `latest`'s last
    quarter, so it is hidden wherever the trend (over the `shown` filters) hides that quarter.
    """
    now = _true_totals(session, actor, latest)
    then = _true_totals(session, actor, before)
    one_quarter = latest.start == before.start
    trend = quarterly_trend(session=session, actor=actor, filters=shown)
    quarter = trend[(trend["quarter"] == latest.end) & trend["donor_hidden"].astype(bool)]
    hidden = set(quarter["stage"]) if one_quarter else set()
    return {
        stage: protect_change(
            int(now[stage]), int(then[stage]), actor=actor, hidden_elsewhere=stage in hidden
        )
        for stage in FUNNEL_STAGES
    }


def _long(protected: Protected[pd.Series], **columns: Any) -> pd.DataFrame:
    """A protected series as rows: key, count (NaN when hidden), hidden, donor_hidden."""
    return pd.DataFrame(
        {
            **columns,
            "key": protected.values.index,
            "count": protected.values.to_numpy(dtype=float),
            "hidden": protected.hidden.to_numpy(dtype=bool),
            "donor_hidden": protected.donor_hidden.to_numpy(dtype=bool),
        }
    )


@readable_by(EVERYONE)
def funnel(*, session: Session, actor: Actor, filters: Filters) -> pd.DataFrame:
    """One row per stage: count (NaN when suppressed), hidden flags, share of identified."""
    true = _true_totals(session, actor, filters)
    totals = _protected_totals(true, actor)
    labels = stage_labels()
    data = pd.DataFrame(
        {
            "stage": list(FUNNEL_STAGES),
            "label": [labels[s] for s in FUNNEL_STAGES],
            "count": [getattr(totals, s) for s in FUNNEL_STAGES],
        }
    )
    data["count"] = data["count"].astype(float)
    data["hidden"] = data["count"].isna()
    data["donor_hidden"] = [1 <= true[s] <= totals.threshold for s in FUNNEL_STAGES]
    identified = data["count"].iloc[0]
    # A share is a figure too: hidden when either of its counts is.
    data["share_of_identified"] = data["count"] / identified if identified else float("nan")
    data["unapproved"] = int(true["unapproved"])  # rows of the period not approved (staff)
    return data


@readable_by(EVERYONE)
def stage_targets(*, session: Session, actor: Actor, filters: Filters, today: date) -> pd.DataFrame:
    """The quarterly targets of the funnel stages an indicator of the plan counts, over the
    period to its as-of quarter: empty for a region or a partner (targets are the award's)."""
    columns = ["stage", "quarter", "target"]
    if filters.region != ALL or filters.partner != ALL:
        return pd.DataFrame(columns=columns)
    measured = measured_filters(session, actor, filters, today)
    query: Executable = (
        select(
            col(Indicator.funnel_stage).label("stage"),
            col(IndicatorTarget.quarter),
            col(IndicatorTarget.target),
        )
        .join(Indicator, col(Indicator.id) == col(IndicatorTarget.indicator_id))
        .where(col(Indicator.funnel_stage).in_(FUNNEL_STAGES))
        .where(col(IndicatorTarget.quarter).between(measured.start, measured.end))
        .order_by(col(IndicatorTarget.quarter))
    )
    return frame(session, query, columns)


@readable_by(EVERYONE)
def score_threshold(*, session: Session, actor: Actor) -> float | None:
    """The sustainability score the plan's share indicator counts from (e.g. 0.66), if any."""
    found = select(col(Indicator.score_threshold)).where(
        col(Indicator.score_threshold).is_not(None)
    )
    value = session.execute(found.limit(1)).scalar()
    return None if value is None else float(value)


@readable_by(EVERYONE)
def quarterly_trend(*, session: Session, actor: Actor, filters: Filters) -> pd.DataFrame:
    """Per quarter and stage: count through privacy (the series of a stage adds to its total)."""
    counts = _counts(session, actor, filters)
    data = counts.groupby("quarter", as_index=False)[[*FUNNEL_STAGES, "unapproved"]].sum()
    if data.empty:
        columns = ["stage", "quarter", "count", "hidden", "donor_hidden", "label", "unapproved"]
        return pd.DataFrame(columns=columns)
    by_quarter = data.set_index("quarter")
    parts = [
        _long(protect_series(by_quarter[stage].astype(int), actor=actor), stage=stage)
        for stage in FUNNEL_STAGES
    ]
    result = pd.concat(parts, ignore_index=True)
    result = result[result["key"] != TOTAL].rename(columns={"key": "quarter"})
    result["label"] = result["stage"].map(stage_labels())
    unapproved = by_quarter["unapproved"].astype(int)
    result["unapproved"] = result["quarter"].map(unapproved).astype(int)
    return result.reset_index(drop=True)


def _category_labels(session: Session, by: str) -> dict[str, str]:
    if by == "age_band":
        return {band: t("{band} years", band=band) for band in AGE_BANDS} | {TOTAL: t("Total")}
    names = session.execute(select(col(Region.iso_code), col(Region.name_fr))).all()
    return {str(code): str(name) for code, name in names} | {TOTAL: t("Total")}


@readable_by(EVERYONE)
def breakdown(
    *, session: Session, actor: Actor, filters: Filters, by: str, stage: str
) -> pd.DataFrame:
    """One stage by region or age band (rows) and sex (columns), with totals, through privacy.

    Long format: category, label, sex, count (NaN when suppressed), hidden, donor_hidden.
    """
    if by not in BREAKDOWNS or stage not in FUNNEL_STAGES:
        raise ValueError(f"Unknown breakdown {by!r} or stage {stage!r}")
    category = "region_code" if by == "region" else "age_band"
    counts = _counts(session, actor, filters)
    data = counts.groupby([category, "sex"])[stage].sum().reset_index(name="count")
    data = data.rename(columns={category: "category"})
    if data.empty:
        columns = ["category", "label", "sex", "count", "hidden", "donor_hidden", "unapproved"]
        return pd.DataFrame(columns=columns)
    order = list(AGE_BANDS) if by == "age_band" else sorted(data["category"].unique())
    grid = data.pivot_table(index="category", columns="sex", values="count", aggfunc="sum")
    grid = grid.reindex(index=[c for c in order if c in grid.index], columns=list(SEXES))
    protected = protect_table(grid.fillna(0).astype(int), actor=actor)
    rows = _table_rows(protected, _category_labels(session, by))
    return rows.assign(unapproved=int(counts["unapproved"].sum()))


def _table_rows(protected: Protected[pd.DataFrame], labels: dict[str, str]) -> pd.DataFrame:
    def long(table: pd.DataFrame, name: str) -> pd.DataFrame:
        wide = table.rename_axis(index="category").reset_index()
        return wide.melt(id_vars="category", var_name="sex", value_name=name)

    rows = long(protected.values, "count")
    rows["hidden"] = long(protected.hidden, "hidden")["hidden"].astype(bool)
    rows["donor_hidden"] = long(protected.donor_hidden, "donor_hidden")["donor_hidden"].astype(bool)
    rows.insert(1, "label", rows["category"].map(labels).fillna(rows["category"]))
    return rows


def _score_sums() -> list[ColumnElement[Any]]:
    # Weighted by plans completed; the weight counts only rows that carry that score.
    sums: list[ColumnElement[Any]] = []
    for dimension in SCORE_DIMENSIONS:
        score = getattr(FIGURE, dimension)
        weight = case((score.is_not(None), col(FIGURE.plans_completed)), else_=0)
        sums.append(func.sum(score * col(FIGURE.plans_completed)).label(f"{dimension}_sum"))
        sums.append(func.coalesce(func.sum(weight), 0).label(f"{dimension}_people"))
    return sums


@readable_by(EVERYONE)
def sustainability_scores(
    *, session: Session, actor: Actor, filters: Filters, by: str | None = None
) -> pd.DataFrame:
    """Mean scores (0-1) by dimension, weighted by plans completed; overall or by region.

    Columns: group, label, dimension, dimension_label, score (NaN when no data or hidden),
    people, people_hidden, hidden (score hidden: means of 1..threshold people), donor_hidden.
    """
    group = col(FIGURE.region_code) if by == "region" else literal(TOTAL)
    query: Executable = _where(
        select(group.label("group"), *_score_sums()), actor=actor, filters=filters
    )
    if by == "region":
        query = query.group_by(col(FIGURE.region_code)).order_by(col(FIGURE.region_code))  # type: ignore[attr-defined]
    data = frame(session, query)
    data = data[data[[f"{d}_people" for d in SCORE_DIMENSIONS]].sum(axis=1) > 0]
    return _score_rows(session, actor, data, by)


def _score_rows(session: Session, actor: Actor, data: pd.DataFrame, by: str | None) -> pd.DataFrame:
    labels = _category_labels(session, "region") if by == "region" else {TOTAL: t("All")}
    parts = []
    for dimension, dimension_label in dimension_labels().items():
        people = data[f"{dimension}_people"].astype(int).set_axis(data["group"])
        means = data[f"{dimension}_sum"].astype(float).set_axis(data["group"]) / people
        scores = protect_means(means, people, actor=actor)
        shown_people = protect_series(people, actor=actor)
        parts.append(
            pd.DataFrame(
                {
                    "group": people.index,
                    "label": [labels.get(g, g) for g in people.index],
                    "dimension": dimension,
                    "dimension_label": dimension_label,
                    "score": scores.values.to_numpy(),
                    "people": shown_people.values.iloc[:-1].to_numpy(),
                    "people_hidden": shown_people.hidden.iloc[:-1].to_numpy(),
                    "hidden": scores.hidden.to_numpy(),
                    "donor_hidden": scores.donor_hidden.to_numpy(),
                }
            )
        )
    columns = ["group", "label", "dimension", "dimension_label", "score", "people"]
    if not parts or data.empty:
        return pd.DataFrame(columns=[*columns, "people_hidden", "hidden", "donor_hidden"])
    return pd.concat(parts, ignore_index=True)
