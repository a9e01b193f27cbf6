"""Audit log: every change, who made it, when, what it changed and why (administrators)."""

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from grantmon.formatting import date_time
from grantmon.i18n import t
from grantmon.services.core.audit import audit_log, audited_entities
from grantmon.ui.page import start_page
from grantmon.ui.runtime import load
from grantmon.ui.tables import show_table
from grantmon.vocabulary import word

page = start_page(
    __file__,
    t("Audit log"),
    t(
        "Every change to the figures and every sign-in and sign-out, newest first. Rows are "
        "never edited or deleted."
    ),
)
entity_column, who_column, since_column = st.columns(3)
entity = entity_column.selectbox(
    t("Record type"),
    ["", *load(audited_entities, page.actor)],
    format_func=lambda e: word(e) if e else t("All types"),
)
who = who_column.text_input(t("Changed by (email contains)"))
since = since_column.date_input(
    t("Since"), value=date.today() - timedelta(days=90), format="DD/MM/YYYY"
)


def action_words(action: str) -> str:
    """What an audit row's action code means, in words."""
    words = {
        "sign-in": t("Signed in"),
        "sign-out": t("Signed out"),
        "create": t("Created"),
        "update": t("Changed"),
        "import": t("Imported"),
        "add": t("Access given"),
        "remove": t("Access withdrawn"),
    }
    return words.get(action, action)


entries = load(audit_log, page.actor, entity=entity or None, who=who.strip() or None, since=since)
if entries.empty:
    st.info(t("No change recorded for these filters."))
else:
    shown = pd.DataFrame(
        {
            t("When (UTC)"): entries["at"].map(date_time),
            t("Who"): entries["actor"],
            t("Action"): entries["action"].map(action_words),
            t("Record"): entries["entity"].map(word) + " " + entries["entity_id"],
            t("What changed"): entries["changes"],
            t("Reason"): entries["reason"],
        }
    )
    show_table(shown, hide_index=True, width="stretch")
