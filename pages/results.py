"""Results framework: the indicator tracking table, a chart per indicator, breakdowns on demand."""

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pandas as pd
import streamlit as st

from charts.indicators import (
    STATUS_ORDER,
    dimension_name,
    disaggregation_bars,
    format_value,
    status_display,
    target_vs_actual,
)
from charts.style import ChartContext
from data_model.common import ALL
from grantmon.i18n import t
from services.filters import filter_options
from services.indicators import indicator_disaggregations, indicator_tracking, quarterly_figures
from services.privacy import SUPPRESSED_MARK, privacy_notice
from ui.charts import chart_context, figure_of, show
from ui.page import start_page
from ui.runtime import load

page = start_page(
    __file__,
    t("Results framework"),
    t("Each indicator's target against what was achieved, quarter by quarter."),
)
actor, filters = page.actor, page.filters
SOURCE = t("quarterly indicator reports of the partners")
UNAPPROVED_MARK = "*"


def region_name() -> str:
    """The selected region's name ('' when every region is selected)."""
    if filters.region == ALL:
        return ""
    return load(filter_options, actor).regions.get(filters.region, filters.region)


def status_summary(tracking: pd.DataFrame) -> None:
    """How many indicators stand where, in one line."""
    counts = tracking["status"].value_counts()
    parts = [
        f"{status_display(status)}: **{counts.get(status, 0)}**"
        for status in STATUS_ORDER
        if counts.get(status, 0)
    ]
    st.markdown(t("**{n} indicators**", n=len(tracking)) + " · " + " · ".join(parts))


def reading_notes(tracking: pd.DataFrame) -> None:
    """How the figures are read, and which filters cannot apply here."""
    st.caption(
        t(
            "Status compares performance with the target for the latest reported quarter of "
            "the period: on track within 15% of it; better or worse than target beyond that. "
            "For indicators where lower is better (e.g. days to referral), a value under target "
            "counts as better. Counts (cumulative indicators) add up every quarter from the start "
            "of the award to that quarter; percentages and averages compare that quarter alone. "
            "% achieved is actual ÷ target (target ÷ actual where lower is better), so above "
            "100% is always better."
        )
    )
    st.caption(
        t(
            "Partner and component filters do not apply to indicators: they are reported "
            "for the award as a whole."
        )
    )
    if actor.may_see_unapproved:
        pending = int(tracking["unapproved"].sum())
        if pending:
            st.caption(
                t(
                    "Includes {n} figures not yet approved (marked {mark} in the tables, "
                    "hatched in the charts).",
                    n=pending,
                    mark=UNAPPROVED_MARK,
                )
            )
    else:
        st.caption(t("Approved figures only."))


def region_note(tracking: pd.DataFrame) -> None:
    """Targets are national: say which indicators can answer for the chosen region."""
    if filters.region == ALL:
        return
    by_region = tracking[tracking["disaggregations"].str.contains("region", na=False)]
    codes = ", ".join(by_region["code"]) or t("none")
    st.info(
        t(
            "Targets are national, so status stays national. Only indicators reported by region "
            "({codes}) have figures for {region}: see the column “In {region}”.",
            codes=codes,
            region=region_name(),
        ),
        icon=":material/location_on:",
    )


def _approval_mark(count: int) -> str:
    return f" {UNAPPROVED_MARK}" if count and actor.may_see_unapproved else ""


def _status_cell(row: Any) -> str:
    text = status_display(str(row["status"]))
    return f"{text}: {t(row['note'])}" if row["note"] else text


def _baseline_cell(row: Any) -> str:
    if pd.isna(row["baseline"]):
        return t("not set")
    value = format_value(row["baseline"], row["unit"])
    return f"{value} ({t(row['baseline_note'])})" if row["baseline_note"] else value


def _region_cell(row: Any) -> str:
    if "region" not in str(row["disaggregations"]).split(","):
        return t("not reported by region")
    if row["region_suppressed"]:
        return f"{SUPPRESSED_MARK} {t('suppressed')}"
    value = format_value(row["region_actual_to_date"], row["unit"])
    return value + _approval_mark(int(row["region_unapproved"]))


def _percent_cell(row: Any) -> str:
    return "—" if pd.isna(row["percent_achieved"]) else f"{row['percent_achieved']:.0f}%"


