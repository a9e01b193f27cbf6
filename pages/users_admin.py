"""Users: who may sign in, with which role and scope (administrators)."""

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st
from pydantic import ValidationError

from data_model import Role
from grantmon.i18n import t
from grantmon.services.core.commands import CommandError
from grantmon.services.core.filters import filter_options
from grantmon.services.core.tokens import api_tokens, issue_token, parse_lifetime, revoke_token
from grantmon.services.core.users import UserCreate, active_users, add_user, remove_user
from grantmon.ui.auth import providers
from grantmon.ui.page import start_page
from grantmon.ui.runtime import load, write
from grantmon.ui.session import auth_configured
from grantmon.ui.tables import show_table
from grantmon.ui.text import plain
from grantmon.vocabulary import word

NOBODY = "—"
ALL_PARTNERS = "*"
ALL_REGIONS = ""  # no region limit: the manager's partner decides alone
# A new person gets the least they may need: a viewer reads without changing anything.
LEAST_ROLE = Role.VIEWER
ROLES = [r.value for r in Role]
page = start_page(
    __file__, t("Users"), t("Who may sign in, and what their role lets them see and change.")
)
users = load(active_users, page.actor)
regions = load(filter_options, page.actor).regions  # ISO code -> name, as the sidebar lists them
show_table(
    pd.DataFrame(
        {
            t("Email"): users["email"],
            t("Role"): users["role"].map(word),
            t("Partner"): [
                p if isinstance(p, str) else t("All partners") if r == Role.MANAGER else NOBODY
                for p, r in zip(users["partner"], users["role"], strict=True)
            ],
            t("Region"): users["region_code"].map(regions).fillna(NOBODY),
        }
    ),
    hide_index=True,
    width="stretch",
)


def run(command: Callable[..., Any], success: str, **params: Any) -> Any:
    """Run a users command; show the refusal in plain words, or the success after a rerun."""
    try:
        done = write(command, page.actor, **params)
    except CommandError as error:
        st.error(plain(error.message))
        return None
    st.session_state["users_done"] = success
    if command is issue_token:  # shown once, on the next run, then forgotten
        st.session_state["token_issued"] = done.token
    st.rerun()


configured = [p.name for p in providers()] if auth_configured() else []


if "users_done" in st.session_state:
    st.success(st.session_state.pop("users_done"))

with st.form("add-user", clear_on_submit=True):
    st.subheader(t("Give access"))
    email = st.text_input(t("Email"))
    role = st.selectbox(t("Role"), ROLES, index=ROLES.index(LEAST_ROLE), format_func=word)
    partner = st.selectbox(
        t("Partner (programme managers)"),
        [NOBODY, "IOM", "UNODC", "ILO", ALL_PARTNERS],
        format_func=lambda p: t("All partners") if p == ALL_PARTNERS else p,
    )
    region = st.selectbox(
        t("Region (programme managers)"),
        [ALL_REGIONS, *regions],
        format_func=lambda c: f"{regions[c]} ({c})" if c else t("All regions"),
    )
    provider = st.selectbox(t("Signs in through"), configured) if len(configured) > 1 else None
    if st.form_submit_button(t("Give access"), type="primary"):
        try:
            request = UserCreate(
                email=email,
                role=role,
                partner=None if partner in (NOBODY, ALL_PARTNERS) else partner,
                region=region or None,
                all_partners=partner == ALL_PARTNERS,
                provider=provider,
            )
        except ValidationError as error:
            st.error(plain(str(error.errors()[0]["msg"]).removeprefix("Value error, ")))
        else:
            done = t("{email} can now sign in.", email=plain(request.email))
            run(add_user, done, user=request, providers=configured)

with st.form("remove-user"):
    st.subheader(t("Withdraw access"))
    # Nobody is chosen at first, so one careless click cannot withdraw anyone's access.
    leaving = st.selectbox(
        t("Email"), list(users["email"]), index=None, placeholder=t("Choose a person")
    )
    if st.form_submit_button(t("Withdraw access")):
        if leaving is None:
            st.error(t("Choose the person whose access to withdraw."))
        else:
            done = t(
                "{email} can no longer sign in; their open sessions have ended.", email=leaving
            )
            run(remove_user, done, email=leaving)

st.subheader(t("API tokens"))
st.caption(
    t(
        "A token lets a program read /api/v1 as its person, with their role and scope: a "
        "donor's token reads what the donor's screens show. It is shown once; withdrawing a "
        "person's access revokes their tokens."
    )
)
if "token_issued" in st.session_state:
    st.warning(t("Copy the token now: it will not be shown again."), icon=":material/key:")
    st.code(st.session_state.pop("token_issued"), language=None)
tokens = load(api_tokens, page.actor)
show_table(
    pd.DataFrame(
        {
            t("ID"): tokens["id"],
            t("Email"): tokens["email"],
            t("State"): tokens["state"].map(word),
            t("Expires"): pd.to_datetime(tokens["expires_at"]).dt.date,
            t("Last used"): pd.to_datetime(tokens["last_used_at"])
            .dt.date.astype(object)
            .fillna(NOBODY),
            t("Label"): tokens["label"],
        }
    ),
    hide_index=True,
    width="stretch",
)

with st.form("issue-token", clear_on_submit=True):
    st.subheader(t("Issue a token"))
    holder = st.selectbox(t("Email"), list(users["email"]), key="token-email")
    lifetime = st.text_input(t("Valid for (e.g. 90d, 12h, 2w)"), value="90d")
    label = st.text_input(t("What it is for (optional)"))
    if st.form_submit_button(t("Issue a token"), type="primary"):
        try:
            valid_for = parse_lifetime(lifetime)
        except ValueError as error:
            st.error(plain(str(error)))
        else:
            done = t("A token was issued for {email}.", email=plain(holder))
            run(issue_token, done, email=holder, lifetime=valid_for, label=label)

live = tokens[tokens["state"] == "active"]
with st.form("revoke-token"):
    st.subheader(t("Revoke a token"))
    chosen = st.selectbox(
        t("Token"),
        list(live["id"]),
        format_func=lambda i: f"{i}: {live.set_index('id').at[i, 'email']!s}",
        index=None,  # as for access: one careless click revokes nothing
        placeholder=t("Choose a token"),
    )
    if st.form_submit_button(t("Revoke the token")):
        if chosen is None:
            st.error(t("Choose the token to revoke."))
        else:
            run(revoke_token, t("Token {id} is revoked.", id=chosen), token_id=int(chosen))
