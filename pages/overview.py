"""Overview: is the grant on track? KPIs, alerts, budget burn beside results, award facts."""

from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from grantmon.charts.indicators import status_display
from grantmon.charts.overview import burn_beside_results_chart
from grantmon.charts.style import status_label
from grantmon.formatting import (
    date_time,
    labelled,
    long_date,
    money,
    number,
    percent,
    quarter_label,
    signed,
)
from grantmon.i18n import t
from grantmon.services.budget.reads import off_plan_lines
from grantmon.services.core.access import Actor
from grantmon.services.core.award import award_partners, award_summary, context_figures
from grantmon.services.core.filters import Filters
from grantmon.services.core.privacy import privacy_notice
from grantmon.services.milestones.reads import late_milestones
from grantmon.services.overview.reads import Kpis, burn_beside_results, latest_update, overview_kpis
from grantmon.services.results.indicators import off_track_indicators
from grantmon.ui import banners
from grantmon.ui.charts import chart_context, figure_of, show
from grantmon.ui.folds import folded
from grantmon.ui.page import start_page
from grantmon.ui.runtime import kept, load
from grantmon.ui.tables import show_table
from grantmon.ui.text import plain
from grantmon.vocabulary import word

page = start_page(__file__, t("Overview"))
actor, filters, today = page.actor, page.filters, date.today()
award = load(award_summary, actor)


def fact(column: Any, label: str, value: str) -> None:
    """One headline fact: a small label over its value."""
    column.caption(label)
    column.markdown(f"**{plain(value)}**" if value else "—")


def partner_names(*, actor: Actor, code: str) -> str:
    """The award's partners, the recipient named as such."""
    frame = load(award_partners, actor, code=code)
    return " · ".join(
        t("{partner} (recipient)", partner=p) if role == "recipient" else p
        for p, role in zip(frame["partner"], frame["role"], strict=True)
    )


def award_header() -> None:
    """What the grant is worth, for how long and with whom: the first thing a reader sees."""
    st.subheader(plain(award.title))
    with st.container(border=True):
        amount, period, partners = st.columns([2, 3, 3])
        fact(amount, t("Award amount"), money(award.amount_cents, award.currency))
        assumed = award.period_is_assumed
        fact(
            period,
            t("Award period (assumed)") if assumed else t("Award period"),
            f"{long_date(award.start_date)} – {long_date(award.end_date)}",
        )
        fact(partners, t("Partners"), kept(partner_names, actor, code=award.code))
    st.caption(
        plain(f"{award.code} · {award.donor}, {award.awarding_office} → {award.recipient}")
        + (" · " + t("The award period is not public: it is an assumption.") if assumed else "")
    )


def change(now: int | None, before: int | None) -> str | None:
    """A KPI's change since the previous quarter; None when there is none or it is hidden."""
    return None if now is None or before is None else shown_change(now - before)


def shown_change(difference: int | None) -> str | None:
    """A change as the delta of a KPI card; None when it is nil or hidden (victim counts)."""
    return signed(difference) if difference else None


def shown(count: int | None) -> str:
    """A victim count, or the suppression mark."""
    return t("■ suppressed") if count is None else number(count)


def money_and_milestones(kpis: Kpis) -> None:
    """Funds spent against time elapsed, and milestone progress."""
    spent, elapsed, late = st.columns(3)
    spent.metric(
        t("Funds spent"),
        percent(kpis.spent_share),
        delta=t(
            "{amount} in {quarter}",
            amount=money(kpis.spent_in_quarter_cents),
            quarter=quarter_label(kpis.quarter),
        ),
        delta_color="off",
        help=t(
            "{spent} of {budget} spent.",
            spent=money(kpis.spent_cents),
            budget=money(kpis.budget_cents),
        ),
    )
    elapsed.metric(
        t("Award period elapsed"),
        percent(kpis.elapsed_share),
        help=t("Spending should roughly follow time; the chart below shows both."),
    )
    counts = kpis.milestones
    late.metric(
        t("Milestones late"),
        number(counts["late"]),
        delta=t(
            "{done} completed in {quarter}",
            done=number(kpis.completed_in_quarter),
            quarter=quarter_label(kpis.quarter),
        ),
        delta_color="off",
    )
    late.caption(
        " · ".join(
            f"{status_label(s)} {counts[s]}"
            for s in ("completed", "on track", "late", "not started")
        )
    )


