"""Serve the dashboard: `streamlit run grantmon/server/app.py` (what `grantmon run` does).

Streamlit's own server, around dashboard.py, with security headers on every response, the
screen a person opened kept across sign-in, and failures reported under a reference.
"""

import streamlit as st
from starlette.middleware import Middleware

from grantmon.settings import PROJECT_ROOT
from grantmon.ui.errors import report_failure
from grantmon.ui.web import ReturnAfterSignIn, SecurityHeaders

app = st.App(
    PROJECT_ROOT / "dashboard.py",
    middleware=[Middleware(SecurityHeaders), Middleware(ReturnAfterSignIn)],
    on_script_error=report_failure,
)
