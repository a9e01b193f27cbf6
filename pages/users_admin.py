"""Users: who may sign in, with which role and scope (administrators)."""

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st
from pydantic import ValidationError

from data_model import Role
from grantmon.i18n import t
from grantmon.services.core.commands import CommandError
from grantmon.services.core.users import UserCreate, active_users, add_user, remove_user
from grantmon.ui.page import start_page
from grantmon.ui.runtime import load, write
from grantmon.ui.tables import show_table
from grantmon.ui.text import plain
from grantmon.vocabulary import word

NOBODY = "—"
ALL_PARTNERS = "*"
page = start_page(
    __file__, t("Users"), t("Who may sign in, and what their role lets them see and change.")
)
users = load(active_users, page.actor)
show_table(
    pd.DataFrame(
        {
            t("Email"): users["email"],
            t("Role"): users["role"].map(word),
            t("Partner"): [
                p if isinstance(p, str) else t("All partners") if r == Role.MANAGER else NOBODY
                for p, r in zip(users["partner"], users["role"], strict=True)
            ],
            t("Region"): users["region_code"].fillna(NOBODY),
        }
    ),
    hide_index=True,
    width="stretch",
)


def run(command: Callable[..., None], success: str, **params: Any) -> None:
    """Run a users command; show the refusal in plain words, or the success after a rerun."""
    try:
        write(command, page.actor, **params)
    except CommandError as error:
        st.error(plain(error.message))
        return
    st.session_state["users_done"] = success
    st.rerun()


if "users_done" in st.session_state:
    st.success(st.session_state.pop("users_done"))

with st.form("add-user", clear_on_submit=True):
    st.subheader(t("Give access"))
    email = st.text_input(t("Email"))
    role = st.selectbox(t("Role"), [r.value for r in Role], format_func=word)
    partner = st.selectbox(
        t("Partner (programme managers)"),
        [NOBODY, "IOM", "UNODC", "ILO", ALL_PARTNERS],
        format_func=lambda p: t("All partners") if p == ALL_PARTNERS else p,
    )
    region = st.text_input(t("Region code, e.g. MA-04 (optional, programme managers)"))
    if st.form_submit_button(t("Give access"), type="primary"):
        try:
            request = UserCreate(
                email=email,
                role=role,
                partner=None if partner in (NOBODY, ALL_PARTNERS) else partner,
                region=region.strip().upper() or None,
                all_partners=partner == ALL_PARTNERS,
            )
        except ValidationError as error:
            st.error(plain(str(error.errors()[0]["msg"]).removeprefix("Value error, ")))
        else:
            run(add_user, t("{email} can now sign in.", email=plain(request.email)), user=request)

with st.form("remove-user"):
    st.subheader(t("Withdraw access"))
    leaving = st.selectbox(t("Email"), list(users["email"]))
    if st.form_submit_button(t("Withdraw access")):
        done = t("{email} can no longer sign in; their open sessions have ended.", email=leaving)
        run(remove_user, done, email=leaving)
