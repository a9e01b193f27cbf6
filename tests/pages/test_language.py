"""Each person chooses the language: the sidebar switch, a lang= link, their record, the default."""

import json

from sqlmodel import Session, select

from data_model import AuditEntry, User
from grantmon.i18n import use_language
from tests.conftest import forget_app_caches
from tests.pages.apptest import plotly_charts, run_page
from tests.pages.test_sign_in import claims, dashboard


def app_with_auth(user: dict | None = None):
    """The dashboard with sign-in configured, signed in as `user` (a new sign-in) or signed out."""
    return dashboard(user=claims(user["email"]) if user else None)


def switch(app, language: str):
    """Choose a language in the sidebar switch, as a person clicks it."""
    switch = next(g for g in app.button_group if g.key == "language_switch")
    with use_language(switch.value):  # the click is sent from the screen as it was shown
        return switch.set_value(language).run()


def chart_titles(app) -> list[str]:
    return [chart["layout"]["title"]["text"].split("<br>")[0] for chart in plotly_charts(app)]


def test_the_sidebar_switch_turns_every_screen_french_at_once_and_back(app_database):
    app = run_page()
    assert app.title[0].value == "Overview"
    app = switch(app, "fr")
    assert app.title[0].value == "Vue d'ensemble"
    assert app.query_params["lang"] == "fr"  # a shared link keeps the language
    assert "Alertes" in [h.value for h in app.subheader]
    assert chart_titles(app) == ["Dépenses face au temps écoulé, et résultats"]
    with use_language("fr"):
        app.switch_page("pages/budget.py").run()  # the next screen follows
    assert app.title[0].value == "Budget" and "Lignes budgétaires hors plan" in [
        h.value for h in app.subheader
    ]
    app = switch(app, "en")
    assert "Budget lines off plan" in [h.value for h in app.subheader]


def test_a_lang_link_opens_in_its_language_and_a_bad_one_says_so(app_database):
    with use_language("fr"):
        app = run_page("pages/results.py", lang="fr")
    assert app.title[0].value == "Cadre de résultats"
    app = run_page(lang="xx")
    assert app.title[0].value == "Overview"
    assert any("Unknown language in the link" in w.value for w in app.warning)
    assert app.query_params["lang"] == "en"


def test_french_and_english_sessions_at_once_each_get_their_own_charts(app_database):
    # Loads, kept tables and drawn figures are shared by sessions: keyed by language too.
    english = run_page()
    with use_language("fr"):
        french = run_page(lang="fr")
    again = run_page()
    assert chart_titles(english) == chart_titles(again) == ["Spending against time, and results"]
    assert chart_titles(french) == ["Dépenses face au temps écoulé, et résultats"]
    assert "T3 2026" in json.dumps(plotly_charts(french)[0]["data"][0]["x"])


def test_the_installation_language_is_the_default_for_a_new_visitor(app_database, monkeypatch):
    monkeypatch.setenv("GRANTMON_LOCALE", "fr")
    forget_app_caches()
    with use_language("fr"):
        app = run_page()
    assert app.title[0].value == "Vue d'ensemble"


def language_of(engine, email: str) -> str | None:
    with Session(engine) as session:
        return session.exec(select(User.language).where(User.email == email)).one()


def test_a_signed_in_person_finds_their_language_again_next_time(app_database):
    donor = {"email": "donor@example.org"}
    app = app_with_auth(user=donor)
    assert app.title[0].value == "Overview"
    switch(app, "fr")
    assert language_of(app_database, "donor@example.org") == "fr"
    with Session(app_database) as session:
        audit = session.exec(select(AuditEntry).where(AuditEntry.action == "language")).one()
    assert (audit.actor, json.loads(audit.after or "{}")) == (
        "donor@example.org",
        {"language": "fr"},
    )
    with use_language("fr"):
        later = app_with_auth(user=donor)  # a new session, no lang in the link
    assert later.title[0].value == "Vue d'ensemble"
    assert later.query_params["lang"] == "fr"


def test_someone_elses_choice_is_not_yours(app_database):
    switch(app_with_auth(user={"email": "donor@example.org"}), "fr")
    viewer = app_with_auth(user={"email": "viewer@example.org"})
    assert viewer.title[0].value == "Overview"
    assert language_of(app_database, "viewer@example.org") is None


def test_local_mode_keeps_the_choice_for_the_session_only(app_database):
    switch(run_page(view_as="donor@example.org"), "fr")
    assert language_of(app_database, "donor@example.org") is None
    assert run_page(view_as="donor@example.org").title[0].value == "Overview"


def in_french_with_auth(user: dict | None):
    """The dashboard with sign-in configured, opened by a lang=fr link."""
    with use_language("fr"):
        app = app_with_auth(user=user)
        app.query_params["lang"] = "fr"
        return app.run()


def test_the_sign_in_screen_speaks_french(app_database):
    app = in_french_with_auth(None)
    assert [button.label for button in app.button] == ["Se connecter"]
    assert "Connectez-vous" in app.markdown[0].value


def test_the_no_access_screen_speaks_french(app_database):
    app = in_french_with_auth({"email": "stranger@example.net"})
    assert app.title[0].value == "Pas encore d'accès"
    assert "aucun rôle" in app.info[0].value
