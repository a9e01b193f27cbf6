"""Is the award on track? A verdict for the award and for each area, with its reason.

The rules are written out for readers in docs/verdicts.md; the thresholds are settings. Each
area is judged at the view's as-of date (progress.as_of), milestones on the day itself. The
award's verdict is the worst of the areas that could be judged.
"""

from datetime import date

import pandas as pd
from pydantic import BaseModel
from sqlmodel import Session

from grantmon.formatting import long_date, number, percent
from grantmon.i18n import N_, t
from grantmon.periods import quarter_of, quarters_between
from grantmon.services.budget.reads import budget_summary
from grantmon.services.core.access import EVERYONE, Actor, readable_by
from grantmon.services.core.award import award_summary
from grantmon.services.core.filters import Filters
from grantmon.services.milestones.reads import due_milestones
from grantmon.services.progress.as_of import AsOf, as_of
from grantmon.services.regions.reads import centre_summary, centres_not_open
from grantmon.services.results.indicators import ON_TRACK_BAND, indicator_tracking
from grantmon.settings import get_settings
from grantmon.vocabulary import word

ON_TRACK, AT_RISK, BEHIND, NOT_ASSESSED = "on track", "at risk", "behind", "not assessed"
SEVERITY = {NOT_ASSESSED: 0, ON_TRACK: 1, AT_RISK: 2, BEHIND: 3}
AREAS = {
    "spending": (N_("Spending"), "budget"),
    "milestones": (N_("Milestones"), "milestones"),
    "indicators": (N_("Indicators"), "results"),
    "reintegration": (N_("Reintegration"), "reintegration"),
    "centres": (N_("Centres"), "regions"),
}


class Verdict(BaseModel):
    """One verdict: its level, the sentence that gives its figures, the screen that explains it."""

    area: str
    level: str
    reason: str
    screen: str

    @property
    def name(self) -> str:
        """The area in the reader's words."""
        return t(AREAS[self.area][0]) if self.area in AREAS else t("The award")


class Verdicts(BaseModel):
    """The award's verdict, each area's, and the date they are measured at."""

    as_of: AsOf
    award: Verdict
    areas: list[Verdict]


# ----------------------------------------------------------------- the rules, one per area


def spending_level(spent_share: float | None, elapsed_share: float) -> str:
    """Behind or at risk when spending trails time by more than the set points; at risk too
    when it runs ahead by more than the at-risk points (funds may run out)."""
    if spent_share is None:
        return NOT_ASSESSED
    settings = get_settings()
    # Points behind time (negative: ahead), rounded so that 50% against 45% is 5 points exactly.
    gap = round((elapsed_share - spent_share) * 100, 9)
    if gap > settings.verdict_spending_behind_points:
        return BEHIND
    if abs(gap) > settings.verdict_spending_at_risk_points:
        return AT_RISK
    return ON_TRACK


def milestones_level(late: int, due: int) -> str:
    """Behind when the set share of the milestones due is late; at risk when any is."""
    if due == 0:
        return NOT_ASSESSED
    if late / due >= get_settings().verdict_milestones_behind_share:
        return BEHIND
    return AT_RISK if late else ON_TRACK


def indicators_level(below: int, assessed: int) -> str:
    """Behind when more than the set share of the indicators judged is more than 15% below
    target; at risk when any is."""
    if assessed == 0:
        return NOT_ASSESSED
    if below / assessed > get_settings().verdict_indicators_behind_share:
        return BEHIND
    return AT_RISK if below else ON_TRACK


def centres_level(open_centres: int, in_plan: int, quarters_left: int) -> str:
    """At risk while a centre of the plan is not open; behind once two quarters or fewer of the
    award are left for it to open."""
    if in_plan == 0:
        return NOT_ASSESSED
    if open_centres >= in_plan:
        return ON_TRACK
    return BEHIND if quarters_left <= 2 else AT_RISK


def award_level(levels: list[str]) -> str:
    """The worst level of the areas judged."""
    return max(levels, key=SEVERITY.__getitem__, default=NOT_ASSESSED)


# ----------------------------------------------------------------- reading each area


def _spending(session: Session, actor: Actor, filters: Filters, moment: AsOf) -> Verdict:
    summary = budget_summary(session=session, actor=actor, filters=filters, today=moment.today)
    if not moment.has_figures or summary.budget_cents == 0:
        reason = t("No spending the reader may see is recorded yet.")
        return _verdict("spending", NOT_ASSESSED, reason)
    reason = t(
        "{spent} spent at {day} against {elapsed} of the award period elapsed.",
        spent=percent(summary.spent_share),
        day=long_date(moment.day),
        elapsed=percent(summary.elapsed_share),
    )
    return _verdict("spending", spending_level(summary.spent_share, summary.elapsed_share), reason)


