"""Results framework: the indicator tracking table, a chart per indicator, breakdowns on demand."""

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, cast

import pandas as pd
import plotly.graph_objects as go
import pyarrow as pa
import streamlit as st

from data_model.common import ALL
from grantmon.charts.indicators import (
    STATUS_ORDER,
    dimension_name,
    disaggregation_bars,
    format_value,
    status_display,
    target_vs_actual,
)
from grantmon.charts.style import ChartContext
from grantmon.formatting import colon, labelled, number, percent_sign, quarter_label
from grantmon.i18n import t
from grantmon.services.core.access import Actor
from grantmon.services.core.filters import Filters, filter_options
from grantmon.services.core.privacy import (
    SUPPRESSED_MARK,
    cell_text,
    privacy_notice,
)
from grantmon.services.progress.as_of import as_of
from grantmon.services.results.indicators import (
    indicator_disaggregations,
    indicator_tracking,
    quarterly_figures,
    target_plan,
)
from grantmon.ui.charts import chart_context, figure_of, show
from grantmon.ui.page import start_page
from grantmon.ui.runtime import kept, load, ready_to_send
from grantmon.ui.tables import (
    figures,
    hidden_from,
    percent_column,
    show_table,
    suppression_marks,
)
from grantmon.ui.text import plain
from grantmon.ui.verdicts import as_of_line
from grantmon.vocabulary import word

page = start_page(
    __file__,
    t("Results framework"),
    t("Each indicator's target against what was achieved, quarter by quarter."),
)
actor, filters, today = page.actor, page.filters, date.today()
SOURCE = t("quarterly indicator reports of the partners")
UNAPPROVED_MARK = "*"
LISTED_CODES = 12  # beyond this many, the region note counts indicators instead of naming them


def region_name() -> str:
    """The selected region's name ('' when every region is selected)."""
    if filters.region == ALL:
        return ""
    return load(filter_options, actor).regions.get(filters.region, filters.region)


@dataclass(frozen=True)
class Digest:
    """What the screen says about the tracking table beyond the tables themselves."""

    status_counts: dict[str, int]
    pending: int  # figures not yet approved
    region_codes: list[str]  # indicators reported by region
    indicators: dict[str, dict[str, Any]]  # each indicator's tracking row, by code
    has_figures: bool  # any target or figure in the period


def digest(*, actor: Actor, filters: Filters, today: date) -> Digest:
    """The tracking table read once per data version, actor and filters."""
    tracking = load(indicator_tracking, actor, filters=filters, today=today)
    by_region = tracking[tracking["disaggregations"].str.contains("region", na=False)]
    rows = tracking.to_dict("records")
    return Digest(
        status_counts={str(k): int(v) for k, v in tracking["status"].value_counts().items()},
        pending=int(tracking["unapproved"].sum()),
        region_codes=list(by_region["code"]),
        indicators={str(row["code"]): cast(dict[str, Any], row) for row in rows},
        has_figures=not load(quarterly_figures, actor, filters=filters, today=today).empty,
    )


def status_summary(facts: Digest) -> None:
    """How many indicators stand where, in one line."""
    counts = facts.status_counts
    parts = [
        f"{status_display(status)}{colon()} **{number(counts.get(status, 0))}**"
        for status in STATUS_ORDER
        if counts.get(status, 0)
    ]
    n = len(facts.indicators)
    st.markdown(t("**{n} indicators**", n=number(n)) + " · " + " · ".join(parts))


