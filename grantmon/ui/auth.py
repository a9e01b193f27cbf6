"""Sign-in with the organisation's OpenID Connect provider (st.login), and who may come in."""

from collections.abc import Mapping

import streamlit as st

from grantmon.i18n import t
from grantmon.services.core.access import LOCAL_ACTOR, Actor
from grantmon.services.core.users import actor_for_email, record_session_event
from grantmon.ui.runtime import load, write
from grantmon.vocabulary import word

SIGNED_IN_KEY = "grantmon_sign_in_recorded"
UNSAFE_SECRETS = ("change", "placeholder", "example", "secret", "xxx")


def auth_settings() -> Mapping:
    """The [auth] section of the secrets."""
    return st.secrets["auth"]


def providers() -> list[str | None]:
    """Named providers ([auth.NAME] sections), or the one unnamed provider."""
    named = [name for name, value in auth_settings().items() if isinstance(value, Mapping)]
    return list(named) or [None]


def cookie_secret_problem() -> str | None:
    """Why the cookie secret is unsafe, if it is (short, or a placeholder)."""
    secret = str(auth_settings().get("cookie_secret", ""))
    if len(secret) < 32 or any(word in secret.lower() for word in UNSAFE_SECRETS):
        return t(
            "Sign-in is configured with a placeholder or short cookie_secret (under 32 "
            "characters). Set a long random value in .streamlit/secrets.toml."
        )
    return None


def sign_in_screen() -> None:
    """The only thing a visitor sees before signing in."""
    st.title(t("Grant monitor"))
    st.write(t("Sign in with your organisation's account to see the grant's figures."))
    for provider in providers():
        label = t("Sign in with {provider}", provider=provider) if provider else t("Sign in")
        args = (provider,) if provider else ()
        st.button(label, on_click=st.login, args=args, type="primary", key=f"login-{provider}")


def sign_out_button(actor: Actor) -> None:
    """Sign out in the sidebar; the event goes to the audit log first."""

    def sign_out() -> None:
        write(record_session_event, actor, action="sign-out")
        st.logout()

    with st.sidebar:
        st.caption(t("Signed in as {email} ({role})", email=actor.email, role=word(actor.role)))
        st.button(t("Sign out"), on_click=sign_out, key="sign-out")


def no_access_screen(email: str) -> None:
    """A signed-in person with no role sees this and no data at all."""
    st.title(t("No access yet"))
    st.info(
        t(
            "You are signed in as {email}, but no role has been given to this address. "
            "Ask an administrator of the grant monitor to add you.",
            email=email,
        )
    )
    st.button(t("Sign out"), on_click=st.logout, key="sign-out-no-access")


def signed_in_actor() -> Actor:
    """The signed-in person's actor; stops at the sign-in or no-access screen otherwise."""
    problem = cookie_secret_problem()
    if problem:
        st.error(problem)
        st.stop()
    if not st.user.get("is_logged_in", False):
        sign_in_screen()
        st.stop()
    email = str(st.user.get("email") or "")
    actor = load(actor_for_email, LOCAL_ACTOR, email=email)
    if actor is None:
        no_access_screen(email)
        st.stop()
    if not st.session_state.get(SIGNED_IN_KEY):
        write(record_session_event, actor, action="sign-in")
        st.session_state[SIGNED_IN_KEY] = True
    sign_out_button(actor)
    return actor
