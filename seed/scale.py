"""A larger data set for benchmarks: the demo plus N generated programme blocks.

`grantmon seed --scale N [--random-seed S]` stores the public facts and the demo set, then N
blocks on the same award (the screens show one award and read every figure stored for it). A
block is what one more implementing partner brings under the award:

- a partner (code `S001`...) and its 8 indicators, shaped like the demo's and placed under the
  award's own outputs (the logframe keeps its 3 outcomes and 6 outputs), with quarterly targets
  and results. People-counting indicators are reported at the finest grain, region x sex x age
  band x nationality group (192 cells), beside the one-dimension breakdowns and the total the
  screens read (the cells add up to them);
- 13 activities with 3 milestones each, 7 centres with quarterly occupancy;
- 8 budget lines (one per cost category) with monthly expenditures;
- reintegration counts for 10 regions x sex x age band each quarter, and quarterly reviews.

Every generated row is marked is_demo where the table has the column. The same random seed
gives the same rows (timestamps included); a block's numbers depend only on the seed and the
block number. Rows go in with bulk INSERTs of many rows at a time (COPY on PostgreSQL).
"""

import io
import random
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from itertools import product
from typing import Any

from pydantic_core import PydanticUndefined
from sqlalchemy import Connection, Engine, Table, insert, select, text, update

from data_model import (
    Activity,
    ActivityRegion,
    Award,
    BudgetLine,
    Centre,
    CentreOccupancy,
    Expenditure,
    Indicator,
    IndicatorResult,
    IndicatorTarget,
    Milestone,
    Outcome,
    Output,
    Partner,
    QuarterReport,
    ReintegrationFigure,
    Source,
)
from data_model.common import AGE_BANDS, ALL, NATIONALITY_GROUPS, SEXES
from data_model.db import session_scope
from grantmon.periods import quarter_end, quarter_of, quarters_between
from grantmon.services.core.database import bump_data_version
from seed.demo import (
    DEMO_AS_OF,
    FIRST_QUARTER,
    LAST_QUARTER,
    PLAN_ONLY_KEYS,
    REINTEGRATION_REGIONS,
    milestone_progress,
    quarterly_plan,
    share_bases,
    split_exactly,
    status_for,
)
from seed.demo_plan import ACTIVITIES, CATEGORY_SHARES, CENTRES, COMPONENTS, INDICATORS

ENTERED_BY = "scale seed"
ENTERED_AT = datetime(2026, 10, 15, 9, 0, tzinfo=UTC)  # fixed, so runs are reproducible
PEOPLE_UNITS = frozenset({"people", "victims", "plans"})
CELL_COLUMNS = ("region_code", "sex", "age_band", "nationality_group")


def block_code(block: int) -> str:
    """The prefix of every code in a block: S001, S002..."""
    return f"S{block:03d}"


def _rng(seed: int, block: int) -> random.Random:
    # One stream per block: block k's rows do not depend on how many blocks run.
    return random.Random(seed * 1_000_003 + block)


def _stamp(quarter: str) -> datetime:
    """Entry time of a quarter's figures: two weeks after the quarter ends."""
    day = min(quarter_end(quarter) + timedelta(days=14), DEMO_AS_OF)
    return datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)


class Writer:
    """Bulk inserts on one connection: COPY on PostgreSQL, multi-row INSERT elsewhere."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.copy = connection.dialect.name == "postgresql"
        self.rows = 0

    def add(self, model: Any, rows: Sequence[dict[str, Any]]) -> None:
        """Store rows in one statement; keys a row leaves out take the model's defaults."""
        if not rows:
            return
        self.rows += len(rows)
        table = _table(model)
        keys = set().union(*rows)
        defaults = dict.fromkeys(keys) | _defaults(model)
        rows = [defaults | row for row in rows]
        if self.copy:
            self._copy(table, rows)
        else:
            self.connection.execute(insert(table), list(rows))

    def _copy(self, table: Table, rows: Sequence[dict[str, Any]]) -> None:
        columns = list(rows[0])
        cursor = self.connection.connection.cursor()
        names = ", ".join(f'"{c}"' for c in columns)
        with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:  # type: ignore[attr-defined]
            buffer = io.StringIO()
            for row in rows:
                buffer.write("\t".join(_copy_text(row[c]) for c in columns) + "\n")
            copy.write(buffer.getvalue())

    def ids(self, table: Table, key: str, codes: Sequence[str]) -> dict[str, int]:
        """Row ids by natural key, for the rows just stored."""
        query = select(table.c[key], table.c.id).where(table.c[key].in_(list(codes)))
        return {str(code): int(row_id) for code, row_id in self.connection.execute(query)}


