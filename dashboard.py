"""Entry point: checks the database and serving mode, then shows the role's navigation."""

from typing import Any

import streamlit as st

from data_model import Role
from data_model.db import DatabaseConfigError, has_schema
from grantmon.i18n import t
from services.access import Actor
from ui import banners, runtime, session
from ui.filters import sidebar_filters
from ui.page import entered_through_dashboard

st.set_page_config(page_title=t("Grant monitor"), page_icon=":material/monitoring:", layout="wide")


def stop_unless_database_ready() -> None:
    """Show one clear message and stop when the database is unusable."""
    try:
        ready = has_schema(runtime.engine())
    except DatabaseConfigError as error:
        st.error(str(error))
        st.stop()
    if not ready:
        st.error(
            t("The database has no tables yet. Run `grantmon db upgrade` and `grantmon seed`.")
        )
        st.stop()


def stop_if_exposed() -> None:
    """Refuse to serve without sign-in beyond the loopback address."""
    if session.local_mode_is_exposed():
        st.error(
            t(
                "Refusing to serve without sign-in on {address}: configure [auth] in "
                ".streamlit/secrets.toml or serve on 127.0.0.1.",
                address=session.serving_address(),
            )
        )
        st.stop()


def screen(name: str, title: str, icon: str, *, default: bool = False) -> Any:
    """A page from pages/NAME.py, served at /NAME."""
    return st.Page(
        f"pages/{name}.py", title=title, icon=f":material/{icon}:", default=default, url_path=name
    )


def pages_for(actor: Actor) -> dict[str, list[Any]]:
    """The navigation this person's role allows."""
    sections = {
        t("Monitor"): [
            screen("overview", t("Overview"), "dashboard", default=True),
            screen("milestones", t("Activities and milestones"), "event_available"),
            screen("regions", t("Regions and centres"), "map"),
            screen("reintegration", t("Reintegration outcomes"), "diversity_3"),
            screen("results", t("Results framework"), "table_chart"),
            screen("budget", t("Budget"), "payments"),
        ]
    }
    if actor.enters_data:
        sections[t("Data entry")] = [screen("update_milestones", t("Update milestones"), "edit")]
    if actor.role == Role.ADMIN:
        sections[t("Administration")] = [screen("audit_log", t("Audit log"), "history")]
    return sections


stop_if_exposed()
stop_unless_database_ready()
if session.auth_configured():
    actor = session.current_actor()
else:
    banners.local_mode_banner()
    actor = session.choose_local_actor()
sections = pages_for(actor)
navigation = st.navigation(sections)
sidebar_filters(actor)
with entered_through_dashboard():
    navigation.run()