def _milestones(session: Session, actor: Actor, filters: Filters, moment: AsOf) -> Verdict:
    counts = due_milestones(session=session, actor=actor, filters=filters, today=moment.today)
    level = milestones_level(counts.late, counts.due)
    if level == NOT_ASSESSED:
        return _verdict("milestones", level, t("No milestone has fallen due yet."))
    reason = t(
        "{late} of the {due} milestones due before {day} are late.",
        late=number(counts.late),
        due=number(counts.due),
        day=long_date(moment.today),
    )
    return _verdict("milestones", level, reason)


def _judged(tracking: pd.DataFrame) -> pd.DataFrame:
    """Indicators with a target and a figure the reader may see (suppressed ones are not)."""
    return tracking[tracking["status"].isin(["on track", "above", "below"])]


def _indicator_verdict(area: str, tracking: pd.DataFrame, moment: AsOf) -> Verdict:
    judged = _judged(tracking)
    below = judged[judged["status"] == "below"].sort_values("percent_achieved", na_position="last")
    level = indicators_level(len(below), len(judged))
    day = long_date(moment.day)
    if level == NOT_ASSESSED:
        reason = t("No indicator has both a target and figures to compare at {day}.", day=day)
    elif below.empty:
        reason = t(
            "All {count} indicators with figures are within {band} of target or above it at {day}.",
            count=number(len(judged)),
            band=percent(ON_TRACK_BAND),
            day=day,
        )
    else:
        worst = below.iloc[0]
        reason = t(
            "{below} of {count} indicators with figures are more than {band} below target at "
            "{day}; furthest behind: {code} {title} ({share} of its target to date).",
            below=number(len(below)),
            count=number(len(judged)),
            band=percent(ON_TRACK_BAND),
            day=day,
            code=worst["code"],
            title=worst["title"],
            share=percent(_share(worst["percent_achieved"])),
        )
    return _verdict(area, level, reason)


def _share(percent_achieved: object) -> float | None:
    """Percent achieved as a share (0.58), None when undefined."""
    if not isinstance(percent_achieved, int | float) or pd.isna(percent_achieved):
        return None
    return percent_achieved / 100


def _reintegration_indicators(tracking: pd.DataFrame) -> pd.DataFrame:
    """The indicators the reintegration figures feed: a funnel stage or a sustainability share."""
    linked = tracking["funnel_stage"].notna() | tracking["score_threshold"].notna()
    return tracking[linked]


def _centres(session: Session, actor: Actor, filters: Filters, moment: AsOf) -> Verdict:
    summary = centre_summary(session=session, actor=actor, filters=filters, today=moment.today)
    waiting = centres_not_open(session=session, actor=actor, filters=filters, today=moment.today)
    in_plan = summary.open_centres + len(waiting)
    award = award_summary(session=session, actor=actor)
    left = len(quarters_between(moment.quarter, quarter_of(award.end_date))) - 1
    level = centres_level(summary.open_centres, in_plan, left)
    day = long_date(moment.day)
    if level == NOT_ASSESSED:
        reason = t("No centre is in the plan for these filters.")
    elif waiting.empty:
        reason = t("All {count} centres in the plan were open at {day}.", count=in_plan, day=day)
    else:
        reason = t(
            "{open} of the {count} centres in the plan were open at {day}, with {left} "
            "quarter(s) of the award left after it; not open: {names}.",
            open=number(summary.open_centres),
            count=number(in_plan),
            day=day,
            left=number(left),
            names=", ".join(waiting["name"]),
        )
    return _verdict("centres", level, reason)


def _verdict(area: str, level: str, reason: str) -> Verdict:
    return Verdict(area=area, level=level, reason=reason, screen=AREAS[area][1])


def _award(areas: list[Verdict]) -> Verdict:
    """The worst area's level, with the areas at it named and the first one's reason."""
    level = award_level([a.level for a in areas])
    worst = [a for a in areas if a.level == level]
    if level == NOT_ASSESSED or not worst:
        reason = t("Nothing can be judged yet: no figures the reader may see.")
    elif level == ON_TRACK:
        reason = t("Every area is on track.") + " " + worst[0].reason
    else:
        names = ", ".join(a.name.lower() for a in worst)
        reason = t(
            "{count} of {areas} areas {level} ({names}). {first}",
            count=number(len(worst)),
            areas=number(len([a for a in areas if a.level != NOT_ASSESSED])),
            level=word(level),
            names=names,
            first=worst[0].reason,
        )
    return Verdict(area="award", level=level, reason=reason, screen="overview")


@readable_by(EVERYONE)
def award_verdicts(*, session: Session, actor: Actor, filters: Filters, today: date) -> Verdicts:
    """The award's verdict and each area's, at the view's as-of date."""
    moment = as_of(session=session, actor=actor, filters=filters, today=today)
    tracking = indicator_tracking(session=session, actor=actor, filters=filters, today=today)
    areas = [
        _spending(session, actor, filters, moment),
        _milestones(session, actor, filters, moment),
        _indicator_verdict("indicators", tracking, moment),
        _indicator_verdict("reintegration", _reintegration_indicators(tracking), moment),
        _centres(session, actor, filters, moment),
    ]
    return Verdicts(as_of=moment, award=_award(areas), areas=areas)
