"""Charts of the results framework: target vs actual by quarter, and disaggregations."""

import math

import pandas as pd
import plotly.graph_objects as go

from grantmon.charts.style import (
    BLACK,
    GREY,
    STATUS_STYLE,
    ChartContext,
    as_of_marker,
    empty_figure,
    finish,
    includes_unapproved,
)
from grantmon.formatting import figure, percent_sign
from grantmon.i18n import N_, t
from grantmon.vocabulary import word

# Status compares performance, not the raw number: for an indicator meant to decrease
# (e.g. days to referral) a value under target is "better than target" and gets ▲
# (grantmon.vocabulary words 'above' and 'below' so).
STATUS_ORDER = ("below", "on track", "above", "no data")


def status_text(status: str) -> str:
    """A status in words that mean the same whatever the indicator's direction."""
    return word(status)


def status_display(status: str) -> str:
    """A status as symbol and words, e.g. '▼ worse than target'."""
    symbol = STATUS_STYLE.get(status, (GREY, "•"))[1]
    return f"{symbol} {status_text(status)}"


def format_value(value: float | None, unit: str = "") -> str:
    """A figure as readers expect it: whole numbers without decimals, '%' glued on."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    text = figure(value)
    return text + percent_sign() if unit == "%" else text


def _unit_title(unit: str, cumulative: bool) -> str:
    unit_name = t("percent") if unit == "%" else word(unit)
    return t("{unit}, cumulative", unit=unit_name) if cumulative else unit_name


def _actual_bars(fig: go.Figure, figures: pd.DataFrame, unit: str) -> None:
    for status in STATUS_ORDER:
        rows = figures[(figures["status"] == status) & figures["actual_to_date"].notna()]
        if rows.empty:
            continue
        symbol = STATUS_STYLE[status][1]
        fig.add_bar(
            x=rows["quarter"],
            y=rows["actual_to_date"],
            name=t("actual {status}", status=status_display(status)),
            marker={
                "color": STATUS_STYLE[status][0],
                # Hatched bars include figures not yet approved.
                "pattern": {"shape": ["/" if n else "" for n in rows["unapproved_to_date"]]},
            },
            text=[f"{format_value(v, unit)} {symbol}" for v in rows["actual_to_date"]],
            textposition="outside",
            cliponaxis=False,
            customdata=[status_display(status)] * len(rows),
            hovertemplate="%{x}: %{y:,.1f} · %{customdata}<extra></extra>",
        )


def _target_line(fig: go.Figure, targets: pd.DataFrame) -> None:
    targets = targets[targets["target_to_date"].notna()]
    fig.add_scatter(
        x=targets["quarter"],
        y=targets["target_to_date"],
        name=t("target"),
        mode="lines+markers",
        line={"color": BLACK, "dash": "dash", "width": 2},
        marker={"symbol": "diamond", "size": 8},
        hovertemplate="%{x}: " + t("target") + " %{y:,.1f}<extra></extra>",
    )


def _life_target(fig: go.Figure, life_target: float | None, unit: str) -> None:
    """The life-of-award target as a line across the chart, to the award's end."""
    if life_target is None or pd.isna(life_target):
        return
    fig.add_hline(
        y=life_target,
        line={"color": GREY, "dash": "dot", "width": 2},
        annotation_text=t("life-of-award target {value}", value=format_value(life_target, unit)),
        annotation_position="top left",
    )


def target_vs_actual(
    figures: pd.DataFrame,
    *,
    title: str,
    unit: str,
    cumulative: bool,
    context: ChartContext,
    plan: pd.DataFrame | None = None,
    life_target: float | None = None,
) -> go.Figure:
    """Actual (bars, by status) to the as-of quarter against target (dashed line) per quarter,
    cumulative if so; the `plan`'s targets and the life-of-award target run to the award's end."""
    if figures.empty or figures[["actual_to_date", "target_to_date"]].isna().all().all():
        message = t("No targets or figures for this indicator in the selected period.")
        return empty_figure(title=title, context=context, message=message)
    fig = go.Figure()
    _actual_bars(fig, figures, unit)
    targets = figures if plan is None else plan
    _target_line(fig, targets)
    _life_target(fig, life_target, unit)
    pending = bool((figures["unapproved_to_date"] > 0).any())
    if pending:
        fig.add_bar(
            x=[None],
            y=[None],
            name=t("hatched: not yet approved"),
            marker={"color": "white", "line": {"color": GREY}, "pattern": {"shape": "/"}},
        )
    fig.update_layout(barmode="overlay", bargap=0.35)
    # Traces per status would otherwise order the quarters by first appearance.
    quarters = sorted(set(figures["quarter"]) | set(targets["quarter"]))
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=quarters)
    fig.update_yaxes(rangemode="tozero", ticksuffix="%" if unit == "%" else "")
    reported = figures.dropna(subset=["actual_to_date"])
    if not reported.empty and plan is not None:
        as_of_marker(fig, str(reported["quarter"].max()))
    return finish(
        fig,
        title=title,
        context=context,
        x_title=t("Quarter"),
        y_title=_unit_title(unit, cumulative),
        height=460,
        top=150,  # the legend takes four rows on a phone
        source_drop=100,  # below the quarter labels, which a phone turns upright
        unapproved=pending,
    )


def disaggregation_bars(
    cells: pd.DataFrame, *, title: str, unit: str, context: ChartContext
) -> go.Figure:
    """One bar per category of each dimension; suppressed cells say so instead of a bar."""
    if cells.empty:
        message = t("This indicator is not broken down for the selected period.")
        return empty_figure(title=title, context=context, message=message)
    names = [f"{dimension} · {label}" for dimension, label in zip(*_labels(cells), strict=True)]
    suppressed = cells["suppressed"].astype(bool)
    suppressed_word = STATUS_STYLE["suppressed"][1] + " " + t("suppressed (small number)")
    fig = go.Figure()
    fig.add_bar(
        y=names,
        x=cells["value"].fillna(0),
        orientation="h",
        marker={"color": [GREY if s else STATUS_STYLE["above"][0] for s in suppressed]},
        text=[
            suppressed_word if s else format_value(v, unit)
            for v, s in zip(cells["value"], suppressed, strict=True)
        ],
        textposition="outside",
        cliponaxis=False,
        hovertemplate="%{y}: %{text}<extra></extra>",
        showlegend=False,
    )
    fig.update_yaxes(autorange="reversed", automargin=True)
    # Tall enough that the source line clears the axis title (it sits at a share of the height).
    height = max(400, 160 + 28 * len(cells))
    return finish(
        fig,
        title=title,
        context=context,
        x_title=_unit_title(unit, False),
        height=height,
        unapproved=includes_unapproved(cells),
    )


DIMENSION_NAMES = {
    "sex": N_("Sex"),
    "age_band": N_("Age band"),
    "nationality_group": N_("Nationality group"),
    "region": N_("Region"),
}


def dimension_name(dimension: str) -> str:
    """A disaggregation dimension in words."""
    return t(DIMENSION_NAMES.get(dimension, dimension))


def _labels(cells: pd.DataFrame) -> tuple[list[str], list[str]]:
    dimensions = [dimension_name(d) for d in cells["dimension"]]
    return dimensions, [word(label) for label in cells["label"]]
