"""Entry point: checks the database and serving mode, then shows the role's navigation."""

import streamlit as st

from data_model.db import DatabaseConfigError
from grantmon.i18n import t
from grantmon.ui import banners, language, runtime, session
from grantmon.ui.auth import signed_in_actor
from grantmon.ui.filters import sidebar_filters
from grantmon.ui.navigation import navigation as build_navigation
from grantmon.ui.page import entered_through_dashboard
from grantmon.ui.text import plain

language.start_run()  # first: everything below speaks the person's language
st.set_page_config(page_title=t("Grant monitor"), page_icon=":material/monitoring:", layout="wide")


def stop_unless_database_ready() -> None:
    """Show one clear message and stop when the database is unusable."""
    try:
        ready = runtime.schema_ready()
    except DatabaseConfigError as error:
        st.error(plain(str(error)))
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


stop_if_exposed()
stop_unless_database_ready()
runtime.refresh_data_version()
menu = st.sidebar.container()  # the menu goes above the sign-out or "View as" controls
language.language_switch()
if session.auth_configured():
    actor = signed_in_actor()
    st.session_state[session.ACTOR_KEY] = actor
else:
    banners.local_mode_banner()
    actor = session.choose_local_actor()
language.settle_for(actor, signed_in=session.auth_configured())
navigation = build_navigation(actor, menu)
sidebar_filters(actor)
language.keep_in_url()
with entered_through_dashboard():
    navigation.run()
