"""Helpers to run the dashboard in Streamlit's AppTest."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

DASHBOARD = str(Path(__file__).resolve().parents[2] / "dashboard.py")


def run_page(page: str | None = None, **query: str) -> AppTest:
    """Run the dashboard, then switch to a page (e.g. 'pages/milestones.py')."""
    app = AppTest.from_file(DASHBOARD, default_timeout=60)
    for key, value in query.items():
        app.query_params[key] = value
    app.run()
    if page:
        app.switch_page(page)
        app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app
