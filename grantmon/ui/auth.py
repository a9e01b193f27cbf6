"""Sign-in with the organisation's OpenID Connect provider (st.login), and who may come in."""

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode, urlsplit

import streamlit as st
from streamlit.logger import get_logger

from grantmon.i18n import t
from grantmon.services.core.access import LOCAL_ACTOR, Actor
from grantmon.services.core.providers import (
    DEFAULT,
    Provider,
    needs_binding,
    provider_refusal,
    providers_in,
)
from grantmon.services.core.sessions import (
    EXPIRED,
    IDLE,
    MISMATCH,
    SIGNED_OUT,
    WITHDRAWN,
    check_sign_in,
    end_sign_in,
    issued_at,
    sign_in_key,
)
from grantmon.services.core.users import actor_for_email, provider_of, unbound_users
from grantmon.ui.runtime import load, write
from grantmon.ui.text import plain
from grantmon.vocabulary import word

LOG = get_logger("grantmon.auth")
UNSAFE_SECRETS = ("change", "placeholder", "example", "secret", "xxx")


def auth_settings() -> Mapping:
    """The [auth] section of the secrets."""
    return st.secrets["auth"]


def providers() -> list[Provider]:
    """The provider set directly under [auth] and every [auth.NAME] section that is one."""
    return providers_in(auth_settings())


def configuration_problem() -> str | None:
    """What is wrong with [auth] in words for whoever deploys, if anything."""
    secret = str(auth_settings().get("cookie_secret", ""))
    if len(secret) < 32 or any(word in secret.lower() for word in UNSAFE_SECRETS):
        return t(
            "Sign-in is configured with a placeholder or short cookie_secret (under 32 "
            "characters). Set a long random value in .streamlit/secrets.toml."
        )
    found = providers()
    if not found:
        return t(
            "[auth] in .streamlit/secrets.toml names no identity provider: give client_id, "
            "client_secret and server_metadata_url under [auth] or under [auth.NAME]."
        )
    for provider in found:
        if "_" in provider.name:
            return t(
                "The provider section [auth.{name}] has an underscore in its name, which "
                "Streamlit does not accept: rename it (for example [auth.{fixed}]).",
                name=provider.name,
                fixed=provider.name.replace("_", ""),
            )
    return binding_problem(found)


def binding_problem(found: list[Provider]) -> str | None:
    """With several providers, one that names no allowed_domains may only sign in the people
    bound to it: serving is refused while anyone with access is bound to none."""
    if not needs_binding(found):
        return None
    unbound = load(unbound_users, LOCAL_ACTOR)
    if not unbound:
        return None
    return t(
        "Several identity providers are configured and {open} names no allowed_domains, so "
        "it could vouch for any address: give each provider allowed_domains, or bind every "
        "person to the provider that may sign them in (grantmon users bind EMAIL --provider "
        "NAME). Not bound yet: {people}.",
        open=", ".join(p.shown_name for p in found if not p.allowed_domains),
        people=", ".join(unbound[:5]) + (" …" if len(unbound) > 5 else ""),
    )


def _redirect_origin() -> str:
    uri = str(auth_settings().get("redirect_uri", ""))
    uri = uri.replace("{port}", str(st.get_option("server.port")))
    parts = urlsplit(uri)
    return f"{parts.scheme}://{parts.netloc}".lower()


def host_mismatch() -> str | None:
    """The address sign-in works at, when the browser opened another one."""
    opened = st.context.url
    if not opened:
        return None
    parts = urlsplit(opened)
    expected = _redirect_origin()
    if f"{parts.scheme}://{parts.netloc}".lower() == expected:
        return None
    query = urlencode(st.query_params.to_dict())
    return expected + parts.path + (f"?{query}" if query else "")


def sign_in_buttons() -> None:
    """One button per provider."""
    for provider in providers():
        label = (
            t("Sign in with {provider}", provider=provider.label)
            if provider.label
            else t("Sign in")
        )
        st.button(
            label,
            on_click=st.login,
            args=provider.login_args,
            type="primary",
            key=f"login-{provider.name}",
        )


def sign_in_screen() -> None:
    """The only thing a visitor sees before signing in."""
    st.title(t("Grant monitor"))
    right_address = host_mismatch()
    if right_address:
        st.warning(
            t(
                "Sign-in only works at the address registered with the identity provider, "
                "{origin}, and this page was opened at another address: signing in from here "
                "would bring you back to this screen. Open the dashboard at its own address.",
                origin=_redirect_origin(),
            ),
            icon=":material/link_off:",
        )
        st.link_button(t("Open {address}", address=right_address), right_address, type="primary")
        return
    st.write(t("Sign in with your organisation's account to see the grant's figures."))
    sign_in_buttons()