def each_row(rows: pd.DataFrame, cell: Callable[[Any], str], *columns: str) -> list[str]:
    """One display cell per row from these columns (far faster than DataFrame.apply by row)."""
    return [cell(row) for row in rows[list(columns)].to_dict("records")]


def _figures(rows: pd.DataFrame, column: str) -> list[str]:
    return [format_value(v, u) for v, u in zip(rows[column], rows["unit"], strict=True)]


def tracking_table(rows: pd.DataFrame) -> pd.DataFrame:
    """The tracking rows with readable columns, the figures a reader looks for first."""
    actual = _figures(rows, "actual_to_date")
    shown = pd.DataFrame(
        {
            # Status first: on a phone it stays in view beside the start of the indicator.
            t("Status"): each_row(rows, _status_cell, "status", "note"),
            t("Indicator"): rows["code"] + " " + rows["title"],
            t("% achieved"): each_row(rows, _percent_cell, "percent_achieved"),
            t("Actual to date"): [
                a + _approval_mark(n) for a, n in zip(actual, rows["unapproved"], strict=True)
            ],
            t("Target to date"): _figures(rows, "target_to_date"),
            t("As of"): rows["as_of_quarter"].fillna("—"),
            t("Life-of-award target"): _figures(rows, "life_target"),
            t("Baseline"): each_row(rows, _baseline_cell, "baseline", "unit", "baseline_note"),
            t("Unit"): rows["unit"],
            t("Lower is better"): rows["direction"].eq("decrease").map({True: t("yes"), False: ""}),
            t("Standard code"): rows["standard_code"].fillna("—"),
        }
    )
    if filters.region != ALL:
        shown.insert(
            4,
            t("In {region}", region=region_name()),
            each_row(
                rows,
                _region_cell,
                "disaggregations",
                "region_suppressed",
                "region_actual_to_date",
                "unit",
                "region_unapproved",
            ),
        )
    return shown


TABLE_COLUMNS = {
    t("Status"): st.column_config.TextColumn(width=160),
    t("Indicator"): st.column_config.TextColumn(width=320),
}


def framework_tables(tracking: pd.DataFrame) -> None:
    """Outcome > output > indicator: one heading per outcome, one table per output."""
    for (code, title), outcome in tracking.groupby(["outcome_code", "outcome_title"], sort=False):
        st.subheader(t("Outcome {code}: {title}", code=code, title=title))
        for (output_code, output_title), rows in outcome.groupby(
            ["output_code", "output_title"], sort=False
        ):
            st.markdown(t("**Output {code}:** {title}", code=output_code, title=output_title))
            st.dataframe(
                tracking_table(rows), hide_index=True, width="stretch", column_config=TABLE_COLUMNS
            )


def _quarter_cell(row: Any) -> str:
    actual = format_value(row["actual"], row["unit"]) + _approval_mark(int(row["unapproved"]))
    return f"{actual} / {format_value(row['target'], row['unit'])}"


def quarterly_table(figures: pd.DataFrame) -> None:
    """Per-quarter actual / target for every indicator in the period."""
    st.subheader(t("Targets and actuals by quarter"))
    st.caption(t("Each cell: actual / target for that quarter alone (also for counts)."))
    cells = figures.assign(
        cell=each_row(figures, _quarter_cell, "actual", "unit", "unapproved", "target")
    )
    cells["indicator"] = cells["code"] + " " + cells["title"]
    wide = cells.pivot(index="indicator", columns="quarter", values="cell").fillna("— / —")
    wide = wide.reset_index().rename(columns={"indicator": t("Indicator")})
    indicator_column = {t("Indicator"): st.column_config.TextColumn(width=220)}
    st.dataframe(wide, hide_index=True, width="stretch", column_config=indicator_column)


def national_context() -> ChartContext:
    """Chart context naming what the figures cover: every region, partner and component."""
    national = replace(filters, region=ALL, partner=ALL, component=ALL)
    return chart_context(national, actor, source=SOURCE)


