"""The acting person and the serving mode of this browser session."""

import streamlit as st

from grantmon.settings import LOOPBACK_HOSTS
from services.access import LOCAL_ACTOR, Actor


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


def current_actor() -> Actor:
    """The person using this session (local mode: the local administrator)."""
    return LOCAL_ACTOR