def _defaults(model: Any) -> dict[str, Any]:
    # Plain defaults only: every timestamp is given by the generator, so runs repeat exactly.
    return {
        name: field.default
        for name, field in model.model_fields.items()
        if name != "id" and field.default is not PydanticUndefined and field.default is not None
    }


def _copy_text(value: Any) -> str:
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def _table(model: Any) -> Table:
    return model.__table__  # type: ignore[no-any-return]


def seed_partner(writer: Writer, block: int) -> int:
    """The block's implementing partner."""
    code = block_code(block)
    writer.add(Partner, [dict(code=code, name=f"Implementing partner {code} (demo)")])
    return writer.ids(_table(Partner), "code", [code])[code]


def seed_indicators(writer: Writer, block: int, award_id: int) -> dict[str, int]:
    """The block's indicators, under the award's own outputs; their ids by demo code."""
    prefix = block_code(block)
    outputs = (
        select(_table(Output).c.code, _table(Output).c.id)
        .join(_table(Outcome), _table(Outcome).c.id == _table(Output).c.outcome_id)
        .where(_table(Outcome).c.award_id == award_id)
    )
    output_ids = {str(code): int(row_id) for code, row_id in writer.connection.execute(outputs)}
    if not output_ids:
        raise LookupError(
            "The award has no outputs yet: seed the demo first (`grantmon seed --demo`)."
        )
    indicators = [_indicator_row(spec, prefix, output_ids[spec["output"]]) for spec in INDICATORS]
    writer.add(Indicator, indicators)
    found = writer.ids(_table(Indicator), "code", [i["code"] for i in indicators])
    for share, base in share_bases(found, f"{prefix}-").items():
        writer.connection.execute(
            update(_table(Indicator))
            .where(_table(Indicator).c.id == share)
            .values(base_indicator_id=base)
        )
    return {code.removeprefix(f"{prefix}-"): row_id for code, row_id in found.items()}


def _indicator_row(spec: dict, prefix: str, output_id: int) -> dict[str, Any]:
    row = {k: v for k, v in spec.items() if k not in PLAN_ONLY_KEYS}
    if spec["cumulative"] and spec["unit"] in PEOPLE_UNITS:
        row["disaggregations"] = "sex,age_band,nationality_group,region"
    return row | dict(code=f"{prefix}-{spec['code']}", output_id=output_id, is_demo=True)


def _cells() -> list[tuple[str, str, str, str]]:
    regions = [f"MA-{n:02d}" for n in range(1, 13)]
    return list(product(regions, SEXES, AGE_BANDS, NATIONALITY_GROUPS))


CELLS = _cells()


def _cell_weights(rng: random.Random) -> list[float]:
    """Skewed shares: a few regions and groups carry most of the caseload."""
    region = {f"MA-{n:02d}": rng.lognormvariate(0, 0.9) for n in range(1, 13)}
    sex = {s: rng.uniform(0.6, 1.4) for s in SEXES}
    shares = (0.6, 1.3, 1.4, 0.7)
    age = {a: w * rng.uniform(0.7, 1.3) for a, w in zip(AGE_BANDS, shares, strict=True)}
    nationality = {"moroccan": rng.uniform(1.0, 2.0), "foreign": rng.uniform(0.5, 1.5)}
    return [region[r] * sex[s] * age[a] * nationality[n] for r, s, a, n in CELLS]


