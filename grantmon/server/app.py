"""Serve the dashboard: `streamlit run grantmon/server/app.py` (what `grantmon run` does).

Streamlit's own server, around dashboard.py, with security headers on every response, the
screen a person opened kept across sign-in, and failures reported under a reference. The
chart-image browser starts with the server, so that the first export does not wait for it.
"""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import streamlit as st
from starlette.middleware import Middleware

from grantmon.charts.images import image_browser, stop_image_browser
from grantmon.services.regions.geography import region_geojson
from grantmon.settings import PROJECT_ROOT
from grantmon.ui.errors import report_failure
from grantmon.ui.web import ReturnAfterSignIn, SecurityHeaders


@asynccontextmanager
async def warm_image_browser(_app: st.App) -> AsyncIterator[None]:
    """Start the shared chart-image browser and simplify the region outlines in the
    background, so that neither waits for the first person who needs them; stop the browser
    with the server."""
    image_browser()  # returns at once: the browser starts on a thread of its own
    outlines = asyncio.create_task(asyncio.to_thread(region_geojson))  # once per process
    yield
    await outlines
    await asyncio.to_thread(stop_image_browser)


app = st.App(
    PROJECT_ROOT / "dashboard.py",
    lifespan=warm_image_browser,
    middleware=[Middleware(SecurityHeaders), Middleware(ReturnAfterSignIn)],
    on_script_error=report_failure,
)
