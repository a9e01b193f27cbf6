"""The acting person and the serving mode of this browser session."""

import streamlit as st

from grantmon.i18n import t
from grantmon.services.core.access import LOCAL_ACTOR, Actor
from grantmon.services.core.users import active_users, actor_from_row
from grantmon.settings import bound_address, is_loopback
from grantmon.ui.runtime import carry_choices, kept, load
from grantmon.vocabulary import word

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
    """The address the server really listens on (Streamlit binds every one when unset)."""
    return bound_address(st.get_option("server.address"))


def local_mode_is_exposed() -> bool:
    """Local mode (no sign-in) must never listen beyond this machine."""
    return not auth_configured() and not is_loopback(serving_address())


def viewers(*, actor: Actor) -> dict[str, tuple[str, Actor]]:
    """Who local mode may view the dashboard as: a label and an actor by email."""
    users = load(active_users, actor)
    choices = {LOCAL: (t("Local administrator"), LOCAL_ACTOR)}
    for _, user in users.iterrows():
        label = f"{user['display_name'] or user['email']} ({word(user['role'])})"
        choices[str(user["email"])] = (label, actor_from_row(user))
    return choices


def choose_local_actor() -> Actor:
    """Local mode only: let the user view the dashboard as any role, from the users table."""
    choices = kept(viewers, LOCAL_ACTOR)
    carry_choices(VIEW_AS_KEY)
    choice = st.sidebar.selectbox(
        t("View as (local mode)"),
        list(choices),
        key=VIEW_AS_KEY,
        format_func=lambda email: choices[email][0],
    )
    actor = choices[choice][1] if choice in choices else LOCAL_ACTOR
    st.session_state[ACTOR_KEY] = actor
    return actor


def current_actor() -> Actor:
    """The person using this session, as chosen by the entry script."""
    actor = st.session_state.get(ACTOR_KEY, LOCAL_ACTOR)
    assert isinstance(actor, Actor)
    return actor