def indicator_status_line(indicator: pd.Series) -> None:
    """The indicator's standing in words, as of its latest reported quarter."""
    if indicator["status"] == "no data":
        st.info(t("No status: {why}.", why=t(indicator["note"])), icon=":material/help:")
        return
    line = t(
        "Status at {quarter}: **{status}**, {actual} against a target of {target} ({percent} "
        "achieved).",
        quarter=indicator["as_of_quarter"],
        status=status_display(str(indicator["status"])),
        actual=format_value(indicator["actual_to_date"], indicator["unit"]),
        target=format_value(indicator["target_to_date"], indicator["unit"]),
        percent=_percent_cell(indicator),
    )
    if indicator["direction"] == "decrease":
        line += " " + t("Lower is better for this indicator.")
    st.markdown(line)


def indicator_chart(indicator: pd.Series, figures: pd.DataFrame) -> None:
    """Target vs actual by quarter for one indicator."""
    cumulative = bool(indicator["cumulative"])
    kind = t("cumulative target vs actual") if cumulative else t("target vs actual by quarter")
    fig = figure_of(
        target_vs_actual,
        figures[figures["code"] == indicator["code"]],
        title=f"{indicator['code']} {indicator['title']}: {kind}",
        unit=str(indicator["unit"]),
        cumulative=cumulative,
        context=national_context(),
    )
    show(fig, key=f"results_chart_{indicator['code']}")


def _breakdown_cell(value: float, row: pd.Series, unit: str) -> str:
    if row["suppressed"]:
        return f"{SUPPRESSED_MARK} {t('suppressed')}"
    text = format_value(value, unit) + _approval_mark(int(row["unapproved"]))
    # IOM staff see true figures, marked where a donor sees "suppressed".
    return f"{text} {SUPPRESSED_MARK}" if row["donor_hidden"] else text


def breakdown_table(cells: pd.DataFrame, unit: str) -> pd.DataFrame:
    """The breakdown with readable columns; suppressed cells say so."""
    return pd.DataFrame(
        {
            t("Breakdown"): [dimension_name(d) for d in cells["dimension"]],
            t("Group"): [t(str(label)) for label in cells["label"]],
            t("Actual"): [_breakdown_cell(row["value"], row, unit) for _, row in cells.iterrows()],
            t("Share of total"): ["—" if pd.isna(v) else f"{v:.0%}" for v in cells["share"]],
        }
    )


def breakdown(indicator: pd.Series) -> None:
    """Disaggregations of one indicator, over the same quarters as its total."""
    if not str(indicator["disaggregations"]):
        st.caption(t("This indicator is not broken down by sex, age, nationality or region."))
        return
    cells = load(indicator_disaggregations, actor, filters=filters, code=indicator["code"])
    code, quarter = indicator["code"], indicator["as_of_quarter"]
    if indicator["cumulative"]:
        title = t("{code} by group, award start to {quarter}", code=code, quarter=quarter)
    else:
        title = t("{code} by group, {quarter}", code=code, quarter=quarter)
    unit = str(indicator["unit"])
    fig = figure_of(disaggregation_bars, cells, title=title, unit=unit, context=national_context())
    show(fig, key=f"results_breakdown_{code}")
    if (cells["suppressed"] | cells["donor_hidden"]).any():
        st.caption(privacy_notice(actor=actor))
    st.dataframe(breakdown_table(cells, unit), hide_index=True, width="stretch")


def indicator_detail(tracking: pd.DataFrame, figures: pd.DataFrame) -> None:
    """Pick an indicator: its chart, its status, and its breakdown on demand."""
    st.subheader(t("Indicator detail"))
    titles = dict(zip(tracking["code"], tracking["code"] + " " + tracking["title"], strict=True))
    code = st.selectbox(
        t("Indicator"), list(titles), format_func=titles.__getitem__, key="results_indicator"
    )
    indicator = tracking[tracking["code"] == code].iloc[0]
    indicator_status_line(indicator)
    indicator_chart(indicator, figures)
    if not pd.isna(indicator["as_of_quarter"]):
        with st.expander(t("Breakdown by sex, age band, nationality group and region")):
            breakdown(indicator)


tracking = load(indicator_tracking, actor, filters=filters)
if tracking.empty:
    st.info(t("No indicators are defined for this award yet."), icon=":material/info:")
    st.stop()
figures = load(quarterly_figures, actor, filters=filters)
status_summary(tracking)
reading_notes(tracking)
region_note(tracking)
framework_tables(tracking)
if figures.empty:
    st.info(t("No targets or figures in the selected period."), icon=":material/info:")
else:
    quarterly_table(figures)
    indicator_detail(tracking, figures)
