"""The briefing pack's content: cover, KPIs, chosen charts, indicator table, late milestones, notes.

Charts are drawn by the same chart functions as the screens, fed by the same services, so a
pack shows what the requester's screens show (a donor's pack: approved, suppressed figures).
All images come from the process's one warm browser (charts.images) and are kept per
database, data version, view, filters, day and language, so a second pack is nearly free.
Rendering to PDF / PowerPoint is in briefing/files.py.
"""

from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
import plotly.graph_objects as go
from sqlmodel import Session

from grantmon import formatting
from grantmon.charts.budget import budget_vs_spent_chart, burn_chart, quarterly_spending_chart
from grantmon.charts.export import image_to_come, start_image_server
from grantmon.charts.indicators import target_vs_actual
from grantmon.charts.maps import region_map
from grantmon.charts.milestones import milestone_gantt
from grantmon.charts.overview import burn_beside_results_chart
from grantmon.charts.reintegration import funnel_chart, trend_chart
from grantmon.charts.style import ChartContext
from grantmon.formatting import (
    figure,
    labelled,
    long_date,
    money,
    percent,
    percent_sign,
    quarter_label,
)
from grantmon.i18n import N_, current_language, t
from grantmon.services.briefing.images import opaque_png
from grantmon.services.budget.reads import budget_by, burn_series, quarterly_spending
from grantmon.services.core.access import EVERYONE, Actor, readable_by
from grantmon.services.core.award import AwardSummary, award_summary, has_demo_data
from grantmon.services.core.filters import Filters, describe, filter_options
from grantmon.services.core.kept import PerDataVersion
from grantmon.services.core.privacy import privacy_notice
from grantmon.services.core.provenance import data_as_of
from grantmon.services.milestones.reads import late_milestones, milestone_timeline
from grantmon.services.overview.reads import Kpis, burn_beside_results, overview_kpis
from grantmon.services.regions.geography import region_outlines
from grantmon.services.regions.reads import centre_points, region_metrics
from grantmon.services.reintegration.reads import funnel, quarterly_trend
from grantmon.services.results.indicators import indicator_tracking, quarterly_figures
from grantmon.vocabulary import word

Progress = Callable[[float, str], None]
# A chart's image (opaque PNG) and its notes; 9 charts + indicators, a few views and filters.
_DRAWN: PerDataVersion[tuple[bytes, str]] = PerDataVersion(size=300)


@dataclass(frozen=True)
class Inputs:
    """What every chart drawer needs."""

    session: Session
    actor: Actor
    filters: Filters
    today: date
    filters_text: str
    source_line: Callable[[str], str]

    def context(self, source: str) -> ChartContext:
        """The chart's subtitle (filters) and source / data-as-of line."""
        return ChartContext(filters_text=self.filters_text, source_text=self.source_line(source))


@dataclass(frozen=True)
class BriefingChart:
    """One chart a pack can hold: its screen, title and how to draw it."""

    key: str
    screen: str
    label: str
    draw: Callable[[Inputs], go.Figure]
    default: bool = False


def _burn_beside(i: Inputs) -> go.Figure:
    data = burn_beside_results(session=i.session, actor=i.actor, filters=i.filters, today=i.today)
    return burn_beside_results_chart(data, context=i.context(t("grant monitor records")))


def _budget_burn(i: Inputs) -> go.Figure:
    data = burn_series(session=i.session, actor=i.actor, filters=i.filters, today=i.today)
    return burn_chart(data, context=i.context(t("expenditure reports and budget lines")))


def _budget_by(dimension: str, title: str) -> Callable[[Inputs], go.Figure]:
    def draw(i: Inputs) -> go.Figure:
        data = budget_by(
            session=i.session,
            actor=i.actor,
            filters=i.filters,
            dimension=dimension,  # type: ignore[arg-type]
            today=i.today,
        )
        context = i.context(t("expenditure reports and budget lines"))
        return budget_vs_spent_chart(data, title=t(title), context=context)

    return draw


def _quarterly_spending(i: Inputs) -> go.Figure:
    data = quarterly_spending(session=i.session, actor=i.actor, filters=i.filters)
    context = i.context(t("expenditure reports"))
    return quarterly_spending_chart(data[data["in_period"]], context=context)


def _gantt(i: Inputs) -> go.Figure:
    data = milestone_timeline(session=i.session, actor=i.actor, filters=i.filters, today=i.today)
    context = i.context(t("milestone updates by partners"))
    return milestone_gantt(data, context=context, today=i.today)


