"""Overview: is the grant on track? Headline facts with their provenance."""

from datetime import date

import pandas as pd
import streamlit as st

from grantmon.formatting import long_date, money, percent
from grantmon.i18n import t
from services.award import award_partners, award_summary, context_figures
from ui import banners
from ui.page import start_page
from ui.runtime import load

page = start_page(__file__, t("Overview"))
actor = page.actor
award = load(award_summary, actor)
st.subheader(award.title)
st.caption(f"{award.code} · {award.donor}, {award.awarding_office} → {award.recipient}")


def headline_metrics() -> None:
    """Amount, period and share of the period elapsed."""
    today = date.today()
    amount, period, elapsed = st.columns(3)
    amount.metric(t("Award amount"), money(award.amount_cents, award.currency))
    period_label = t("Award period (assumed)") if award.period_is_assumed else t("Award period")
    period.metric(period_label, f"{long_date(award.start_date)} – {long_date(award.end_date)}")
    elapsed.metric(
        t("Period elapsed"),
        percent(award.elapsed_share(today)),
        help=t("Share of the award period gone by on {day}.", day=long_date(today)),
    )
    elapsed.progress(award.elapsed_share(today))
    banners.provenance(award.source.label())
    if award.period_is_assumed:
        st.caption(t("Assumption: {note}", note=award.period_note))


def partners_table() -> None:
    """Who implements what, and how much of the award is theirs where it is public."""
    st.subheader(t("Partners"))
    frame = load(award_partners, actor, code=award.code)
    shown = pd.DataFrame(
        {
            t("Partner"): frame["partner"],
            t("Role"): frame["role"],
            t("Component"): frame["component"],
            t("Amount"): [
                money(c) if pd.notna(c) else t("not public") for c in frame["amount_cents"]
            ],
            t("Period"): [
                f"{long_date(s)} – {long_date(e)}" if pd.notna(s) else t("not public")
                for s, e in zip(frame["start_date"], frame["end_date"], strict=True)
            ],
            t("Source"): frame["publisher"] + ": " + frame["source"],
        }
    )
    st.dataframe(shown, hide_index=True, width="stretch")


def context_table() -> None:
    """Publicly reported figures, never to be read as results of this grant."""
    st.subheader(t("Reported context (not results of this grant)"))
    frame = load(context_figures, actor)
    shown = pd.DataFrame(
        {
            t("Figure"): frame["label"],
            t("Value"): frame["value"].map("{:,}".format) + " " + frame["unit"],
            t("Period"): frame["period"],
            t("Caveat"): frame["caveat"],
            t("Source"): frame["publisher"] + ": " + frame["source"],
        }
    )
    st.dataframe(shown, hide_index=True, width="stretch")


headline_metrics()
partners_table()
context_table()
