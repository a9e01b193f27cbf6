"""Reintegration outcomes: from identification to completed plans, with privacy-safe figures."""

from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from grantmon.charts.reintegration import breakdown_chart, funnel_chart, score_chart, trend_chart
from grantmon.i18n import t
from grantmon.services.core.access import Actor
from grantmon.services.core.filters import Filters
from grantmon.services.core.privacy import privacy_notice
from grantmon.services.progress.as_of import as_of
from grantmon.services.reintegration.reads import (
    TOTAL,
    ReintegrationTotals,
    breakdown,
    funnel,
    quarterly_trend,
    reintegration_totals,
    score_threshold,
    sex_labels,
    stage_labels,
    stage_targets,
    sustainability_scores,
)
from grantmon.ui import folds
from grantmon.ui.charts import chart_context, figure_of, show
from grantmon.ui.page import start_page
from grantmon.ui.runtime import kept, load
from grantmon.ui.tables import figures, show_table, suppression_marks
from grantmon.ui.verdicts import as_of_line

page = start_page(
    __file__,
    t("Reintegration outcomes"),
    t(
        "How many victims move from identification to a completed reintegration plan, and how "
        "sustainable their reintegration is."
    ),
)
actor, today = page.actor, date.today()
moment = load(as_of, actor, filters=page.filters, today=today)
# Every figure of the screen runs to the as-of date, as the targets set beside them do.
filters = moment.measured(page.filters)
SOURCE = t("reintegration figures reported by partners")


def notices(totals: ReintegrationTotals) -> None:
    """Privacy, approval and filter notes: what this screen shows and hides."""
    if totals.suppressed:
        st.info(privacy_notice(actor=actor), icon=":material/shield_person:")
        st.caption(t("Approved figures only."))
    else:
        st.warning(privacy_notice(actor=actor), icon=":material/visibility:")
        if totals.unapproved_figures:
            st.caption(
                t(
                    "Includes {n} figures not yet approved (their quarters are shaded in the "
                    "trend).",
                    n=totals.unapproved_figures,
                )
            )
        else:
            st.caption(t("All figures shown are approved."))
    st.caption(
        t(
            "The component filter does not apply here: reintegration figures are recorded by "
            "quarter, region, partner, sex and age band, not by component."
        )
    )


def row_marks(rows: pd.DataFrame, by: str, order: list[Any]) -> list[str]:
    """Each row's marker: whether any of its figures is suppressed (or, for IOM, for donors)."""
    flags = rows.groupby(by)[["hidden", "donor_hidden"]].any().reindex(order, fill_value=False)
    return suppression_marks(flags["hidden"], flags["donor_hidden"])


def tall_table(table: pd.DataFrame) -> None:
    """A table tall enough that its total row is never scrolled out of sight."""
    height = 38 + 35 * len(table)  # header + rows, at Streamlit's default row height
    show_table(table.reset_index(drop=True), hide_index=True, width="stretch", height=height)


def breakdown_rows(
    *, actor: Actor, filters: Filters, by: str, stage: str, category_title: str
) -> pd.DataFrame:
    """The breakdown as a table: categories down, sex across, totals included."""
    data = load(breakdown, actor, filters=filters, by=by, stage=stage)
    data = data.assign(shown=figures(data["count"], data["hidden"]))
    wide = data.pivot(index="category", columns="sex", values="shown")
    labels = data.drop_duplicates("category").set_index("category")["label"]
    order = list(labels.index)
    # The total first, then its marker: what a phone shows beside the category.
    sexes = [TOTAL, *(s for s in sex_labels() if s != TOTAL)]
    wide = wide.reindex(index=order, columns=sexes)
    wide.columns = [sex_labels()[c] for c in wide.columns]
    wide.insert(0, category_title, labels.reindex(order).to_numpy())
    wide.insert(2, t("Notes"), row_marks(data, "category", order))
    return wide


def breakdowns() -> None:
    """One stage by region and by age band, each split by sex."""
    st.subheader(t("Breakdowns"))
    labels = stage_labels()
    stage = st.selectbox(
        t("Funnel stage"), list(labels), index=2, format_func=labels.__getitem__, key="ri_stage"
    )
    ctx = chart_context(filters, actor, source=SOURCE)
    chosen = folds.tabs([t("By region and sex"), t("By age band and sex")], key="ri_breakdown")
    for tab, by, heading in zip(
        chosen, ("region", "age_band"), (t("Region"), t("Age band")), strict=True
    ):
        if tab is None:
            continue
        with tab:
            data = load(breakdown, actor, filters=filters, by=by, stage=stage)
            if data.empty:
                st.info(t("No figures for these filters."))
                continue
            title = t(
                "{stage} by {dimension} and sex", stage=labels[stage], dimension=heading.lower()
            )
            show(
                figure_of(breakdown_chart, data, context=ctx, title=title, category_title=heading),
                key=f"ri_{by}",
            )
            tall_table(
                kept(
                    breakdown_rows,
                    actor,
                    filters=filters,
                    by=by,
                    stage=stage,
                    category_title=heading,
                )
            )


def scores() -> None:
    """Mean sustainability scores overall (chart) and by region (table)."""
    st.subheader(t("Sustainability of reintegration"))
    overall = load(sustainability_scores, actor, filters=filters)
    show(
        figure_of(
            score_chart,
            overall,
            context=chart_context(filters, actor, source=SOURCE),
            threshold=load(score_threshold, actor),
        ),
        key="ri_scores",
    )
    st.caption(
        t(
            "Scores as entered from the IOM Reintegration Sustainability Survey (0 to 1), averaged "
            "over the people who completed a plan. A mean over 1 to {n} people is hidden from "
            "donors like a count.",
            n=load(reintegration_totals, actor, filters=filters).threshold,
        )
    )
    by_region = kept(score_rows, actor, filters=filters)
    if not by_region.empty:
        tall_table(by_region)


def score_rows(*, actor: Actor, filters: Filters) -> pd.DataFrame:
    """Mean scores by region, each dimension across, with the people behind each mean."""
    by_region = load(sustainability_scores, actor, filters=filters, by="region")
    if by_region.empty:
        return by_region
    by_region = by_region.assign(shown=figures(by_region["score"], by_region["hidden"]).round(2))
    wide = by_region.pivot(index="group", columns="dimension_label", values="shown")
    dimensions = list(dict.fromkeys(by_region["dimension_label"]))  # economic ... composite
    wide = wide[[dimensions[-1], *dimensions[:-1]]]  # the composite score first
    people = by_region.drop_duplicates("group").set_index("group").reindex(wide.index)
    wide[t("People with a score")] = figures(people["people"], people["people_hidden"])
    wide.insert(0, t("Region"), people["label"].to_numpy())
    wide.insert(2, t("Notes"), row_marks(by_region, "group", list(wide.index)))
    return wide


totals = load(reintegration_totals, actor, filters=filters)
as_of_line(moment)
notices(totals)
if not totals.has_data:
    st.info(t("No reintegration figures for these filters. Try a longer period or another region."))
else:
    context = chart_context(filters, actor, source=SOURCE)
    targets = load(stage_targets, actor, filters=page.filters, today=today)
    show(
        figure_of(
            funnel_chart, load(funnel, actor, filters=filters), context=context, targets=targets
        ),
        key="ri_funnel",
    )
    show(
        figure_of(
            trend_chart,
            load(quarterly_trend, actor, filters=filters),
            context=context,
            targets=targets,
        ),
        key="ri_trend",
    )
    breakdowns()
    scores()