def _indicator(code: str) -> Callable[[Inputs], go.Figure]:
    def draw(i: Inputs) -> go.Figure:
        tracking = indicator_tracking(
            session=i.session, actor=i.actor, filters=i.filters, today=i.today
        )
        figures = quarterly_figures(
            session=i.session, actor=i.actor, filters=i.filters, today=i.today
        )
        row = tracking[tracking["code"] == code].iloc[0]
        kind = t("cumulative target vs actual") if row["cumulative"] else t("target vs actual")
        return target_vs_actual(
            figures[figures["code"] == code],
            title=f"{code} {row['title']}: {kind}",
            unit=str(row["unit"]),
            cumulative=bool(row["cumulative"]),
            context=i.context(t("quarterly indicator reports of the partners")),
        )

    return draw


def _funnel(i: Inputs) -> go.Figure:
    data = funnel(session=i.session, actor=i.actor, filters=i.filters)
    return funnel_chart(data, context=i.context(t("reintegration figures reported by partners")))


def _trend(i: Inputs) -> go.Figure:
    data = quarterly_trend(session=i.session, actor=i.actor, filters=i.filters)
    return trend_chart(data, context=i.context(t("reintegration figures reported by partners")))


def _map(i: Inputs) -> go.Figure:
    regions = region_metrics(session=i.session, actor=i.actor, filters=i.filters, today=i.today)
    centres = centre_points(session=i.session, actor=i.actor, filters=i.filters, today=i.today)
    title = t("Victims assisted (people)")
    outlines = region_outlines(session=i.session, actor=i.actor)
    return region_map(
        regions,
        centres,
        outlines,
        column="victims_assisted",
        metric_title=title,
        title=t("{metric} by region", metric=title),
        context=i.context(t("grant monitor records; population: HCP census 2024")),
    )


def chart_catalogue(indicator_codes: list[str]) -> list[BriefingChart]:
    """Every chart a pack can hold; the default ones are the key chart of each screen."""
    charts = [
        BriefingChart(
            "overview-burn", t("Overview"), t("Budget burn beside results"), _burn_beside, True
        ),
        BriefingChart(
            "budget-burn", t("Budget"), t("Cumulative spending against plan"), _budget_burn, True
        ),
        BriefingChart(
            "budget-category",
            t("Budget"),
            t("Budget and spending by cost category"),
            _budget_by("category", N_("By cost category (SF-424A)")),
        ),
        BriefingChart(
            "budget-partner",
            t("Budget"),
            t("Budget and spending by partner"),
            _budget_by("partner", N_("By partner")),
        ),
        BriefingChart(
            "budget-quarterly", t("Budget"), t("Spending per quarter"), _quarterly_spending
        ),
        BriefingChart(
            "milestones-gantt", t("Activities"), t("Activities and milestones"), _gantt, True
        ),
        BriefingChart(
            "regions-map", t("Regions"), t("Victims assisted by region (map)"), _map, True
        ),
        BriefingChart(
            "reintegration-funnel", t("Reintegration"), t("Reintegration funnel"), _funnel, True
        ),
        BriefingChart(
            "reintegration-trend", t("Reintegration"), t("Reintegration per quarter"), _trend
        ),
    ]
    for number, code in enumerate(indicator_codes):
        label = t("Indicator {code}: target vs actual", code=code)
        charts.append(
            BriefingChart(f"indicator-{code}", t("Results"), label, _indicator(code), number == 0)
        )
    return charts


@dataclass
class Briefing:
    """Everything a pack shows, ready to render (no database needed any more)."""

    award: AwardSummary
    filters_text: str
    period: str
    prepared_on: date
    prepared_for: str
    kpis: list[tuple[str, str]]
    charts: list[tuple[str, bytes, str]] = field(default_factory=list)  # title, PNG, notes
    tracking: pd.DataFrame = field(default_factory=pd.DataFrame)
    late: pd.DataFrame = field(default_factory=pd.DataFrame)
    notes: list[str] = field(default_factory=list)
    is_demo: bool = False
    internal: bool = False  # prepared for a role other than the donor's: marked on every page


def _count(value: int | None) -> str:
    return t("■ suppressed") if value is None else formatting.number(value)


def kpi_lines(kpis: Kpis) -> list[tuple[str, str]]:
    """The Overview's KPI cards as (label, value) pairs, in words a reader can quote."""
    late, quarter = kpis.milestones.get("late", 0), quarter_label(kpis.quarter)
    return [
        (
            t("Funds spent"),
            t(
                "{share} ({spent} of {budget})",
                share=percent(kpis.spent_share),
                spent=money(kpis.spent_cents),
                budget=money(kpis.budget_cents),
            ),
        ),
        (t("Spent in {quarter}", quarter=quarter), money(kpis.spent_in_quarter_cents)),
        (t("Award period elapsed"), percent(kpis.elapsed_share)),
        (t("Milestones late"), formatting.number(late)),
        (
            t("Milestones completed in {quarter}", quarter=quarter),
            formatting.number(kpis.completed_in_quarter),
        ),
        (t("Centres open"), formatting.number(kpis.open_centres)),
        (t("Known beds"), formatting.number(kpis.known_beds)),
        (t("Victims assisted"), _count(kpis.assisted)),
        (t("Reintegration plans completed"), _count(kpis.plans_completed)),
    ]


