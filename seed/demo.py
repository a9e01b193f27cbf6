"""The demo data set: illustrative figures, marked is_demo, reproducible from a fixed seed."""

import random
from datetime import date, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from data_model import (
    Activity,
    ActivityRegion,
    BudgetLine,
    Centre,
    CentreOccupancy,
    CostCategory,
    Expenditure,
    Indicator,
    IndicatorResult,
    IndicatorTarget,
    Milestone,
    MilestoneStatus,
    Outcome,
    Output,
    QuarterReport,
    ReintegrationFigure,
    User,
)
from data_model.common import AGE_BANDS, ALL, NATIONALITY_GROUPS, SEXES
from grantmon.periods import quarter_end, quarter_of, quarters_between
from seed.demo_plan import (
    ACTIVITIES,
    BURN_FACTORS,
    CATEGORY_SHARES,
    CENTRES,
    COMPONENTS,
    INDICATORS,
    MILESTONE_STEPS,
    OUTCOMES,
    PARTNER_BUDGETS,
    USERS,
)
from seed.loader import id_map, insert_missing

DEMO_AS_OF = date(2026, 10, 15)  # the demo's figures run to the end of 2026Q3
FIRST_QUARTER, LAST_QUARTER = "2024Q1", "2026Q3"
LAST_APPROVED = "2026Q2"
ENTERED_BY = "demo seed"
PLAN_ONLY_KEYS = ("output", "quarterly", "achievement", "base")
# The app asks for a justification of spending beyond a line's budget; the demo gives one.
OVER_BUDGET_NOTE = "Demo: more travel than planned to reach the southern regions."
ALL_REGIONS = [f"MA-{number:02d}" for number in range(1, 13)]
REINTEGRATION_REGIONS = (
    "MA-01",
    "MA-02",
    "MA-03",
    "MA-04",
    "MA-05",
    "MA-06",
    "MA-07",
    "MA-09",
    "MA-10",
    "MA-11",
)


def split_exactly(total: int, weights: list[float]) -> list[int]:
    """Split an integer total by weights so the parts add up to it exactly."""
    raw = [total * w / sum(weights) for w in weights]
    parts = [int(x) for x in raw]
    by_remainder = sorted(range(len(raw)), key=lambda i: raw[i] - parts[i], reverse=True)
    for i in by_remainder[: total - sum(parts)]:
        parts[i] += 1
    return parts


def status_for(quarter: str) -> str:
    """Demo review status: approved up to the last approved quarter, then submitted."""
    return "approved" if quarter <= LAST_APPROVED else "submitted"


def seed_framework(session: Session, award_id: int) -> dict[str, int]:
    """Store the demo outcomes, outputs and indicators; return indicator ids by code."""
    outcome_rows = [dict(award_id=award_id, code=c, title=t) for c, t, _ in OUTCOMES]
    insert_missing(session, Outcome, outcome_rows, ["award_id", "code"])
    outcomes = id_map(session, Outcome, "code")
    output_rows = [
        dict(outcome_id=outcomes[oc], code=code, title=title)
        for oc, _, outputs in OUTCOMES
        for code, title in outputs
    ]
    insert_missing(session, Output, output_rows, ["outcome_id", "code"])
    outputs = id_map(session, Output, "code")
    indicator_rows = [
        {k: v for k, v in spec.items() if k not in PLAN_ONLY_KEYS}
        | dict(output_id=outputs[spec["output"]], is_demo=True)
        for spec in INDICATORS
    ]
    insert_missing(session, Indicator, indicator_rows, ["code"])
    indicators = id_map(session, Indicator, "code")
    for share, base in share_bases(indicators).items():
        session.execute(
            update(Indicator)
            .where(col(Indicator.id) == share, col(Indicator.base_indicator_id).is_(None))
            .values(base_indicator_id=base)
        )
    return indicators


def share_bases(ids: dict[str, int], prefix: str = "") -> dict[int, int]:
    """{share's id: its base's id} for the plan's shares, by the ids of its indicators' codes."""
    return {
        ids[prefix + spec["code"]]: ids[prefix + spec["base"]]
        for spec in INDICATORS
        if spec.get("base")
    }


