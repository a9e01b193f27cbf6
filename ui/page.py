"""What every page does first: enter through the dashboard, then title, actor and filters."""

import runpy
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from services.access import Actor
from services.award import has_demo_data
from services.filters import Filters
from ui import banners
from ui.filters import current_filters
from ui.runtime import load
from ui.session import current_actor

_ENTERED: ContextVar[bool] = ContextVar("grantmon_entered", default=False)
DASHBOARD = Path(__file__).resolve().parent.parent / "dashboard.py"


@contextmanager
def entered_through_dashboard() -> Iterator[None]:
    """Mark this script run as having passed the dashboard's checks."""
    token = _ENTERED.set(True)
    try:
        yield
    finally:
        _ENTERED.reset(token)


@dataclass(frozen=True)
class PageContext:
    """The acting person and the sidebar filters of this run."""

    actor: Actor
    filters: Filters


def start_page(script: str, title: str, intro: str = "") -> PageContext:
    """Guard, demo banner, title; `script` is the page's __file__ (its stem is its URL path)."""
    # A screen file run on its own (`streamlit run screens/x.py`) would skip the dashboard's
    # checks: run the dashboard instead, which then draws this screen through its navigation.
    # (Screens live outside a pages/ folder so that Streamlit never serves one directly.)
    if not _ENTERED.get():
        runpy.run_path(str(DASHBOARD), run_name="__main__")
        st.stop()
    actor = current_actor()
    if load(has_demo_data, actor):
        banners.demo_banner()
    st.title(title)
    if intro:
        st.caption(intro)
    return PageContext(actor=actor, filters=current_filters())
