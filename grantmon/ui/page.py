"""What every page does first: enter through the dashboard, then title, actor and filters."""

import runpy
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

import streamlit as st

from grantmon.services.core.access import Actor
from grantmon.services.core.award import has_demo_data
from grantmon.services.core.filters import Filters
from grantmon.settings import PROJECT_ROOT
from grantmon.ui import banners
from grantmon.ui.filters import current_filters
from grantmon.ui.runtime import load, pending_notices
from grantmon.ui.session import current_actor
from grantmon.ui.text import plain

_ENTERED: ContextVar[bool] = ContextVar("grantmon_entered", default=False)
DASHBOARD = PROJECT_ROOT / "dashboard.py"


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
    # Streamlit runs a file under pages/ directly when its URL is the first request after the
    # server starts (its folder navigation, until our st.navigation turns it off for the
    # process), and `streamlit run pages/x.py` does too: such a run has passed none of the
    # dashboard's checks, so it runs the dashboard instead, whose navigation then draws the
    # screen the address names (this one on a first request).
    if not _ENTERED.get():
        runpy.run_path(str(DASHBOARD), run_name="__main__")
        st.stop()
    actor = current_actor()
    if load(has_demo_data, actor):
        banners.demo_banner()
    st.title(title)
    if intro:
        st.caption(intro)
    for notice in pending_notices():
        st.warning(plain(notice), icon=":material/undo:")
    return PageContext(actor=actor, filters=current_filters())
