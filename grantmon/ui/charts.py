"""Showing a chart on screen, with the context line every chart carries."""

import hashlib
import json
from collections.abc import Callable
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from grantmon.charts.export import FORMATS, figure_bytes, file_name
from grantmon.charts.style import ChartContext, plotly_locale
from grantmon.formatting import long_date
from grantmon.i18n import current_language, in_current_language, t
from grantmon.services.core.access import Actor
from grantmon.services.core.award import has_demo_data
from grantmon.services.core.filters import Filters
from grantmon.services.core.kept import forget_also
from grantmon.services.core.provenance import data_as_of
from grantmon.ui.filters import filters_text
from grantmon.ui.folds import menu
from grantmon.ui.runtime import keyed_cache, load, origin_of

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


@keyed_cache(300)
def _built_figure(key: str, chart: Callable[..., go.Figure], args: tuple, kwargs: dict) -> Any:
    return _frozen(chart(*args, **kwargs))


def _frozen(fig: go.Figure) -> go.Figure:
    """The figure, with its plain form made once: Streamlit asks for it on every rerun."""
    # to_dict deep-copies every trace (tens of ms for a large chart), and its dates and numpy
    # values send the JSON encoder down a slow path. A finished figure never changes, so its
    # plain JSON form, made now, serves every rerun and session that shows it.
    plain = json.loads(fig.to_json())
    object.__setattr__(fig, "to_dict", lambda: plain)
    return fig


def _identity(value: Any) -> str:
    """What tells this input apart: the load it came from, else its content."""
    if not isinstance(value, pd.DataFrame):
        return repr(value)  # plain values (text, numbers, dates, dicts, ChartContext)
    origin = origin_of(value)
    if origin is not None:
        return origin
    rows = pd.util.hash_pandas_object(value, index=True).to_numpy().tobytes()
    return hashlib.sha256(rows + repr(list(value.columns)).encode()).hexdigest()


def figure_of(chart: Callable[..., go.Figure], *args: Any, **kwargs: Any) -> go.Figure:
    """The chart drawn from these arguments; the same figure again while they do not change."""
    # Building a Plotly figure costs more than a cached rerun may take. The cache is keyed by
    # the chart's own inputs (its data, context and options), so a figure is shared only by
    # sessions that would draw the very same chart, and nothing mutates a finished figure.
    # A table straight from a load is known by that load's key, far cheaper than its rows.
    # The language is part of the key: a chart's titles, legend and figures are in words.
    name = f"{chart.__module__}.{chart.__qualname__}"
    inputs = [_identity(a) for a in args]
    inputs += [f"{k}={_identity(v)}" for k, v in sorted(kwargs.items())]
    key = repr((name, current_language(), inputs))
    return _built_figure(key, chart, args, kwargs)  # type: ignore[no-any-return]


def forget_figures() -> None:
    """Drop the drawn figures (benchmarks measure a cold start with it)."""
    _built_figure.cache_clear()


forget_also(forget_figures)


def show(fig: go.Figure, key: str) -> None:
    """Draw a chart full width, with its downloads (PNG, SVG, PDF, HTML) under it."""
    config = PLOTLY_CONFIG | plotly_locale()  # plotly.js's own toolbar and dates, translated
    st.plotly_chart(fig, key=key, config=config, width="stretch")
    downloads(fig, key)


def _title_stem(fig: go.Figure, key: str) -> str:
    title = fig.layout.title.text or ""
    return title.split("<br>")[0][:80] or key


def _maker(fig: go.Figure, fmt: str) -> Callable[[], bytes]:
    # Bytes are made only when the button is clicked: drawing four files for every chart on
    # every rerun would slow each screen by seconds.
    return in_current_language(lambda: figure_bytes(fig, fmt))


def downloads(fig: go.Figure, key: str) -> None:
    """A compact 'Download' menu: slide-size PNG, SVG, PDF, and offline interactive HTML."""
    opened = menu(t("Download"), key=f"{key}-downloads", icon=":material/download:")
    if opened is None:
        return
    stem = _title_stem(fig, key)
    with opened:
        for fmt, kind in FORMATS.items():
            st.download_button(
                t("{kind} file", kind=kind.label),
                data=_maker(fig, fmt),
                file_name=file_name(stem, fmt),
                mime=kind.mime,
                key=f"{key}-download-{fmt}",
                on_click="ignore",
                width="stretch",
            )
        st.caption(t("PNG is 1920 × 1080 (16:9). HTML works offline."))
