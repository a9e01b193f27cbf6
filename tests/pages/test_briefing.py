"""The Briefing page: builds a pack with the user's role, offers PDF, PowerPoint, Excel, CSV."""

import pandas as pd
from pandas.api.types import is_float_dtype

from tests.pages.apptest import run_page


def download_labels(app) -> list[str]:
    return [button.proto.label for button in app.get("download_button")]


def test_donor_builds_a_pack_and_gets_the_files(app_database):
    app = run_page("pages/briefing.py", view_as="donor@example.org")
    assert app.title[0].value == "Briefing pack and exports"
    assert "Download Excel (.xlsx)" in download_labels(app)
    picker = app.multiselect(key="bp_charts")
    picker.set_value([picker.value[0]])  # one chart keeps the test quick
    app.button(key="bp_build").click()
    app.run(timeout=120)
    assert not app.exception, [e.value for e in app.exception]
    assert "Pack ready: 1 charts." in [s.value for s in app.success]
    labels = download_labels(app)
    assert "Download PDF" in labels and "Download PowerPoint" in labels


def test_iptt_preview_marks_unapproved_figures_for_staff_only(app_database):
    app = run_page("pages/briefing.py", view_as="donor@example.org")
    donor = app.dataframe[0].value
    assert "Actual to date" in donor.columns
    assert not donor["Notes"].str.contains("not yet approved").any()
    viewer = run_page("pages/briefing.py", view_as="viewer@example.org")
    assert viewer.dataframe[0].value["Notes"].str.contains("not yet approved").any()


def test_a_staff_pack_is_said_to_be_internal_before_it_is_built(app_database):
    donor = run_page("pages/briefing.py", view_as="donor@example.org")
    assert not any("INTERNAL" in w.value for w in donor.warning)  # the demo banner only
    assert donor.text_input(key="bp_for-donor").value == "U.S. Embassy Rabat and J/TIP"
    viewer = run_page("pages/briefing.py", view_as="viewer@example.org")
    assert any("INTERNAL, NOT FOR THE DONOR" in w.value for w in viewer.warning)
    assert viewer.text_input(key="bp_for-staff").value == "IOM staff (internal)"


def test_viewing_as_another_role_brings_that_roles_audience(app_database):
    app = run_page("pages/briefing.py", view_as="viewer@example.org")
    assert [i.value for i in app.text_input if i.label == "Prepared for"] == [
        "IOM staff (internal)"
    ]
    app.session_state["view_as"] = "donor@example.org"
    app.run()
    shown = [i.value for i in app.text_input if i.label == "Prepared for"]
    assert shown == ["U.S. Embassy Rabat and J/TIP"]


def test_iptt_preview_keeps_figures_numeric_and_a_suppressed_one_empty(app_database):
    # 2.2.a: 2 plans completed in 2024Q1, a count a donor sees suppressed.
    app = run_page("pages/briefing.py", view_as="donor@example.org", **{"from": "2024Q1"})
    preview = app.dataframe[0].value
    for column in ("Actual to date", "Target to date", "% achieved"):
        assert is_float_dtype(preview[column]), column
    plans = preview[preview["Indicator"].str.startswith("2.2.a")].iloc[0]
    assert pd.isna(plans["Actual to date"]) and pd.isna(plans["% achieved"])
    assert plans["Notes"] == "■ suppressed"
    caption = " ".join(c.value for c in app.caption)
    assert "the downloads hold every column" in caption
