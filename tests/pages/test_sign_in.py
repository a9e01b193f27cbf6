"""With [auth] configured, nobody sees a figure before signing in with a role."""

import pytest
from streamlit.testing.v1 import AppTest

from tests.pages.apptest import DASHBOARD

GOOD_SECRET = "4f3c2b1a" * 8


def app_with_auth(cookie_secret: str = GOOD_SECRET, user: dict | None = None) -> AppTest:
    app = AppTest.from_file(DASHBOARD, default_timeout=60)
    app.secrets["auth"] = {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": cookie_secret,
        "client_id": "grantmon",
        "client_secret": "s",
        "server_metadata_url": "http://localhost:1/x",
    }
    if user:
        app.user = {"is_logged_in": True, **user}  # type: ignore[attr-defined]
    return app.run()


def test_a_visitor_sees_only_the_sign_in_button(app_database):
    app = app_with_auth()
    assert [button.label for button in app.button] == ["Sign in"]
    assert not app.metric and not app.dataframe


@pytest.mark.parametrize("secret", ["change-me", "short"])
def test_a_placeholder_cookie_secret_is_refused(app_database, secret):
    app = app_with_auth(cookie_secret=secret)
    assert "placeholder or short cookie_secret" in app.error[0].value
    assert not app.button


def test_a_signed_in_email_without_a_role_sees_no_data(app_database):
    app = app_with_auth(user={"email": "stranger@example.net"})
    assert app.title[0].value == "No access yet"
    assert not app.metric and not app.dataframe


def test_a_signed_in_donor_sees_the_overview_and_no_local_mode_banner(app_database):
    app = app_with_auth(user={"email": "donor@example.org"})
    assert not app.exception
    assert "Victims assisted" in [metric.label for metric in app.metric]
    assert not any("Local mode" in info.value for info in app.info)