def quarterly_plan(spec: dict, quarters: list[str]) -> list[float]:
    """Per-quarter targets: a ramp that sums to the life target for cumulative indicators."""
    if not spec["cumulative"]:
        return [float(spec["quarterly"])] * len(quarters)
    ramp = [min(1.0, 0.3 + 0.2 * i) for i in range(len(quarters) + 1)]
    return [round(spec["life_target"] * w / sum(ramp)) for w in ramp[: len(quarters)]]


def disaggregated_rows(base: dict, total: int, dimensions: list[str], rng: random.Random):
    """One row per category of each disaggregation dimension, adding up to the total."""
    categories = {
        "sex": SEXES,
        "age_band": AGE_BANDS,
        "nationality_group": NATIONALITY_GROUPS,
        "region_code": REINTEGRATION_REGIONS,
    }
    for dimension in dimensions:
        values = categories[dimension]
        parts = split_exactly(total, [rng.uniform(0.5, 1.5) for _ in values])
        for value, part in zip(values, parts, strict=True):
            yield base | {dimension: value, "value": float(part)}
        if dimension == "region_code":  # a breakdown names every category, 0 where none
            for region in sorted(set(ALL_REGIONS) - set(values)):
                yield base | {dimension: region, "value": 0.0}


def indicator_rows(spec: dict, indicator_id: int, rng: random.Random):
    """Targets and results (total + disaggregations) of one indicator, quarter by quarter."""
    quarters = quarters_between(FIRST_QUARTER, LAST_QUARTER)
    targets, results = [], []
    for quarter, target in zip(quarters, quarterly_plan(spec, quarters), strict=True):
        targets.append(dict(indicator_id=indicator_id, quarter=quarter, target=target))
        actual = max(0, round(target * spec["achievement"] * rng.uniform(0.8, 1.2)))
        base = dict(
            indicator_id=indicator_id,
            quarter=quarter,
            region_code=ALL,
            sex=ALL,
            age_band=ALL,
            nationality_group=ALL,
            status=status_for(quarter),
            entered_by=ENTERED_BY,
            is_demo=True,
        )
        results.append(base | {"value": float(actual)})
        dims = [d for d in spec["disaggregations"].split(",") if d]
        dims = ["region_code" if d == "region" else d for d in dims]
        if spec["cumulative"]:
            results.extend(disaggregated_rows(base, actual, dims, rng))
    return targets, results


def seed_indicator_data(session: Session, indicators: dict[str, int], rng: random.Random):
    """Store quarterly targets and results for every demo indicator."""
    targets, results = [], []
    for spec in INDICATORS:
        more_targets, more_results = indicator_rows(spec, indicators[spec["code"]], rng)
        targets += more_targets
        results += more_results
    insert_missing(session, IndicatorTarget, targets, ["indicator_id", "quarter"])
    key = ["indicator_id", "quarter", "region_code", "sex", "age_band", "nationality_group"]
    insert_missing(session, IndicatorResult, results, key)


def seed_activities(session: Session, award_id: int, partners: dict[str, int]) -> None:
    """Store the demo activities and the regions they work in."""
    rows = [
        dict(
            award_id=award_id,
            code=code,
            title=title,
            component=COMPONENTS[component],
            partner_id=partners[partner],
            planned_start=start,
            planned_end=end,
            is_demo=True,
        )
        for code, title, component, partner, _, start, end in ACTIVITIES
    ]
    insert_missing(session, Activity, rows, ["code"])
    activities = id_map(session, Activity, "code")
    links = [
        dict(activity_id=activities[code], region_code=region)
        for code, _, _, _, regions, _, _ in ACTIVITIES
        for region in regions
    ]
    insert_missing(session, ActivityRegion, links, ["activity_id", "region_code"])


def milestone_progress(due: date, rng: random.Random) -> dict:
    """Demo status of a milestone as of DEMO_AS_OF: most past ones done, some late."""
    if due < DEMO_AS_OF and rng.random() < 0.78:
        done_on = min(DEMO_AS_OF, due + timedelta(days=rng.randint(-20, 25)))
        return dict(
            status=MilestoneStatus.COMPLETED, percent_complete=100, actual_completion_date=done_on
        )
    if due < DEMO_AS_OF + timedelta(days=30):
        return dict(status=MilestoneStatus.IN_PROGRESS, percent_complete=rng.randint(20, 85))
    return dict(status=MilestoneStatus.NOT_STARTED, percent_complete=0)


