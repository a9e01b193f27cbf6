"""The acting person and the serving mode of this browser session."""

import streamlit as st

from grantmon.i18n import t
from grantmon.settings import LOOPBACK_HOSTS
from services.access import LOCAL_ACTOR, Actor
from services.users import active_users, actor_from_row
from ui.runtime import load

ACTOR_KEY = "grantmon_actor"
VIEW_AS_KEY = "view_as"
LOCAL = "local"


def auth_configured() -> bool:
    """Whether an [auth] section for sign-in exists in the secrets."""
    try:
        return "auth" in st.secrets
    except FileNotFoundError:
        return False


def serving_address() -> str:
    """The address the server listens on."""
    return str(st.get_option("server.address") or "127.0.0.1")


def local_mode_is_exposed() -> bool:
    """Local mode (no sign-in) must never listen beyond this machine."""
    return not auth_configured() and serving_address() not in LOOPBACK_HOSTS


def choose_local_actor() -> Actor:
    """Local mode only: let the user view the dashboard as any role, from the users table."""
    users = load(active_users, LOCAL_ACTOR)
    labels = {LOCAL: t("Local administrator")}
    for email, name, role in zip(users["email"], users["display_name"], users["role"], strict=True):
        labels[str(email)] = f"{name or email} ({role})"
    choice = st.sidebar.selectbox(
        t("View as (local mode)"), list(labels), key=VIEW_AS_KEY, format_func=labels.__getitem__
    )
    matching = users[users["email"] == choice]
    actor = LOCAL_ACTOR if matching.empty else actor_from_row(matching.iloc[0])
    st.session_state[ACTOR_KEY] = actor
    return actor


def current_actor() -> Actor:
    """The person using this session, as chosen by the entry script."""
    actor = st.session_state.get(ACTOR_KEY, LOCAL_ACTOR)
    assert isinstance(actor, Actor)
    return actor