def _result_rows(spec: dict, indicator_id: int, rng: random.Random) -> Iterator[dict[str, Any]]:
    """Targets first, then results of one indicator: totals, breakdowns and finest cells."""
    quarters = quarters_between(FIRST_QUARTER, LAST_QUARTER)
    full = spec["cumulative"] and spec["unit"] in PEOPLE_UNITS
    weights = _cell_weights(rng)
    scale = rng.uniform(0.5, 3.0)
    achievement = spec["achievement"] * rng.uniform(0.7, 1.3)
    for quarter, target in zip(quarters, quarterly_plan(spec, quarters), strict=True):
        target = round(target * scale) if spec["cumulative"] else target
        actual = max(0, round(target * achievement * rng.uniform(0.8, 1.2)))
        base = dict(
            indicator_id=indicator_id,
            quarter=quarter,
            status=status_for(quarter),
            entered_by=ENTERED_BY,
            entered_at=_stamp(quarter),
            is_demo=True,
        )
        yield dict(kind="target", indicator_id=indicator_id, quarter=quarter, target=target)
        yield base | dict(zip(CELL_COLUMNS, (ALL,) * 4, strict=True)) | {"value": float(actual)}
        if full:
            yield from _grain_rows(base, actual, weights, rng)


def _grain_rows(base: dict, total: int, weights: list[float], rng: random.Random):
    """The finest cells (adding up to the total) and each dimension's breakdown from them."""
    jittered = [w * rng.uniform(0.7, 1.3) for w in weights]
    counts = split_exactly(total, jittered)
    margins: dict[tuple[int, str], int] = {}
    for cell, count in zip(CELLS, counts, strict=True):
        cells = dict(zip(CELL_COLUMNS, cell, strict=True))
        yield base | cells | {"value": float(count)}
        for position, value in enumerate(cell):
            margins[(position, value)] = margins.get((position, value), 0) + count
    for (position, value), count in sorted(margins.items()):
        cells = {c: (value if i == position else ALL) for i, c in enumerate(CELL_COLUMNS)}
        yield base | cells | {"value": float(count)}


def seed_indicator_data(writer: Writer, indicators: dict[str, int], rng: random.Random) -> None:
    """Quarterly targets and results of the block's indicators."""
    targets, results = [], []
    for spec in INDICATORS:
        for row in _result_rows(spec, indicators[spec["code"]], rng):
            if row.pop("kind", None) == "target":
                targets.append(row)
            else:
                results.append(row)
    writer.add(IndicatorTarget, targets)
    writer.add(IndicatorResult, results)


def seed_activities(writer: Writer, block: int, award_id: int, partner_id: int, rng) -> None:
    """The block's activities (demo-shaped, shifted in time), their regions and milestones."""
    prefix = block_code(block)
    regions = [f"MA-{n:02d}" for n in range(1, 13)]
    activities: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    milestones: list[dict[str, Any]] = []
    for code, title, component, _, _, start, end in ACTIVITIES:
        shift = timedelta(days=rng.randint(-60, 90))
        start, end = start + shift, min(end + shift, date(2026, 12, 31))
        activities.append(
            dict(
                award_id=award_id,
                code=f"{prefix}-{code}",
                title=f"{title} ({prefix})",
                component=COMPONENTS[component],
                partner_id=partner_id,
                planned_start=start,
                planned_end=end,
                is_demo=True,
            )
        )
    writer.add(Activity, activities)
    ids = writer.ids(_table(Activity), "code", [a["code"] for a in activities])
    for activity in activities:
        activity_id = ids[activity["code"]]
        for region in sorted(rng.sample(regions, rng.randint(1, 4))):
            links.append(dict(activity_id=activity_id, region_code=region))
        milestones += _milestones(activity, activity_id, rng)
    writer.add(ActivityRegion, links)
    writer.add(Milestone, milestones)