def sign_out_button(actor: Actor, key: str) -> None:
    """Sign out in the sidebar: the sign-in ends on the server first, then in the browser."""

    def sign_out() -> None:
        write(end_sign_in, actor, key=key)
        st.logout()

    with st.sidebar:
        st.caption(
            t("Signed in as {email} ({role})", email=plain(actor.email), role=word(actor.role))
        )
        st.button(t("Sign out"), on_click=sign_out, key="sign-out")


def refused_screen(title: str, message: str) -> None:
    """Sign-in refused: say why, show no data, offer to leave and try another account."""
    st.title(title)
    st.error(plain(message), icon=":material/block:")
    st.button(t("Sign out"), on_click=st.logout, key="sign-out-refused")


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


def ended_screen(reason: str) -> None:
    """A sign-in that has ended on the server: sign in again."""
    messages = {
        SIGNED_OUT: t("You signed out."),
        WITHDRAWN: t("An administrator withdrew or changed your access."),
        IDLE: t("Your session ended after a long time without use."),
        EXPIRED: t("Your session reached its maximum length."),
        MISMATCH: t(
            "This sign-in was refused: the address your browser presented is not the one "
            "this sign-in was recorded for. The refusal is in the audit log; sign in again."
        ),
    }
    st.title(t("Please sign in again"))
    st.info(messages.get(reason, messages[EXPIRED]), icon=":material/logout:")
    sign_in_buttons()


def _claim_is_true(value: Any) -> bool:
    return value is True or str(value).strip().lower() == "true"


def identity_problem(user: Mapping[str, Any]) -> str | None:
    """Why this signed-in identity may not come in (unverified address, other domain)."""
    email = str(user.get("email") or "").strip().lower()
    named = str(user.get("provider") or DEFAULT)
    provider = next((p for p in providers() if p.name == named), None)
    if provider is None or not email:
        return t("The identity provider did not say who you are (no e-mail address).")
    if not _claim_is_true(user.get(provider.verified_claim)):
        return t(
            "The identity provider has not verified the e-mail address {email}, so it cannot "
            "be used to sign in here. Verify it with your provider, or use your organisation's "
            "account.",
            email=email,
        )
    domain = email.rpartition("@")[2]
    if provider.allowed_domains and domain not in provider.allowed_domains:
        return t(
            "Addresses at {domain} cannot sign in with this provider (allowed: {allowed}).",
            domain=domain,
            allowed=", ".join(provider.allowed_domains),
        )
    return None


def wrong_provider(email: str, used: str) -> str | None:
    """Why the provider that signed this person in may not, if it may not."""
    found = providers()
    provider = next((p for p in found if p.name == used), None)
    if provider is None:
        return t("The identity provider did not say who you are (no e-mail address).")
    return provider_refusal(email, provider, load(provider_of, LOCAL_ACTOR, email=email), found)


def stop_unless_configured() -> None:
    """A deployer's mistake in [auth] is named on the page instead of a broken button."""
    problem = configuration_problem()
    if problem:
        st.error(problem)
        st.stop()


def signed_in_actor() -> Actor:
    """The signed-in person's actor; stops at the sign-in, refusal or no-access screen."""
    stop_unless_configured()
    user = st.user.to_dict()
    if not user.get("is_logged_in", False):
        sign_in_screen()
        st.stop()
    problem = identity_problem(user)
    if problem:
        LOG.warning("Sign-in refused for %s: %s", user.get("email"), problem)
        refused_screen(t("Sign-in refused"), problem)
        st.stop()
    email = str(user["email"]).strip().lower()
    actor = load(actor_for_email, LOCAL_ACTOR, email=email)
    if actor is None:
        no_access_screen(email)
        st.stop()
    provider = str(user.get("provider") or DEFAULT)
    refusal = wrong_provider(email, provider)
    if refusal:
        LOG.warning("Sign-in refused for %s through %s: not its provider", email, provider)
        refused_screen(t("Sign-in refused"), refusal)
        st.stop()
    key = sign_in_key(user)
    ended = write(check_sign_in, actor, key=key, provider=provider, issued=issued_at(user))
    if ended:
        ended_screen(ended)
        st.stop()
    sign_out_button(actor, key)
    return actor
