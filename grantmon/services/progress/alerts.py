"""What a reader must act on, most urgent first: late milestones, indicators behind target and
partners whose budget lines are off plan, each compared at the view's as-of date.

Alerts of the areas judged worst come first (progress.verdicts); within an area, the largest
gap first. Budget lines are grouped by partner: one alert says how many of its lines are off
plan and by how much in all, where a line-by-line list would bury the other alerts.
"""

from datetime import date

import pandas as pd
from pydantic import BaseModel
from sqlmodel import Session

from grantmon.formatting import money, number, percent, percent_sign, signed
from grantmon.i18n import t
from grantmon.services.budget.reads import OVER_PLAN, budget_lines
from grantmon.services.core.access import EVERYONE, Actor, readable_by
from grantmon.services.core.filters import Filters
from grantmon.services.milestones.reads import late_milestones
from grantmon.services.progress.verdicts import SEVERITY, Verdicts
from grantmon.services.results.indicators import off_track_indicators

AREA_ORDER = ("milestones", "indicators", "spending")  # on a tie of levels


class Alert(BaseModel):
    """One thing to act on: what it is about (typed text kept apart) and its figures."""

    area: str  # the verdict area it belongs to; its screen explains it
    status: str  # the status shown with it: late, below, under plan, over plan
    code: str
    title: str
    detail: str
    size: float  # how far off: days late, points below target, dollars off plan


def _milestone_alerts(late: pd.DataFrame) -> list[Alert]:
    return [
        Alert(
            area="milestones",
            status="late",
            code=str(r["code"]),
            title=str(r["title"]),
            detail=t("{days} days late", days=number(r["days_late"])),
            size=float(r["days_late"]),
        )
        for r in late.to_dict("records")
    ]


def _indicator_alerts(behind: pd.DataFrame) -> list[Alert]:
    rows = behind.to_dict("records")
    return [
        Alert(
            area="indicators",
            status="below",
            code=str(r["code"]),
            title=str(r["title"]),
            detail=t("{share} of target to date", share=percent(r["percent_achieved"] / 100)),
            size=100 - float(r["percent_achieved"]),
        )
        for r in rows
        if r["percent_achieved"] is not None and not pd.isna(r["percent_achieved"])
    ]


def _partner_alerts(lines: pd.DataFrame) -> list[Alert]:
    """One alert per partner with lines off plan: how many, by how much, the largest."""
    alerts = []
    for partner, group in lines.groupby("partner", sort=False):
        off = group[group["status"] != "on plan"]
        if off.empty:
            continue
        gap = int((off["spent_cents"] - off["plan_cents"]).sum())
        ranked = off.assign(gap=off["deviation"].abs().fillna(float("inf")))
        largest = ranked.sort_values("gap", ascending=False).iloc[0]
        deviation = largest["deviation"]
        alerts.append(
            Alert(
                area="spending",
                status=OVER_PLAN if gap > 0 else "under plan",
                code=str(partner),
                title=t(
                    "{count} of {lines} budget lines off plan",
                    count=number(len(off)),
                    lines=number(len(group)),
                ),
                detail=t(
                    "{gap} against plan to date; largest: {category} {deviation}",
                    gap=("+" if gap > 0 else "-") + money(abs(gap)),
                    category=largest["category"],
                    deviation="—"
                    if pd.isna(deviation)
                    else signed(round(deviation * 100)) + percent_sign(),
                ),
                size=float(abs(gap)) / 100,
            )
        )
    return sorted(alerts, key=lambda a: -a.size)


def area_order(verdicts: Verdicts) -> tuple[str, ...]:
    """The alert areas, worst verdict first (milestones, indicators, spending on a tie)."""
    levels = {v.area: SEVERITY[v.level] for v in verdicts.areas}
    return tuple(sorted(AREA_ORDER, key=lambda a: (-levels.get(a, 0), AREA_ORDER.index(a))))


@readable_by(EVERYONE)
def award_alerts(
    *, session: Session, actor: Actor, filters: Filters, today: date, order: tuple[str, ...]
) -> dict[str, list[Alert]]:
    """Every alert by area, in `order` (see area_order), the largest gap first in each."""
    late = late_milestones(session=session, actor=actor, filters=filters, today=today)
    behind = off_track_indicators(session=session, actor=actor, filters=filters, today=today)
    lines = budget_lines(session=session, actor=actor, filters=filters, today=today)
    by_area = {
        "milestones": _milestone_alerts(late),
        "indicators": _indicator_alerts(behind),
        "spending": _partner_alerts(lines),
    }
    return {area: by_area[area] for area in order if area in by_area}
