"""Showing a chart on screen, with the context line every chart carries."""

import plotly.graph_objects as go
import streamlit as st

from charts.style import ChartContext
from grantmon.formatting import long_date
from grantmon.i18n import t
from services.access import Actor
from services.award import has_demo_data
from services.filters import Filters
from services.provenance import data_as_of
from ui.filters import filters_text
from ui.runtime import load

PLOTLY_CONFIG = {"displaylogo": False, "responsive": True}


def chart_context(filters: Filters, actor: Actor, source: str | None = None) -> ChartContext:
    """Active filters and a 'source, data as of' line (with a demo mark when demo data show)."""
    as_of = load(data_as_of, actor)
    line = t(
        "Source: {source}. Data as of {day}.",
        source=source or t("grant monitor records"),
        day=long_date(as_of.date() if as_of else None),
    )
    if load(has_demo_data, actor):
        line += " " + t("DEMO DATA, illustrative only.")
    return ChartContext(filters_text=filters_text(filters, actor), source_text=line)


def show(fig: go.Figure, key: str) -> None:
    """Draw a chart full width."""
    st.plotly_chart(fig, key=key, config=PLOTLY_CONFIG, width="stretch")
