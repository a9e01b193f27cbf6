"""Helpers to run the dashboard in Streamlit's AppTest."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

DASHBOARD = str(Path(__file__).resolve().parents[2] / "dashboard.py")


def run_page(page: str | None = None, *, view_as: str | None = None, **query: str) -> AppTest:
    """Run the dashboard as a demo user (email) and switch to a page, e.g. 'pages/budget.py'."""
    app = AppTest.from_file(DASHBOARD, default_timeout=60)
    for key, value in query.items():
        app.query_params[key] = value
    if view_as:
        app.session_state["view_as"] = view_as
    app.run()
    if page:
        app.switch_page(page)
        app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def opened(app: AppTest, key: str, value: object = True) -> AppTest:
    """The same screen after the person opens a folded section or chooses a tab (its key)."""
    app.session_state[key] = value
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def plotly_charts(app: AppTest) -> list:
    """The Plotly charts on the page, as their JSON specs."""
    import json

    return [json.loads(chart.proto.spec) for chart in app.get("plotly_chart")]
