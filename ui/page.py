"""What every page does first: enter through the dashboard, then title, actor and filters."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import CodeType

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


@cache
def _dashboard_code(_modified: int) -> CodeType:
    """The dashboard script compiled once per version of the file, as Streamlit does its own."""
    return compile(DASHBOARD.read_text(encoding="utf-8"), str(DASHBOARD), "exec")


def start_page(script: str, title: str, intro: str = "") -> PageContext:
    """Guard, demo banner, title; `script` is the page's __file__ (its stem is its URL path)."""
    # Streamlit runs a file under pages/ directly when its URL is asked for before the
    # navigation exists (a new session's first request, every AppTest run). Such a run skipped
    # the dashboard's checks: run the dashboard here instead, which then draws this page.
    if not _ENTERED.get():
        namespace = {"__name__": "__main__", "__file__": str(DASHBOARD)}
        exec(_dashboard_code(DASHBOARD.stat().st_mtime_ns), namespace)
        st.stop()
    actor = current_actor()
    if load(has_demo_data, actor):
        banners.demo_banner()
    st.title(title)
    if intro:
        st.caption(intro)
    return PageContext(actor=actor, filters=current_filters())
