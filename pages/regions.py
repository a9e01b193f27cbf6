"""Regions and centres: where the grant works, on an offline map, with a region drill-down."""

from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import streamlit as st

from data_model.common import ALL
from grantmon.charts.maps import (
    OFFLINE_STYLE,
    TILE_STYLE,
    disclaimer,
    occupancy_chart,
    region_map,
    victims_chart,
)
from grantmon.formatting import long_date, number, quarter_label, region_name
from grantmon.i18n import t
from grantmon.services.core.access import Actor
from grantmon.services.core.filters import Filters
from grantmon.services.progress.as_of import as_of
from grantmon.services.regions.geography import BOUNDARY_SOURCE, region_outlines
from grantmon.services.regions.reads import (
    centre_occupancy,
    centre_points,
    centre_summary,
    region_activities,
    region_metrics,
    region_victims,
    shows_unapproved,
)
from grantmon.settings import get_settings
from grantmon.ui.charts import chart_context, figure_of, show
from grantmon.ui.page import start_page
from grantmon.ui.runtime import kept, load, ready_to_send
from grantmon.ui.tables import figures, number_column, show_table
from grantmon.ui.text import plain
from grantmon.ui.verdicts import as_of_line
from grantmon.vocabulary import word

SUPPRESSED = "■ " + word("suppressed")
NOT_COUNTED = "—"
NO_FIGURES = t("none reported")


@dataclass(frozen=True)
class Metric:
    """A choice for colouring the map: its column, title with unit, and number format."""

    column: str
    title: str
    value_format: str = ",.0f"


METRICS = {
    metric.column: metric
    for metric in (
        Metric("victims_per_100k", t("Victims assisted per 100,000 inhabitants"), ",.2f"),
        Metric("victims_assisted", t("Victims assisted (people)")),
        Metric("centres_open", t("Centres open at the as-of date")),
        Metric("milestones_due", t("Milestones due in the period")),
        Metric("milestones_late", t("Late milestones")),
    )
}

page = start_page(
    __file__,
    t("Regions and centres"),
    t("Where the grant works: victims assisted, centres and milestones in Morocco's 12 regions."),
)
actor, filters, today = page.actor, page.filters, date.today()
threshold = get_settings().suppression_threshold
moment = load(as_of, actor, filters=filters, today=today)
regions = load(region_metrics, actor, filters=filters, today=today)
centres = load(centre_points, actor, filters=filters, today=today)


def as_of_day(filters: Filters, today: date) -> date:
    """The day this view's centres and victims are measured at."""
    return load(as_of, actor, filters=filters, today=today).day


def beds_text(known: Any, unknown: Any) -> str:
    """Beds in open centres; where some capacity is not public the total is a lower bound."""
    if pd.isna(known):
        return NOT_COUNTED
    if pd.isna(unknown) or not int(unknown):
        return number(int(known))
    return t("not public") if not int(known) else f"≥ {number(int(known))}"


def centre_kpis() -> None:
    """Centres open and beds at the as-of date, against the quarter before."""
    summary = load(centre_summary, actor, filters=filters, today=today)
    opened, beds = st.columns(2)
    opened.metric(
        t("Centres open at {day}", day=long_date(moment.day)),
        number(summary.open_centres),
        delta=summary.open_centres - summary.previous.open_centres,
        delta_color="off",
        help=t(
            "Change since the end of {quarter}.", quarter=quarter_label(summary.previous.quarter)
        ),
    )
    beds.metric(
        t("Beds in open centres at {day}", day=long_date(moment.day)),
        beds_text(summary.known_beds, summary.centres_without_capacity),
        delta=summary.known_beds - summary.previous.known_beds,
        delta_color="off",
        help=t("Capacity that is not public is counted as unknown, never as zero."),
    )
    if summary.centres_without_capacity:
        beds.caption(
            t(
                "{n} open centre(s) do not publish their capacity: the total is at least this.",
                n=number(summary.centres_without_capacity),
            )
        )


def map_controls() -> tuple[Metric, str]:
    """The metric to colour by, and the background (offline by default)."""
    choice, background = st.columns([3, 2])
    column = choice.selectbox(
        t("Colour the regions by"),
        list(METRICS),
        format_func=lambda name: METRICS[name].title,
        key="regions_metric",
    )
    tiles = background.toggle(
        t("Street basemap (needs internet)"),
        value=False,
        key="regions_tiles",
        help=t("The plain background works offline; the street basemap loads map tiles online."),
    )
    st.caption(
        t(
            "Spending is not on this map: budget lines and expenditure are recorded per partner, "
            "not per region, so no regional split exists. See the Budget page."
        )
    )
    return METRICS[str(column)], TILE_STYLE if tiles else OFFLINE_STYLE


