"""Overview: is the grant on track? The verdict at the as-of date, what the end of the award
needs, KPIs, budget burn beside results, alerts, award facts."""

from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from grantmon.charts.indicators import status_display
from grantmon.charts.overview import burn_beside_results_chart
from grantmon.charts.style import status_label
from grantmon.formatting import (
    date_time,
    figure,
    labelled,
    long_date,
    money,
    number,
    percent,
    quarter_label,
    signed,
)
from grantmon.i18n import t
from grantmon.services.core.access import Actor
from grantmon.services.core.award import award_partners, award_summary, context_figures
from grantmon.services.core.privacy import privacy_notice
from grantmon.services.overview.reads import Kpis, burn_beside_results, latest_update, overview_kpis
from grantmon.services.progress.alerts import Alert, area_order, award_alerts
from grantmon.services.progress.ending import AwardEnd, TargetOutlook, award_end
from grantmon.services.progress.verdicts import Verdicts, award_verdicts
from grantmon.ui import banners
from grantmon.ui.charts import chart_context, figure_of, show
from grantmon.ui.folds import folded
from grantmon.ui.navigation import screen_link
from grantmon.ui.page import start_page
from grantmon.ui.runtime import kept, load
from grantmon.ui.tables import dollar_column, figures, show_table
from grantmon.ui.text import plain
from grantmon.ui.verdicts import verdict_panel
from grantmon.vocabulary import word

page = start_page(__file__, t("Overview"))
actor, filters, today = page.actor, page.filters, date.today()
award = load(award_summary, actor)
ALERTS_PER_AREA = 3  # each area's alerts shown here; its screen has the rest
MILESTONES_SHOWN = 5  # before the rest of the milestones still to complete fold away


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
    """What the grant is worth, for how long and with whom, under its verdict."""
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


def shown(count: int | None, unapproved: bool = False) -> str:
    """A victim count (starred when it includes figures not yet approved), or the mark."""
    if count is None:
        return t("■ suppressed")
    return number(count) + (" *" if unapproved else "")


def money_and_milestones(kpis: Kpis) -> None:
    """Funds spent against time elapsed at the as-of date, and milestones late today."""
    spent, elapsed, late = st.columns(3)
    day = long_date(kpis.as_of.day)
    spent.metric(
        t("Funds spent to {day}", day=day),
        percent(kpis.spent_share) + (" *" if kpis.unapproved_cents else ""),
        delta=t(
            "+{amount} in {quarter}",
            amount=money(kpis.spent_in_quarter_cents),
            quarter=quarter_label(kpis.quarter),
        )
        if kpis.spent_in_quarter_cents
        else None,
        delta_color="off",
        help=t(
            "{spent} of {budget} spent.",
            spent=money(kpis.spent_cents),
            budget=money(kpis.budget_cents),
        )
        + unapproved_note(kpis),
    )
    elapsed.metric(
        t("Award period elapsed at {day}", day=day),
        percent(kpis.elapsed_share),
        help=t("Spending should roughly follow time; the chart below shows both."),
    )
    counts = kpis.milestones
    late.metric(t("Milestones late today"), number(counts["late"]))
    late.caption(
        t(
            "{done} completed in {quarter}",
            done=number(kpis.completed_in_quarter),
            quarter=quarter_label(kpis.quarter),
        )
        + " · "
        + " · ".join(f"{status_label(s)} {counts[s]}" for s in ("completed", "late", "not started"))
    )


def unapproved_note(kpis: Kpis) -> str:
    """For IOM staff: how much of the spending is not approved yet."""
    if not kpis.unapproved_cents:
        return ""
    return " " + t("* Includes {amount} not yet approved.", amount=money(kpis.unapproved_cents))


def centres_and_victims(kpis: Kpis) -> None:
    """Centres open with their beds, victims assisted and reintegration plans completed."""
    centres, assisted, plans = st.columns(3)
    pending = kpis.victims_unapproved > 0
    centres.metric(
        t("Centres open"),
        number(kpis.open_centres),
        delta=change(kpis.open_centres, kpis.open_centres_before),
        delta_color="off",
        help=t(
            "Beds: {beds} known; {unknown} centre(s) with capacity not public.",
            beds=number(kpis.known_beds),
            unknown=number(kpis.centres_without_capacity),
        ),
    )
    assisted.metric(
        t("Victims assisted"),
        shown(kpis.assisted, pending),
        delta=shown_change(kpis.assisted_change),
        delta_color="off",
    )
    plans.metric(
        t("Reintegration plans completed"),
        shown(kpis.plans_completed, pending),
        delta=shown_change(kpis.plans_completed_change),
        delta_color="off",
    )
    st.caption(
        t(
            "Figures to {day}; an arrow shows the change in {quarter}, not whether it is good "
            "news. ",
            day=long_date(kpis.as_of.day),
            quarter=quarter_label(kpis.quarter),
        )
        + (t("* Includes figures not yet approved. ") if pending or kpis.unapproved_cents else "")
        + privacy_notice(actor=actor)
    )