def centres_and_victims(kpis: Kpis) -> None:
    """Centres open with their beds, victims assisted and reintegration plans completed."""
    centres, assisted, plans = st.columns(3)
    centres.metric(
        t("Centres open"),
        number(kpis.open_centres),
        delta=change(kpis.open_centres, kpis.open_centres_before),
        help=t(
            "Beds: {beds} known; {unknown} centre(s) with capacity not public.",
            beds=number(kpis.known_beds),
            unknown=number(kpis.centres_without_capacity),
        ),
    )
    assisted.metric(
        t("Victims assisted"),
        shown(kpis.assisted),
        delta=shown_change(kpis.assisted_change),
    )
    plans.metric(
        t("Reintegration plans completed"),
        shown(kpis.plans_completed),
        delta=shown_change(kpis.plans_completed_change),
    )
    st.caption(
        t(
            "Changes are for {quarter}, the latest quarter with reported figures. ",
            quarter=quarter_label(kpis.quarter),
        )
        + privacy_notice(actor=actor)
    )


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as plain dicts."""
    return [{str(k): v for k, v in row.items()} for row in frame.to_dict("records")]


def alert_lines(*, actor: Actor, filters: Filters, today: date) -> tuple[list[str], str]:
    """The five most urgent alerts of each kind, and a note when there are more."""
    late = load(late_milestones, actor, filters=filters, today=today)
    behind = load(off_track_indicators, actor, filters=filters)
    off_plan = load(off_plan_lines, actor, filters=filters)
    items = [
        labelled(
            f"{status_label('late')} **{plain(r['code'])}** {plain(r['title'])}",
            t("{days} days late", days=number(r["days_late"])),
        )
        for r in records(late.head(5))
    ]
    items += [
        labelled(
            f"{status_display(r['status'])} **{plain(r['code'])}** {plain(r['title'])}",
            t("{share} of target to date", share=percent(r["percent_achieved"] / 100)),
        )
        for r in records(behind.head(5))
    ]
    items += [
        labelled(
            f"{status_label(r['status'])} **{plain(r['partner'])} · {plain(r['category'])}**",
            t("{share} of its budget spent", share=percent(r["spent_share"])),
        )
        for r in records(off_plan.head(5))
    ]
    more = ""
    if max(len(late), len(behind), len(off_plan)) > 5:
        more = t(
            "Showing the five most urgent of each kind ({late} late milestones, {behind} "
            "indicators off target, {lines} budget lines off plan in all); see Activities, "
            "Results framework and Budget.",
            late=number(len(late)),
            behind=number(len(behind)),
            lines=number(len(off_plan)),
        )
    return items, more


def alerts() -> None:
    """Late milestones, indicators worse than target and budget lines off plan."""
    st.subheader(t("Alerts"))
    items, more = kept(alert_lines, actor, filters=filters, today=today)
    if not items:
        st.success(t("Nothing needs attention for these filters."))
    st.markdown("\n".join(f"- {item}" for item in items))  # one element, however many
    if more:
        st.caption(more)


def award_facts() -> None:
    """The award's sources and assumptions, each partner's share, and the public context."""
    opened = folded(t("The award: sources, partners' shares and context"), key="award-facts")
    if opened is None:
        return
    with opened:
        banners.provenance(award.source.label())
        if award.period_is_assumed:
            st.caption(t("Assumption: {note}", note=award.period_note))
        partners = kept(partners_table, actor, code=award.code)
        show_table(partners, hide_index=True, width="stretch")
        st.markdown(t("**Reported context (not results of this grant)**"))
        show_table(context_table(), hide_index=True, width="stretch")


def partners_table(*, actor: Actor, code: str) -> pd.DataFrame:
    """Who implements what, and their share where it is public."""
    frame = load(award_partners, actor, code=code)
    return pd.DataFrame(
        {
            t("Partner"): frame["partner"],
            t("Role"): frame["role"].map(word),
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


def context_table() -> pd.DataFrame:
    """Publicly reported figures, with their caveats."""
    frame = load(context_figures, actor)
    return pd.DataFrame(
        {
            t("Figure"): frame["label"],
            t("Value"): frame["value"].map(number) + " " + frame["unit"].map(word),
            t("Period"): frame["period"],
            t("Caveat"): frame["caveat"],
            t("Source"): frame["publisher"] + ": " + frame["source"],
        }
    )


award_header()
kpis = load(overview_kpis, actor, filters=filters, today=today)
money_and_milestones(kpis)
centres_and_victims(kpis)
updated = load(latest_update, actor)
st.caption(
    t(
        "Latest data update: {when} by {who}.",
        who=updated.by or "—",
        when=date_time(updated.at) + " UTC" if updated.at else "—",
    )
)
context = chart_context(filters, actor)
show(
    figure_of(
        burn_beside_results_chart,
        load(burn_beside_results, actor, filters=filters, today=today),
        context=context,
    ),
    key="burn-beside-results",
)
alerts()
award_facts()
