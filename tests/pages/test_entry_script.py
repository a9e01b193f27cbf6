"""A screen file started as the app's entry script (`streamlit run pages/x.py`) hands over.

It runs the dashboard, with its sign-in and checks, instead of drawing anything itself.
"""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

PAGES = sorted((Path(__file__).resolve().parents[2] / "pages").glob("*.py"))


@pytest.mark.parametrize("page", PAGES, ids=[page.stem for page in PAGES])
def test_signed_out_a_screen_started_as_the_entry_script_shows_only_the_sign_in(demo_app, page):
    app = AppTest.from_file(str(page), default_timeout=60)
    app.secrets["auth"] = {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "4f3c2b1a" * 8,
        "client_id": "grantmon",
        "client_secret": "s",
        "server_metadata_url": "http://localhost:1/x",
    }
    app.run()
    assert not app.exception
    assert [button.label for button in app.button] == ["Sign in"]
    assert not app.metric and not app.dataframe and not app.get("plotly_chart")


def test_in_local_mode_a_screen_started_as_the_entry_script_opens_the_dashboard(demo_app):
    app = AppTest.from_file(str(PAGES[0]), default_timeout=60).run()
    assert not app.exception
    assert "Local mode" in app.info[0].value
    assert app.title[0].value == "Overview"  # the dashboard's first screen, at its address