def draw_map() -> None:
    """The map, its disclaimer, and notes on what the figures include."""
    metric, style = map_controls()
    context = chart_context(
        filters, actor, source=t("grant monitor records; population: HCP census 2024")
    )
    fig = figure_of(
        region_map,
        regions,
        centres,
        load(region_outlines, actor),
        column=metric.column,
        metric_title=metric.title,
        title=t("{metric} by region", metric=metric.title),
        context=context,
        value_format=metric.value_format,
        map_style=style,
    )
    show(fig, key="regions_map")
    st.caption(disclaimer())
    st.caption(t(BOUNDARY_SOURCE) + ". " + t("Population: HCP, 2024 census."))
    figure_notes()


def figure_notes() -> None:
    """What the victim, centre and milestone figures include, in words."""
    notes = [t("Centres and beds are those open at {day}.", day=long_date(moment.day))]
    if actor.is_donor:
        notes.append(
            t(
                "Victim figures are approved figures only; counts from 1 to {n} are suppressed "
                "(■), and one more where a total would reveal them.",
                n=threshold,
            )
        )
    elif shows_unapproved(actor):
        pending = int(regions["unapproved_assisted"].fillna(0).sum())
        if pending:
            notes.append(
                t("Includes {n} victims assisted from figures not yet approved.", n=number(pending))
            )
    if filters.component != ALL:
        notes.append(t("The component filter applies to milestones only."))
    notes.append(t("An activity working in several regions counts in each of them."))
    st.caption(" ".join(notes))


def _region_notes(regions: pd.DataFrame) -> list[str]:
    """Why a region's victim figures are empty, and where its beds are a lower bound."""
    suppressed = regions["victims_suppressed"].astype(bool)
    unreported = ~regions["victims_reported"].astype(bool) & regions["in_filter"].astype(bool)
    unknown = regions["centres_capacity_unknown"].fillna(0).astype(int) > 0
    notes = np.where(suppressed, SUPPRESSED, np.where(unreported, NO_FIGURES, ""))
    beds = np.where(unknown, t("beds: capacity of some centres not public"), "")
    return [" · ".join(filter(None, pair)) for pair in zip(notes, beds, strict=True)]


def region_rows(*, actor: Actor, filters: Filters, today: date) -> pd.DataFrame:
    """The map's figures, one row per region: the victim figures and their notes first."""
    regions = load(region_metrics, actor, filters=filters, today=today)
    # No figure reported is no figure, not zero victims: the cell stays empty, its note says so.
    hidden = regions["victims_suppressed"].astype(bool) | ~regions["victims_reported"].astype(bool)
    table = {
        t("Region"): named(regions),
        t("Victims assisted"): figures(regions["victims_assisted"], hidden),
        t("Notes"): _region_notes(regions),
        t("Per 100,000"): figures(regions["victims_per_100k"], hidden).round(2),
    }
    if shows_unapproved(actor):
        table[t("Not yet approved")] = figures(regions["unapproved_assisted"])
    return pd.DataFrame(
        table
        | {
            t("Centres open"): figures(regions["centres_open"]),
            t("Beds"): figures(regions["beds_known"]),
            t("Milestones due"): figures(regions["milestones_due"]),
            t("completed"): figures(regions["milestones_completed"]),
            t("late"): figures(regions["milestones_late"]),
        }
    )


REGION_COLUMNS = {
    t("Per 100,000"): number_column(help=t("Victims assisted per 100,000 inhabitants")),
    t("Beds"): number_column(help=t("Beds (open centres)")),
}


def named(regions: pd.DataFrame) -> list[str]:
    """Each region's name, its Arabic name beside it."""
    return [region_name(n, a) for n, a in zip(regions["name"], regions["name_ar"], strict=True)]


def region_table() -> None:
    """The map's figures as a table, one row per region."""
    st.subheader(t("Figures by region"))
    table = kept(region_rows, actor, filters=filters, today=today)
    show_table(
        table, hide_index=True, width="stretch", height="content", column_config=REGION_COLUMNS
    )
    if filters.region != ALL:
        st.caption(t("Regions outside the region filter are left blank."))


def pick_region() -> str:
    """The region to drill into: the filtered one, or a choice (busiest region first)."""
    names = dict(zip(regions["iso_code"], named(regions), strict=True))
    if filters.region != ALL:
        st.caption(t("Region chosen in the sidebar filter."))
        return filters.region
    busiest = regions.sort_values("milestones_due", ascending=False, kind="stable")
    return str(
        st.selectbox(
            t("Region"),
            list(names),
            index=list(names).index(busiest["iso_code"].iloc[0]),
            format_func=names.__getitem__,
            key="regions_drill",
        )
    )