def end_of_award(end: AwardEnd) -> None:
    """Days left, the money projected to stay unspent, what is still to complete or to reach."""
    st.subheader(t("The end of the award: {days} days left", days=number(end.days_left)))
    ends, projected, unspent = st.columns(3)
    ends.metric(t("Award ends"), long_date(end.end_date))
    share = (
        end.projected_cents / end.budget_cents if end.projected_cents and end.budget_cents else None
    )
    projected.metric(
        t("Projected spending at the end"),
        money(end.projected_cents),
        delta=t("{share} of budget", share=percent(share)) if share is not None else None,
        delta_color="off",
        delta_arrow="off",
    )
    unspent.metric(t("Projected to stay unspent"), money(end.unspent_cents))
    st.caption(
        t(
            "Projected from the average quarter to {day}, as on the Budget screen.",
            day=long_date(end.as_of.day),
        )
    )
    milestones, targets = st.columns(2)
    with milestones:
        st.markdown(t("**Milestones still to complete: {count}**", count=len(end.open_milestones)))
        lines = [
            f"- {status_label(m.state)} **{plain(m.code)}** {plain(m.title)}"
            f" ({t('due {day}', day=long_date(m.due_date))})"
            for m in end.open_milestones
        ]
        st.markdown("\n".join(lines[:MILESTONES_SHOWN]))
        if len(lines) > MILESTONES_SHOWN:
            with st.expander(t("{count} more", count=len(lines) - MILESTONES_SHOWN)):
                st.markdown("\n".join(lines[MILESTONES_SHOWN:]))
    with targets:
        st.markdown(
            t(
                "**Life-of-award targets projected to be missed: {count}**",
                count=len(end.targets_missed),
            )
        )
        st.markdown("\n".join(f"- {target_line(o)}" for o in end.targets_missed))


def target_line(outlook: TargetOutlook) -> str:
    """One target projected to be missed, with its figures."""
    head = f"**{plain(outlook.code)}** {plain(outlook.title)}"
    if outlook.projected is None:
        detail = t(
            "{value} at the latest quarter against a target of {target}",
            value=figure(outlook.actual_to_date),
            target=figure(outlook.life_target),
        )
    else:
        detail = t(
            "{projected} projected against a target of {target} ({share})",
            projected=number(outlook.projected),
            target=figure(outlook.life_target),
            share=percent(outlook.projected / outlook.life_target),
        )
    return labelled(head, detail)


def alert_line(alert: Alert) -> str:
    """One alert: its status, what it is about and its figures."""
    shown_status = (
        status_display(alert.status) if alert.area == "indicators" else status_label(alert.status)
    )
    return labelled(f"{shown_status} **{plain(alert.code)}** {plain(alert.title)}", alert.detail)


def alerts(verdicts: Verdicts) -> None:
    """What needs acting on, worst areas first, grouped by area, with where to see the rest."""
    st.subheader(t("Alerts"))
    by_area = load(award_alerts, actor, filters=filters, today=today, order=area_order(verdicts))
    if not any(by_area.values()):
        st.success(t("Nothing needs attention for these filters."))
        return
    names = {v.area: v for v in verdicts.areas}
    for area, items in by_area.items():
        if not items:
            continue
        verdict = names[area]
        st.markdown(
            f"**{plain(verdict.name)}** · " + t("{count} to act on", count=number(len(items)))
        )
        st.markdown("\n".join(f"- {alert_line(a)}" for a in items[:ALERTS_PER_AREA]))
        if len(items) > ALERTS_PER_AREA:
            screen_link(verdict.screen)


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
        amount = dollar_column(help=t("Blank: not public."))
        show_table(partners, hide_index=True, width="stretch", column_config={t("Amount"): amount})
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
            t("Amount"): figures(frame["amount_cents"] / 100),
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
            t("Value"): figures(frame["value"]),
            t("Unit"): frame["unit"].map(word),
            t("Period"): frame["period"],
            t("Caveat"): frame["caveat"],
            t("Source"): frame["publisher"] + ": " + frame["source"],
        }
    )


st.subheader(plain(award.title))
verdicts = load(award_verdicts, actor, filters=filters, today=today)
verdict_panel(verdicts)
award_header()
ending = load(award_end, actor, filters=filters, today=today)
if ending.near:
    end_of_award(ending)
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
alerts(verdicts)
award_facts()
