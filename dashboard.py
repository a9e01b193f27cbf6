"""Entry point: checks the database and serving mode, then shows the role's navigation."""

import streamlit as st

from data_model.db import DatabaseConfigError, has_schema
from grantmon.i18n import t
from ui import banners, runtime, session
from ui.filters import sidebar_filters
from ui.page import entered_through_dashboard, resume_deep_link

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


PAGES = [
    st.Page(
        "pages/overview.py",
        title=t("Overview"),
        icon=":material/dashboard:",
        default=True,
        url_path="overview",
    ),
    st.Page(
        "pages/milestones.py",
        title=t("Activities and milestones"),
        icon=":material/event_available:",
        url_path="milestones",
    ),
    st.Page(
        "pages/regions.py",
        title=t("Regions and centres"),
        icon=":material/map:",
        url_path="regions",
    ),
    st.Page(
        "pages/reintegration.py",
        title=t("Reintegration outcomes"),
        icon=":material/diversity_3:",
        url_path="reintegration",
    ),
    st.Page(
        "pages/results.py",
        title=t("Results framework"),
        icon=":material/table_chart:",
        url_path="results",
    ),
    st.Page("pages/budget.py", title=t("Budget"), icon=":material/payments:", url_path="budget"),
]

stop_if_exposed()
stop_unless_database_ready()
navigation = st.navigation(PAGES)
resume_deep_link(PAGES)
if not session.auth_configured():
    banners.local_mode_banner()
    actor = session.choose_local_actor()
else:
    actor = session.current_actor()
sidebar_filters(actor)
with entered_through_dashboard():
    navigation.run()