def reading_notes(facts: Digest) -> None:
    """How the figures are read, and which filters cannot apply here."""
    st.caption(
        t(
            "Status compares performance with the target for the latest reported quarter up to "
            "the as-of date: on track within 15% of it; better or worse than target beyond that. "
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
        pending = facts.pending
        if pending:
            st.caption(
                t(
                    "Includes {n} figures not yet approved (marked {mark} in the tables, "
                    "hatched in the charts).",
                    n=number(pending),
                    mark=UNAPPROVED_MARK,
                )
            )
    else:
        st.caption(t("Approved figures only."))


def region_note(facts: Digest) -> None:
    """Targets are national: say which indicators can answer for the chosen region."""
    if filters.region == ALL:
        return
    codes = ", ".join(facts.region_codes) or t("none")
    if len(facts.region_codes) > LISTED_CODES:  # hundreds of codes would bury the sentence
        codes = t(
            "{n} of {total}",
            n=number(len(facts.region_codes)),
            total=number(len(facts.indicators)),
        )
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
    """The status in words, then what marks its figure (suppressed, not yet approved)."""
    if row["status"] == "suppressed":
        return SUPPRESSED_MARK + " " + t("suppressed")
    text = status_display(str(row["status"]))
    text = labelled(text, word(row["note"])) if row["note"] else text
    if row["to_date_hidden"]:  # IOM staff see the true figure a donor sees suppressed
        text += " · " + suppression_marks([False], [True])[0]
    return text + _approval_mark(int(row["unapproved"]))


def _region_note(row: Any) -> str:
    if "region" not in str(row["disaggregations"]).split(","):
        return t("not reported by region")
    if row["region_suppressed"]:
        return SUPPRESSED_MARK + " " + t("suppressed")
    return _approval_mark(int(row["region_unapproved"])).strip()


def _notes_cell(row: Any) -> str:
    """What the figures alone do not say: standard code, direction, baseline source, region."""
    code = row["standard_code"] if isinstance(row["standard_code"], str) else ""
    notes = [labelled(t("Standard code"), code)] if code else []
    if row["direction"] == "decrease":
        notes.append(t("Lower is better"))
    if row["baseline_note"]:
        notes.append(labelled(t("Baseline"), t(row["baseline_note"])))
    if filters.region != ALL and _region_note(row):
        notes.append(labelled(t("In {region}", region=region_name()), _region_note(row)))
    return " · ".join(notes)


def each_row(rows: pd.DataFrame, cell: Callable[[Any], str], *columns: str) -> list[str]:
    """One display cell per row from these columns (far faster than DataFrame.apply by row)."""
    return [cell(row) for row in rows[list(columns)].to_dict("records")]


def hidden_here(flags: pd.Series) -> Any:
    """Where this page's reader sees a figure suppressed."""
    return hidden_from(actor, flags)


def _region_figures(rows: pd.DataFrame) -> Any:
    reported = rows["disaggregations"].astype(str).str.split(",").map(lambda d: "region" in d)
    hidden = ~reported | hidden_here(rows["region_suppressed"])
    return figures(rows["region_actual_to_date"], hidden)


def tracking_table(rows: pd.DataFrame) -> pd.DataFrame:
    """The tracking rows, the indicator, its figure and its status first (all a phone shows)."""
    hidden = hidden_here(rows["to_date_hidden"])
    shown = pd.DataFrame(
        {
            t("Indicator"): rows["code"] + " " + rows["title"],
            t("Actual to date"): figures(rows["actual_to_date"], hidden),
            t("Status"): each_row(
                rows, _status_cell, "status", "note", "to_date_hidden", "unapproved"
            ),
            t("Target to date"): figures(rows["target_to_date"]),
            t("% achieved"): figures(rows["percent_achieved"], hidden),
            t("Unit"): rows["unit"].map(word),
            t("As of"): rows["as_of_quarter"].map(quarter_label),
            t("Life-of-award target"): figures(rows["life_target"]),
            t("Baseline"): figures(rows["baseline"]),
            t("Notes"): each_row(
                rows,
                _notes_cell,
                "standard_code",
                "direction",
                "baseline_note",
                "disaggregations",
                "region_suppressed",
                "region_unapproved",
            ),
        }
    )
    if filters.region != ALL:
        shown.insert(2, t("In {region}", region=region_name()), _region_figures(rows))
    return shown


def _percent_cell(row: Any) -> str:
    achieved = row["percent_achieved"]
    return "—" if pd.isna(achieved) else number(achieved) + percent_sign()


TABLE_COLUMNS = {t("% achieved"): percent_column()}


OutputTables = list[tuple[str, list[tuple[str, pa.Table]]]]


def output_tables(*, actor: Actor, filters: Filters, today: date) -> OutputTables:
    """Each outcome's heading with, per output, its heading and its tracking table."""
    # The cells read the page's actor and filters, the very ones this piece is kept under.
    tracking = load(indicator_tracking, actor, filters=filters, today=today)
    return [
        (
            t("Outcome {code}: {title}", code=plain(code), title=plain(title)),
            [
                (
                    t("**Output {code}:** {title}", code=plain(out_code), title=plain(out_title)),
                    ready_to_send(tracking_table(rows)),
                )
                for (out_code, out_title), rows in outcome.groupby(
                    ["output_code", "output_title"], sort=False
                )
            ],
        )
        for (code, title), outcome in tracking.groupby(
            ["outcome_code", "outcome_title"], sort=False
        )
    ]


def framework_tables() -> None:
    """Outcome > output > indicator: one heading per outcome, one table per output."""
    for outcome_heading, outputs in kept(output_tables, actor, filters=filters, today=today):
        st.subheader(outcome_heading)
        for output_heading, table in outputs:
            st.markdown(output_heading)
            show_table(table, hide_index=True, width="stretch", column_config=TABLE_COLUMNS)


def _quarter_cell(row: Any) -> str:
    actual = format_value(row["actual"], row["unit"])
    if row["actual_hidden"]:  # a victim count a donor sees suppressed (IOM: marked)
        hidden = pd.isna(row["actual"])
        actual = cell_text(row["actual"], hidden=hidden, donor_hidden=True)
    actual += _approval_mark(int(row["unapproved"]))
    return f"{actual} / {format_value(row['target'], row['unit'])}"


def quarter_rows(*, actor: Actor, filters: Filters, today: date) -> pa.Table:
    """One row per indicator, one 'actual / target' column per quarter of the period."""
    figures = load(quarterly_figures, actor, filters=filters, today=today)
    cells = figures.assign(
        cell=each_row(
            figures, _quarter_cell, "actual", "unit", "unapproved", "target", "actual_hidden"
        )
    )
    cells["indicator"] = cells["code"] + " " + cells["title"]
    wide = cells.pivot(index="indicator", columns="quarter", values="cell").fillna("— / —")
    wide.columns = [quarter_label(q) for q in wide.columns]
    return ready_to_send(wide.reset_index().rename(columns={"indicator": t("Indicator")}))


def quarterly_table() -> None:
    """Per-quarter actual / target for every indicator in the period."""
    st.subheader(t("Targets and actuals by quarter"))
    st.caption(t("Each cell: actual / target for that quarter alone (also for counts)."))
    wide = kept(quarter_rows, actor, filters=filters, today=today)
    show_table(wide, hide_index=True, width="stretch")


def national_context() -> ChartContext:
    """Chart context naming what the figures cover: every region, partner and component."""
    national = replace(filters, region=ALL, partner=ALL, component=ALL)
    return chart_context(national, actor, source=SOURCE)


def indicator_status_line(indicator: dict[str, Any]) -> None:
    """The indicator's standing in words, as of its latest reported quarter."""
    if indicator["status"] == "suppressed":
        st.info(privacy_notice(actor=actor), icon=":material/lock:")
        return
    if indicator["status"] == "no data":
        st.info(t("No status: {why}.", why=word(indicator["note"])), icon=":material/help:")
        return
    line = t(
        "Status at {quarter}: **{status}**, {actual} against a target of {target} ({percent} "
        "achieved).",
        quarter=quarter_label(indicator["as_of_quarter"]),
        status=status_display(str(indicator["status"])),
        actual=format_value(indicator["actual_to_date"], indicator["unit"]),
        target=format_value(indicator["target_to_date"], indicator["unit"]),
        percent=_percent_cell(indicator),
    )
    if indicator["direction"] == "decrease":
        line += " " + t("Lower is better for this indicator.")
    st.markdown(line)


def indicator_figure(*, actor: Actor, filters: Filters, today: date, code: str) -> go.Figure:
    """Target vs actual by quarter for one indicator (built once per data version and inputs)."""
    indicator = kept(digest, actor, filters=filters, today=today).indicators[code]
    figures = load(quarterly_figures, actor, filters=filters, today=today)
    cumulative = bool(indicator["cumulative"])
    kind = t("cumulative target vs actual") if cumulative else t("target vs actual by quarter")
    return figure_of(
        target_vs_actual,
        figures[figures["code"] == code],
        title=labelled(f"{code} {indicator['title']}", kind),
        unit=str(indicator["unit"]),
        cumulative=cumulative,
        context=national_context(),
        plan=load(target_plan, actor, code=code),
        life_target=indicator["life_target"],
    )


def _breakdown_note(row: Any) -> str:
    marks = suppression_marks([row["suppressed"]], [row["donor_hidden"]])[0]
    return (marks + _approval_mark(int(row["unapproved"]))).strip()


def breakdown_table(cells: pd.DataFrame) -> pd.DataFrame:
    """The breakdown, its figures as numbers; a suppressed one is empty and says so."""
    hidden = hidden_here(cells["suppressed"])
    return pd.DataFrame(
        {
            t("Group"): [word(label) for label in cells["label"]],
            t("Actual"): figures(cells["value"], hidden),
            t("Share of total"): figures(cells["share"] * 100, hidden),
            t("Notes"): each_row(
                cells, _breakdown_note, "suppressed", "donor_hidden", "unapproved"
            ),
            t("Breakdown"): [dimension_name(d) for d in cells["dimension"]],
        }
    )


def breakdown(indicator: dict[str, Any]) -> None:
    """Disaggregations of one indicator, over the same quarters as its total."""
    if not str(indicator["disaggregations"]):
        st.caption(t("This indicator is not broken down by sex, age, nationality or region."))
        return
    cells = load(
        indicator_disaggregations, actor, filters=filters, code=indicator["code"], today=today
    )
    code, quarter = indicator["code"], quarter_label(indicator["as_of_quarter"])
    if indicator["cumulative"]:
        title = t("{code} by group, award start to {quarter}", code=code, quarter=quarter)
    else:
        title = t("{code} by group, {quarter}", code=code, quarter=quarter)
    unit = str(indicator["unit"])
    fig = figure_of(disaggregation_bars, cells, title=title, unit=unit, context=national_context())
    show(fig, key=f"results_breakdown_{code}")
    if (cells["suppressed"] | cells["donor_hidden"]).any():
        st.caption(privacy_notice(actor=actor))
    show_table(
        breakdown_table(cells),
        hide_index=True,
        width="stretch",
        column_config={t("Share of total"): percent_column()},
    )


def indicator_detail(facts: Digest) -> None:
    """Pick an indicator: its chart, its status, and its breakdown on demand."""
    st.subheader(t("Indicator detail"))
    code = st.selectbox(
        t("Indicator"),
        list(facts.indicators),
        format_func=lambda code: f"{code} {facts.indicators[code]['title']}",
        key="results_indicator",
    )
    indicator = facts.indicators[code]
    indicator_status_line(indicator)
    fig = kept(indicator_figure, actor, filters=filters, today=today, code=code)
    show(fig, key=f"results_chart_{code}")
    if not pd.isna(indicator["as_of_quarter"]):
        with st.expander(t("Breakdown by sex, age band, nationality group and region")):
            breakdown(indicator)


facts = kept(digest, actor, filters=filters, today=today)
as_of_line(load(as_of, actor, filters=filters, today=today))
if not facts.indicators:
    st.info(t("No indicators are defined for this award yet."), icon=":material/info:")
    st.stop()
status_summary(facts)
reading_notes(facts)
region_note(facts)
framework_tables()
if not facts.has_figures:
    st.info(t("No targets or figures in the selected period."), icon=":material/info:")
else:
    quarterly_table()
    indicator_detail(facts)
