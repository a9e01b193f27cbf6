"""Serve the dashboard: `streamlit run grantmon/server/app.py` (what `grantmon run` does).

Streamlit's own server, around dashboard.py, with security headers on every response, the
screen a person opened kept across sign-in, a clear page when the sign-in service cannot be
reached, failures reported under a reference, and the read API at /api/v1. The chart-image
browser starts with the server, so that the first export does not wait for it.
"""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import streamlit as st
from starlette.middleware import Middleware
from starlette.routing import Mount

from grantmon.api.app import api_app
from grantmon.api.gate import Serving
from grantmon.charts.images import image_browser, stop_image_browser
from grantmon.services.publication.iati import activity_schema
from grantmon.services.regions.geography import region_geojson
from grantmon.settings import PROJECT_ROOT
from grantmon.ui.errors import report_failure
from grantmon.ui.session import auth_configured, serving_address
from grantmon.ui.web import ProviderUnreachable, ReturnAfterSignIn, SecurityHeaders


@asynccontextmanager
async def warm_image_browser(_app: st.App) -> AsyncIterator[None]:
    """Start the shared chart-image browser, simplify the region outlines and read the IATI
    schema in the background, so that none waits for the first person who needs it; stop the
    browser with the server."""
    image_browser()  # returns at once: the browser starts on a thread of its own
    outlines = asyncio.create_task(asyncio.to_thread(region_geojson))  # once per process
    schema = asyncio.create_task(asyncio.to_thread(activity_schema))  # the IATI file's check
    yield
    await outlines
    await schema
    await asyncio.to_thread(stop_image_browser)


# The read API answers on the dashboard's port; in local mode on this machine only.
api = api_app(serving=Serving(local_mode=lambda: not auth_configured(), address=serving_address))
app = st.App(
    PROJECT_ROOT / "dashboard.py",
    lifespan=warm_image_browser,
    routes=[Mount("/api/v1", app=api)],
    middleware=[
        Middleware(SecurityHeaders),
        Middleware(ReturnAfterSignIn),
        Middleware(ProviderUnreachable),
    ],
    on_script_error=report_failure,
)