def centre_rows(*, actor: Actor, filters: Filters, today: date, code: str) -> pa.Table:
    """The region's centres with readable cells."""
    centres = load(centre_points, actor, filters=filters, today=today)
    here = centres[centres["iso_code"] == code]
    table = pd.DataFrame(
        {
            t("Centre"): here["name"],
            t("Kind"): here["kind"].map(word),
            t("City"): here["city"],
            t("Operator"): here["operator"],
            t("Status at {day}", day=long_date(as_of_day(filters, today))): here[
                "status_at_end"
            ].map(word),
            t("Capacity (beds)"): figures(here["capacity"]),
            t("Opened"): here["opened_on"].map(lambda d: long_date(d) if pd.notna(d) else "—"),
        }
    )
    return ready_to_send(table)


DRILL_COLUMNS = {t("Capacity (beds)"): number_column(help=t("Blank: capacity not public."))}


def titled_table(heading: str, table: pa.Table, nothing: str) -> bool:
    """A drill-down part: its heading, then its table or a line saying there is none."""
    st.markdown("#### " + heading)
    if table.num_rows == 0:
        st.info(nothing)
        return False
    show_table(table, hide_index=True, width="stretch", column_config=DRILL_COLUMNS)
    return True


def region_centres(code: str, name: str) -> None:
    """The region's centres and how full they were, quarter by quarter."""
    centres_here = kept(centre_rows, actor, filters=filters, today=today, code=code)
    nothing = t("No centre supported or monitored in this region for these filters.")
    if not titled_table(t("Centres"), centres_here, nothing):
        return
    occupancy = load(centre_occupancy, actor, filters=filters, region=code)
    context = chart_context(filters, actor, source=t("centre occupancy reports"))
    title = t("Centre occupancy: {region}", region=name)
    show(
        figure_of(occupancy_chart, occupancy, title=title, context=context), key="regions_occupancy"
    )


def activity_rows(*, actor: Actor, filters: Filters, code: str) -> pa.Table:
    """Activities working in the region during the period, with readable cells."""
    activities = load(region_activities, actor, filters=filters, region=code)
    table = pd.DataFrame(
        {
            t("Activity"): activities["code"] + " " + activities["title"],
            t("Component"): activities["component"],
            t("Partner"): activities["partner"],
            t("Planned"): [
                f"{long_date(s)} – {long_date(e)}"
                for s, e in zip(activities["planned_start"], activities["planned_end"], strict=True)
            ],
            t("Milestones due in the period"): activities["milestones_due"],
            t("completed"): activities["milestones_completed"],
            t("late"): activities["milestones_late"],
        }
    )
    return ready_to_send(table)


def activities_table(code: str) -> None:
    """Activities working in the region during the period, with their milestones."""
    table = kept(activity_rows, actor, filters=filters, code=code)
    nothing = t("No activity works in this region in the period for these filters.")
    titled_table(t("Activities"), table, nothing)


VICTIM_LABELS = {
    "identified": t("Identified"),
    "assisted": t("Assisted"),
    "plans_completed": t("Plan completed"),
}


def victim_figures(code: str, name: str) -> None:
    """The region's victim figures per quarter (approved and suppressed for donors)."""
    st.markdown("#### " + t("Victim figures"))
    victims = load(region_victims, actor, filters=filters, region=code)
    if victims.empty:
        st.info(t("No victim figures are recorded for this region in the period."))
        return
    context = chart_context(filters, actor, source=t("reintegration reports"))
    fig = figure_of(
        victims_chart,
        victims,
        series=VICTIM_LABELS,
        title=t("Victims per quarter: {region}", region=name),
        context=context,
    )
    show(fig, key="regions_victims")
    table = kept(victim_rows, actor, filters=filters, code=code)
    show_table(table, hide_index=True, width="stretch")


def victim_rows(*, actor: Actor, filters: Filters, code: str) -> pa.Table:
    """The region's victim figures per quarter as readable cells (suppressed ones marked)."""
    victims = load(region_victims, actor, filters=filters, region=code)
    table: dict[str, Any] = {t("Quarter"): victims["quarter"].map(quarter_label)}
    flags = {c: victims[f"{c}_suppressed"].astype(bool) for c in VICTIM_LABELS}
    for column, label in VICTIM_LABELS.items():
        table[label] = figures(victims[column], flags[column])
    hidden = pd.concat(flags.values(), axis=1).any(axis=1)
    table[t("Notes")] = np.where(hidden, SUPPRESSED, "")
    if shows_unapproved(actor):
        table[t("Review")] = victims["approved"].map(
            {True: word("approved"), False: "▨ " + t("not yet approved")}
        )
    return ready_to_send(pd.DataFrame(table))


def drill_down() -> None:
    """One region in detail: its centres, its activities, its victim figures."""
    st.subheader(t("Region drill-down"))
    code = pick_region()
    row = regions[regions["iso_code"] == code].iloc[0]
    name = region_name(row["name"], row["name_ar"])
    st.markdown("### " + plain(name))
    st.caption(t("Population (2024 census): {n}", n=number(int(row["population"]))))
    region_centres(code, name)
    activities_table(code)
    victim_figures(code, name)


as_of_line(moment)
centre_kpis()
draw_map()
region_table()
drill_down()