def _number(value: object) -> str:
    """A figure as text: whole numbers without decimals, other values as they are."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "—" if value is None else str(value)
    return figure(value)


def _achieved(percent: float | None) -> str:
    if percent is None or pd.isna(percent):
        return "—"
    return formatting.number(percent) + percent_sign()


def _or_suppressed(texts: pd.Series, hidden: pd.Series) -> pd.Series:
    """A figure a donor sees suppressed reads so, not "—" (which means "not reported")."""
    return texts.where(~hidden.astype(bool), t("■ suppressed"))


def tracking_table(tracking: pd.DataFrame) -> pd.DataFrame:
    """The indicator tracking table as a pack prints it: one row per indicator, as text."""
    # IOM packs keep the true figure; a donor's has NaN where it is hidden.
    hidden = tracking["actual_to_date"].isna() & tracking["to_date_hidden"].astype(bool)
    return pd.DataFrame(
        {
            t("Code"): tracking["code"],
            t("Indicator"): tracking["title"],
            t("Unit"): tracking["unit"].map(word),
            t("Baseline"): tracking["baseline"].map(_number),
            t("Target to date"): tracking["target_to_date"].map(_number),
            t("Actual to date"): _or_suppressed(tracking["actual_to_date"].map(_number), hidden),
            t("Achieved"): _or_suppressed(tracking["percent_achieved"].map(_achieved), hidden),
            t("Status"): tracking["status"].map(word),
            t("As of"): tracking["as_of_quarter"].map(quarter_label),
        }
    )


def late_table(late: pd.DataFrame) -> pd.DataFrame:
    """Late milestones as a pack prints them, most late first."""
    return pd.DataFrame(
        {
            t("Code"): late["code"],
            t("Milestone"): late["title"],
            t("Partner"): late["partner"],
            t("Days late"): late["days_late"].map(lambda d: formatting.number(int(d))),
        }
    )


def _first(trace: object, *names: str) -> object:
    for name in names:
        value = getattr(trace, name, None)
        if value is not None:
            return value
    return None


def _trace_points(trace: object) -> tuple[object, object]:
    """(categories, values) of a trace: x/y, y/x for horizontal bars, locations/z for maps."""
    xs, ys = _first(trace, "x", "locations"), _first(trace, "y", "z")
    if getattr(trace, "orientation", None) == "h":
        xs, ys = ys, xs
    return xs, ys


def figure_notes(fig: go.Figure, limit: int = 24) -> str:
    """The figures behind a chart, as text for speaker notes and readers without the image."""
    lines = [str(fig.layout.title.text or "").replace("<br><sup>", " (").replace("</sup>", ")")]
    for trace in fig.data:
        xs, ys = _trace_points(trace)
        # Bars drawn from a base (Gantt spans) hold durations, not figures a reader quotes.
        if (
            xs is None
            or ys is None
            or not getattr(trace, "name", None)
            or _first(trace, "base") is not None
        ):
            continue
        points = list(zip(xs, ys, strict=False))[:limit]  # type: ignore[call-overload]
        pairs = [f"{x}: {_number(y)}" for x, y in points]
        lines.append(labelled(str(trace.name), "; ".join(pairs)))
    annotations = [str(a.text) for a in fig.layout.annotations if a.text]
    lines += [a.replace("<br>", " ") for a in annotations]
    return "\n".join(lines)


def _source_line(session: Session, actor: Actor) -> Callable[[str], str]:
    as_of = data_as_of(session=session, actor=actor)
    day = long_date(as_of.date() if as_of else None)
    demo = (
        " " + t("DEMO DATA, illustrative only.")
        if has_demo_data(session=session, actor=actor)
        else ""
    )
    return lambda source: t("Source: {source}. Data as of {day}.", source=source, day=day) + demo


@readable_by(EVERYONE)
def pack_notes(*, session: Session, actor: Actor, filters_text: str) -> list[str]:
    """Provenance, approval and suppression notes, worded for the requester."""
    as_of = data_as_of(session=session, actor=actor)
    notes = [
        t("Filters: {text}.", text=filters_text),
        t(
            "Figures come from the grant monitor: partner reports entered and reviewed by IOM, "
            "as of {day}. Charts are drawn by the same functions as the dashboard screens.",
            day=long_date(as_of.date() if as_of else None),
        ),
    ]
    if actor.is_donor or not actor.may_see_unapproved:
        notes.append(t("Only approved figures are included."))
    else:
        notes.append(t("Figures not yet approved are included: this pack is for IOM use."))
    notes.append(privacy_notice(actor=actor))
    if has_demo_data(session=session, actor=actor):
        notes.append(t("DEMO DATA, illustrative only: not results of the grant."))
    return notes


def _chosen(inputs: Inputs, keys: tuple[str, ...] | None) -> list[BriefingChart]:
    codes = indicator_tracking(
        session=inputs.session, actor=inputs.actor, filters=inputs.filters, today=inputs.today
    )
    catalogue = chart_catalogue(list(codes["code"]))
    if keys is None:
        return [c for c in catalogue if c.default]
    by_key = {c.key: c for c in catalogue}
    unknown = [k for k in keys if k not in by_key]
    if unknown:
        raise ValueError(t("Unknown chart(s): {keys}", keys=", ".join(unknown)))
    return [by_key[k] for k in keys]


@readable_by(EVERYONE)
def collect_briefing(
    *,
    session: Session,
    actor: Actor,
    filters: Filters,
    today: date,
    prepared_for: str,
    charts: tuple[str, ...] | None = None,
    progress: Progress | None = None,
) -> Briefing:
    """Gather a pack's content and draw its chart images (one browser for all of them)."""
    report = progress or (lambda share, text: None)
    report(0.0, t("Starting the chart renderer"))
    start_image_server()  # in the background: the reads below run while the browser starts
    filters_text = describe(filters, filter_options(session=session, actor=actor))
    inputs = Inputs(session, actor, filters, today, filters_text, _source_line(session, actor))
    chosen = _chosen(inputs, charts)
    pack = _skeleton(inputs, prepared_for)
    # Each figure is built while the browser draws the one before: both run at once.
    to_come = {c.key: _started(c, inputs) for c in chosen if _kept(c, inputs) is None}
    for number, chart in enumerate(chosen):
        report(0.1 + 0.8 * number / max(len(chosen), 1), t("Drawing {chart}", chart=chart.label))
        png, notes = drawn_chart(chart, inputs, to_come.get(chart.key))
        pack.charts.append((chart.label, png, notes))
    report(1.0, t("Pack ready"))
    return pack