def seed_milestones(session: Session, rng: random.Random | None) -> None:
    """Store three milestones per demo activity, spread over its planned span."""
    activities = id_map(session, Activity, "code")
    rows = []
    for code, title, _, _, _, start, end in ACTIVITIES:
        span = (end - start).days
        for step, label in enumerate(MILESTONE_STEPS, start=1):
            due = start + timedelta(days=span * step // len(MILESTONE_STEPS))
            rows.append(
                dict(
                    activity_id=activities[code],
                    code=f"{code}-M{step}",
                    title=f"{title}: {label}",
                    due_date=due,
                    updated_by=ENTERED_BY,
                    is_demo=True,
                    **(milestone_progress(due, rng) if rng else {}),
                )
            )
    insert_missing(session, Milestone, rows, ["code"])


def seed_centres(
    session: Session, partners: dict[str, int], source_id: int, rng: random.Random | None
) -> None:
    """Store the demo centres and their quarterly occupancy since opening (no rng: planned)."""
    rows = [
        dict(
            name=name,
            kind=kind,
            region_code=region,
            city=city,
            lat=lat,
            lon=lon,
            operator=operator,
            partner_id=partners[partner],
            source_id=source_id,
            is_demo=True,
        )
        | (dict(opened_on=opened, capacity=capacity, status=status) if rng else {})
        for (
            name,
            kind,
            region,
            city,
            lat,
            lon,
            operator,
            partner,
            opened,
            capacity,
            status,
        ) in CENTRES
    ]
    insert_missing(session, Centre, rows, ["name"])
    if rng is None:
        return
    centres = id_map(session, Centre, "name")
    occupancy = []
    for name, *_, opened, capacity, _ in CENTRES:
        if opened is None:
            continue
        for quarter in quarters_between(quarter_of(opened), LAST_QUARTER):
            beds = round(capacity * rng.uniform(0.45, 0.95))
            occupancy.append(
                dict(
                    centre_id=centres[name],
                    quarter=quarter,
                    average_beds_occupied=beds,
                    people_accommodated=beds + rng.randint(2, 12),
                    status=status_for(quarter),
                    entered_by=ENTERED_BY,
                    is_demo=True,
                )
            )
    insert_missing(session, CentreOccupancy, occupancy, ["centre_id", "quarter"])


def seed_budget(session: Session, award_id: int, partners: dict[str, int]) -> None:
    """Store demo budget lines: each partner's assumed share split by cost category."""
    rows = []
    for partner, total in PARTNER_BUDGETS.items():
        amounts = split_exactly(total, list(CATEGORY_SHARES.values()))
        for category, amount in zip(CATEGORY_SHARES, amounts, strict=True):
            rows.append(
                dict(
                    award_id=award_id,
                    partner_id=partners[partner],
                    category=CostCategory(category).value,
                    amount_cents=amount,
                    is_assumed=True,
                    is_demo=True,
                )
            )
    insert_missing(session, BudgetLine, rows, ["award_id", "partner_id", "category"])


def seed_expenditures(session: Session, partners: dict[str, int], rng: random.Random) -> None:
    """Store quarterly demo spending per budget line, ramping up, some lines off plan."""
    partner_codes = {v: k for k, v in partners.items()}
    quarters = quarters_between(FIRST_QUARTER, LAST_QUARTER)
    rows = []
    for line in session.exec(select(BudgetLine).where(BudgetLine.is_demo)).all():
        factor = BURN_FACTORS.get((partner_codes[line.partner_id], line.category), 0.92)
        spent = 0
        for index, quarter in enumerate(quarters):
            ramp = 0.4 if index == 0 else 1.0
            amount = int(line.amount_cents / 12 * ramp * factor * rng.uniform(0.85, 1.15))
            spent += amount
            rows.append(
                dict(
                    budget_line_id=line.id,
                    quarter=quarter,
                    spent_on=quarter_end(quarter),
                    amount_cents=amount,
                    description=f"Demo spending, {quarter}",
                    justification=OVER_BUDGET_NOTE if spent > line.amount_cents else "",
                    status=status_for(quarter),
                    entered_by=ENTERED_BY,
                    is_demo=True,
                )
            )
    insert_missing(session, Expenditure, rows, ["budget_line_id", "quarter"])


def reintegration_cell(base: dict, identified: int, rng: random.Random) -> dict:
    """Funnel counts for one cell, each stage at most the one before."""
    referred = sum(rng.random() < 0.85 for _ in range(identified))
    assisted = sum(rng.random() < 0.9 for _ in range(referred))
    started = sum(rng.random() < 0.7 for _ in range(assisted))
    completed = sum(rng.random() < 0.55 for _ in range(started))
    scores = {}
    if completed:
        parts = [round(rng.uniform(0.45, 0.9), 2) for _ in range(3)]
        scores = dict(
            score_economic=parts[0],
            score_social=parts[1],
            score_psychosocial=parts[2],
            score_composite=round(sum(parts) / 3, 2),
        )
    return base | dict(
        identified=identified,
        referred=referred,
        assisted=assisted,
        plans_started=started,
        plans_completed=completed,
        **scores,
    )


def seed_reintegration(session: Session, partners: dict[str, int], rng: random.Random) -> None:
    """Store demo reintegration counts per quarter x region x sex x age band."""
    rows = []
    for quarter in quarters_between("2024Q2", LAST_QUARTER):
        for region in REINTEGRATION_REGIONS:
            busy = region in ("MA-04", "MA-06", "MA-02")
            total = rng.randint(4, 30) if busy else rng.randint(0, 12)
            cells = split_exactly(total, [rng.uniform(0.3, 1.7) for _ in range(8)])
            for (sex, age), identified in zip(
                [(s, a) for s in SEXES for a in AGE_BANDS], cells, strict=True
            ):
                base = dict(
                    quarter=quarter,
                    region_code=region,
                    sex=sex,
                    age_band=age,
                    partner_id=partners["IOM"],
                    status=status_for(quarter),
                    entered_by=ENTERED_BY,
                    is_demo=True,
                )
                rows.append(reintegration_cell(base, identified, rng))
    key = ["quarter", "region_code", "sex", "age_band", "partner_id"]
    insert_missing(session, ReintegrationFigure, rows, key)


def seed_reviews(session: Session, award_id: int, partners: dict[str, int]) -> None:
    """Store the demo quarterly review states of each partner."""
    rows = []
    for quarter in quarters_between(FIRST_QUARTER, LAST_QUARTER):
        for partner, partner_id in partners.items():
            status = "approved" if quarter <= LAST_APPROVED else "submitted"
            comment = ""
            if quarter > LAST_APPROVED and partner == "UNODC":
                status, comment = "returned", "Demo: please attach the training attendance lists."
            rows.append(
                dict(
                    award_id=award_id,
                    partner_id=partner_id,
                    quarter=quarter,
                    status=status,
                    comment=comment,
                    updated_by=ENTERED_BY,
                    is_demo=True,
                )
            )
    insert_missing(session, QuarterReport, rows, ["award_id", "partner_id", "quarter"])


def seed_users(session: Session, partners: dict[str, int]) -> None:
    """Store one demo user per role (example.org addresses)."""
    rows = [
        dict(
            email=email,
            display_name=name,
            role=role,
            partner_id=partners[partner] if partner else None,
            region_code=region,
        )
        for email, name, role, partner, region in USERS
    ]
    insert_missing(session, User, rows, ["email"])


def seed_demo(
    session: Session,
    award_id: int,
    partners: dict[str, int],
    demo_source: int,
    *,
    figures: bool = True,
) -> None:
    """Store the demo data set (without figures: only its plan); rows present are left untouched."""
    rng = random.Random(2024)
    indicators = seed_framework(session, award_id)
    seed_activities(session, award_id, partners)
    seed_budget(session, award_id, partners)
    seed_users(session, partners)
    if not figures:
        seed_plan_only(session, partners, demo_source)
        return
    seed_indicator_data(session, indicators, rng)
    seed_milestones(session, rng)
    seed_centres(session, partners, demo_source, rng)
    seed_expenditures(session, partners, rng)
    seed_reintegration(session, partners, rng)
    seed_reviews(session, award_id, partners)


def seed_plan_only(session: Session, partners: dict[str, int], demo_source: int) -> None:
    """The demo's milestones not started and its centres planned, ready for figures from files."""
    seed_milestones(session, None)
    seed_centres(session, partners, demo_source, None)
