"""What every page does first: enter through the dashboard, then title, actor and filters."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st

from services.access import Actor
from services.award import has_demo_data
from services.filters import Filters
from ui import banners
from ui.filters import current_filters
from ui.runtime import load
from ui.session import current_actor

_ENTERED: ContextVar[bool] = ContextVar("grantmon_entered", default=False)
RETURN_TO = "page"


def resume_deep_link(pages: list[Any]) -> None:
    """Open the page a deep link asked for once the dashboard's checks have run."""
    wanted = st.query_params.get(RETURN_TO)
    if wanted is None:
        return
    del st.query_params[RETURN_TO]
    for page in pages:
        if page.url_path == wanted:
            st.switch_page(page, query_params=st.query_params.to_dict())


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
    # Streamlit serves files under pages/ by URL before the navigation exists (first request
    # after a start); such a run skipped the dashboard's checks, so send it through them.
    if not _ENTERED.get():
        params = {**st.query_params.to_dict(), RETURN_TO: Path(script).stem}
        st.switch_page("dashboard.py", query_params=params)
    actor = current_actor()
    if load(has_demo_data, actor):
        banners.demo_banner()
    st.title(title)
    if intro:
        st.caption(intro)
    return PageContext(actor=actor, filters=current_filters())