Drawing = tuple[Future[bytes], str]  # a chart's image to come, and its notes


def _key(chart: BriefingChart, inputs: Inputs) -> tuple:
    # What the actor may see decides the figures, not who they are: two donors share images.
    actor = inputs.actor
    view = (actor.role, actor.partner_id, actor.region_code)
    return (chart.key, view, inputs.filters, inputs.today, current_language())


def _kept(chart: BriefingChart, inputs: Inputs) -> tuple[bytes, str] | None:
    return _DRAWN.known(inputs.session, _key(chart, inputs))


def _started(chart: BriefingChart, inputs: Inputs) -> Drawing:
    fig = chart.draw(inputs)
    return image_to_come(fig, "png"), figure_notes(fig)


def drawn_chart(
    chart: BriefingChart, inputs: Inputs, started: Drawing | None = None
) -> tuple[bytes, str]:
    """A chart's image and notes, drawn once per data version, view, filters, day, language."""
    return _DRAWN.get(
        inputs.session, _key(chart, inputs), lambda: _finished(chart, inputs, started)
    )


def _finished(chart: BriefingChart, inputs: Inputs, started: Drawing | None) -> tuple[bytes, str]:
    image, notes = started or _started(chart, inputs)
    return opaque_png(image.result()), notes


def _skeleton(i: Inputs, prepared_for: str) -> Briefing:
    kpis = overview_kpis(session=i.session, actor=i.actor, filters=i.filters, today=i.today)
    tracking = indicator_tracking(
        session=i.session, actor=i.actor, filters=i.filters, today=i.today
    )
    late = late_milestones(session=i.session, actor=i.actor, filters=i.filters, today=i.today)
    start, end = quarter_label(i.filters.start), quarter_label(i.filters.end)
    period = start if i.filters.start == i.filters.end else f"{start}–{end}"
    return Briefing(
        award=award_summary(session=i.session, actor=i.actor),
        filters_text=i.filters_text,
        period=period,
        prepared_on=i.today,
        prepared_for=prepared_for,
        kpis=kpi_lines(kpis),
        tracking=tracking_table(tracking),
        late=late_table(late),
        notes=pack_notes(session=i.session, actor=i.actor, filters_text=i.filters_text),
        is_demo=has_demo_data(session=i.session, actor=i.actor),
        internal=not i.actor.is_donor,
    )