def _milestones(activity: dict, activity_id: int, rng: random.Random) -> list[dict[str, Any]]:
    start, end = activity["planned_start"], activity["planned_end"]
    span = (end - start).days
    steps = ("Preparation complete", "Half of deliveries done", "Final delivery")
    rows = []
    for step, label in enumerate(steps, start=1):
        due = start + timedelta(days=span * step // len(steps))
        progress = dict(actual_completion_date=None) | milestone_progress(due, rng)
        rows.append(
            dict(
                activity_id=activity_id,
                code=f"{activity['code']}-M{step}",
                title=f"{activity['title']}: {label}",
                due_date=due,
                notes="",
                version=1,
                updated_by=ENTERED_BY,
                updated_at=ENTERED_AT,
                is_demo=True,
                **progress,
            )
        )
    return rows


def seed_centres(writer: Writer, block: int, partner_id: int, source_id: int, rng) -> None:
    """The block's centres near demo-centre cities, and their quarterly occupancy."""
    prefix = block_code(block)
    rows = []
    for name, kind, region, city, lat, lon, *_, opened, capacity, status in CENTRES:
        opened = opened and opened + timedelta(days=rng.randint(-200, 120))
        rows.append(
            dict(
                name=f"{name} ({prefix})",
                kind=kind,
                region_code=region,
                city=city,
                lat=round(lat + rng.uniform(-0.3, 0.3), 4),
                lon=round(lon + rng.uniform(-0.3, 0.3), 4),
                operator=f"Implementing partner {prefix}",
                partner_id=partner_id,
                opened_on=opened,
                capacity=capacity and max(4, capacity + rng.randint(-6, 10)),
                status=status if opened is None or opened <= DEMO_AS_OF else "planned",
                source_id=source_id,
                note="",
                version=1,
                updated_by=ENTERED_BY,
                updated_at=ENTERED_AT,
                is_demo=True,
            )
        )
    writer.add(Centre, rows)
    ids = writer.ids(_table(Centre), "name", [r["name"] for r in rows])
    writer.add(CentreOccupancy, _occupancy(rows, ids, rng))


def _occupancy(centres: list[dict], ids: dict[str, int], rng: random.Random) -> list[dict]:
    rows = []
    for centre in centres:
        opened, capacity = centre["opened_on"], centre["capacity"]
        if opened is None or opened > DEMO_AS_OF or capacity is None:
            continue
        for quarter in quarters_between(max(quarter_of(opened), FIRST_QUARTER), LAST_QUARTER):
            beds = round(capacity * rng.uniform(0.45, 0.95))
            rows.append(
                dict(
                    centre_id=ids[centre["name"]],
                    quarter=quarter,
                    average_beds_occupied=beds,
                    people_accommodated=beds + rng.randint(2, 12),
                    status=status_for(quarter),
                    entered_by=ENTERED_BY,
                    entered_at=_stamp(quarter),
                    is_demo=True,
                )
            )
    return rows


def seed_budget(writer: Writer, block: int, award_id: int, partner_id: int, rng) -> None:
    """The partner's budget lines and monthly spending against them."""
    total = round(rng.lognormvariate(11.5, 0.6)) * 100  # about US$100,000, skewed
    amounts = split_exactly(total, list(CATEGORY_SHARES.values()))
    lines = [
        dict(
            award_id=award_id,
            partner_id=partner_id,
            category=category,
            amount_cents=amount,
            is_assumed=True,
            version=1,
            is_demo=True,
        )
        for category, amount in zip(CATEGORY_SHARES, amounts, strict=True)
    ]
    writer.add(BudgetLine, lines)
    query = select(_table(BudgetLine).c.category, _table(BudgetLine).c.id).where(
        _table(BudgetLine).c.partner_id == partner_id
    )
    ids = {str(category): int(line_id) for category, line_id in writer.connection.execute(query)}
    writer.add(Expenditure, _spending(lines, ids, rng))


def _spending(lines: list[dict], ids: dict[str, int], rng: random.Random) -> list[dict]:
    rows = []
    for line in lines:
        burn = rng.choice((0.5, 0.85, 0.95, 1.0, 1.05, 1.3))
        for quarter in quarters_between(FIRST_QUARTER, LAST_QUARTER):
            paid = quarter_end(quarter)
            for month in (2, 1, 0):
                amount = int(line["amount_cents"] / 36 * burn * rng.uniform(0.6, 1.4))
                day = date(paid.year, paid.month - month, 28)
                rows.append(
                    dict(
                        budget_line_id=ids[line["category"]],
                        quarter=quarter,
                        spent_on=day,
                        amount_cents=amount,
                        description=f"Demo spending, {day:%b %Y}",
                        justification="",
                        status=status_for(quarter),
                        entered_by=ENTERED_BY,
                        entered_at=_stamp(quarter),
                        version=1,
                        is_demo=True,
                    )
                )
    return rows


def seed_reintegration(writer: Writer, partner_id: int, rng: random.Random) -> None:
    """The partner's reintegration counts per quarter x region x sex x age band."""
    rows = []
    for quarter in quarters_between("2024Q2", LAST_QUARTER):
        for region in REINTEGRATION_REGIONS:
            for sex, age in product(SEXES, AGE_BANDS):
                rows.append(_funnel(quarter, region, sex, age, partner_id, rng))
    writer.add(ReintegrationFigure, rows)


def _funnel(quarter: str, region: str, sex: str, age: str, partner_id: int, rng) -> dict:
    identified = min(40, int(rng.expovariate(0.35)))
    referred = round(identified * rng.uniform(0.7, 0.95))
    assisted = round(referred * rng.uniform(0.8, 1.0))
    started = round(assisted * rng.uniform(0.55, 0.85))
    completed = round(started * rng.uniform(0.4, 0.7))
    parts = [round(rng.uniform(0.45, 0.9), 2) for _ in range(3)] if completed else [None] * 3
    composite = round(sum(parts) / 3, 2) if completed else None  # type: ignore[arg-type]
    return dict(
        quarter=quarter,
        region_code=region,
        sex=sex,
        age_band=age,
        partner_id=partner_id,
        identified=identified,
        referred=referred,
        assisted=assisted,
        plans_started=started,
        plans_completed=completed,
        score_economic=parts[0],
        score_social=parts[1],
        score_psychosocial=parts[2],
        score_composite=composite,
        status=status_for(quarter),
        entered_by=ENTERED_BY,
        entered_at=_stamp(quarter),
        version=1,
        is_demo=True,
    )


def seed_reviews(writer: Writer, award_id: int, partner_id: int) -> None:
    """The partner's quarterly review states."""
    rows = [
        dict(
            award_id=award_id,
            partner_id=partner_id,
            quarter=quarter,
            status="approved" if status_for(quarter) == "approved" else "submitted",
            comment="",
            updated_by=ENTERED_BY,
            updated_at=_stamp(quarter),
            version=1,
            is_demo=True,
        )
        for quarter in quarters_between(FIRST_QUARTER, LAST_QUARTER)
    ]
    writer.add(QuarterReport, rows)


def seed_block(writer: Writer, block: int, award_id: int, source_id: int, seed: int) -> None:
    """Store one block: partner, framework and results, activities, centres, money, cases."""
    rng = _rng(seed, block)
    partner_id = seed_partner(writer, block)
    seed_indicator_data(writer, seed_indicators(writer, block, award_id), rng)
    seed_activities(writer, block, award_id, partner_id, rng)
    seed_centres(writer, block, partner_id, source_id, rng)
    seed_budget(writer, block, award_id, partner_id, rng)
    seed_reintegration(writer, partner_id, rng)
    seed_reviews(writer, award_id, partner_id)


def stored_blocks(connection: Connection) -> int:
    """How many blocks are stored already (their partners are S001, S002...)."""
    codes = connection.execute(select(_table(Partner).c.code)).scalars()
    return sum(1 for code in codes if len(code) == 4 and code[0] == "S" and code[1:].isdigit())


def seed_scale(engine: Engine, scale: int, *, seed: int = 2024) -> int:
    """Add blocks up to `scale` (blocks already stored stay as they are); return rows added."""
    with engine.begin() as connection:
        award_id = connection.execute(select(_table(Award).c.id).order_by("id")).scalars().first()
        source = select(_table(Source).c.id).where(_table(Source).c.key == "demo")
        source_id = connection.execute(source).scalar_one()
        have = stored_blocks(connection)
        writer = Writer(connection)
        for block in range(have + 1, scale + 1):
            seed_block(writer, block, int(award_id or 0), source_id, seed)
    if scale > have:
        with session_scope(engine) as session:
            bump_data_version(session)
        analyze(engine)
    return writer.rows


def analyze(engine: Engine) -> None:
    """Refresh the planner's statistics after a bulk load (and PostgreSQL's visibility map)."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    else:
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))
