"""Quarterly indicator results: the total and its disaggregation grid, validated and audited.

Indicators belong to the award, not to a partner: administrators and programme managers of any
partner may enter them (the issue asks for it). The quarter lock is the recipient's (IOM's)
QuarterReport. The helpers at the top (quarter lock, award period, row versions, numbers) are
shared by the other entry commands (spending, centres, reintegration).
"""

import math
import statistics
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import pandas as pd
from sqlalchemy import Executable, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from data_model import Award, Indicator, IndicatorResult, Outcome, Output, Region
from data_model.common import AGE_BANDS, ALL, NATIONALITY_GROUPS, QUARTER_PATTERN, SEXES, utc_now
from grantmon.formatting import long_date
from grantmon.i18n import t
from grantmon.periods import quarter_end, quarter_of, quarter_start, quarters_between, shift_quarter
from services import workflow
from services.access import Actor, may_edit
from services.commands import (
    CommandError,
    NotAllowed,
    StaleEdit,
    one_transaction,
    record_change,
)
from services.sql import frame

LOCKED = "This quarter was approved and is locked; an administrator can reopen it."
TOTAL = "total"  # the cell key of an indicator's total
DIMENSION_COLUMNS = {  # Indicator.disaggregations name -> IndicatorResult column
    "sex": "sex",
    "age_band": "age_band",
    "nationality_group": "nationality_group",
    "region": "region_code",
}
CELL_COLUMNS = ["region_code", "sex", "age_band", "nationality_group"]
OUTLIER_RATIO = 3  # more than 3x the previous quarter asks for confirmation
OUTLIER_SIGMAS = 2  # ... and so does more than 2 standard deviations from the history


class NeedsConfirmation(CommandError):
    """The value is far outside the indicator's history: save it only once confirmed."""


# ---------------------------------------------------------------- shared by the entry commands


def dimension_labels() -> dict[str, str]:
    """Readable names of the disaggregation dimensions (by Indicator.disaggregations name)."""
    return {
        "sex": t("Sex"),
        "age_band": t("Age band"),
        "nationality_group": t("Nationality group"),
        "region": t("Region"),
    }


def category_labels() -> dict[str, str]:
    """Readable names of the sex and nationality categories (age bands read as they are)."""
    return {
        "female": t("Female"),
        "male": t("Male"),
        "moroccan": t("Moroccan"),
        "foreign": t("Foreign national"),
    }


def the_award(session: Session) -> Award:
    """The award the figures are entered for (the first stored)."""
    award = session.execute(select(Award).order_by(col(Award.id))).scalars().first()
    if award is None:
        raise CommandError(t("No award is stored yet: run `grantmon seed`."))
    return award


def open_quarters(award: Award, today: date) -> list[str]:
    """The quarters of the award period up to the current one, latest first."""
    last = quarter_of(min(award.end_date, max(today, award.start_date)))
    return list(reversed(quarters_between(quarter_of(award.start_date), last)))


def quarter_error(quarter: str, award: Award, today: date) -> str | None:
    """Why figures cannot be entered for this quarter, or None."""
    if not QUARTER_PATTERN.match(quarter or ""):
        return t("Enter the quarter as 2025Q3.")
    if quarter_end(quarter) < award.start_date or quarter_start(quarter) > award.end_date:
        return t(
            "The quarter must fall inside the award period ({start} to {end}).",
            start=long_date(award.start_date),
            end=long_date(award.end_date),
        )
    if quarter_start(quarter) > today:
        return t("{quarter} has not started yet.", quarter=quarter)
    return None


def ensure_quarter_open(session: Session, *, award_id: int, partner_id: int, quarter: str) -> None:
    """Refuse a write into a partner's quarter that was approved (the shared lock rule)."""
    if workflow.quarter_is_locked(
        session=session, partner_id=partner_id, quarter=quarter, award_id=award_id
    ):
        raise CommandError(t(LOCKED), {"quarter": t(LOCKED)})


def quarter_is_locked(*, session: Session, actor: Actor, partner_id: int, quarter: str) -> bool:
    """Whether the partner's quarter is approved and therefore closed to entry."""
    award = the_award(session)
    try:
        ensure_quarter_open(
            session, award_id=int(award.id or 0), partner_id=partner_id, quarter=quarter
        )
    except CommandError:
        return True
    return False


def may_edit_partner(actor: Actor, partner_id: int) -> bool:
    """may_edit for a record that has a partner but no region (budget lines, indicators)."""
    # A region-scoped manager's region cannot be checked on a record without one: pass their
    # own region so only the partner decides.
    regions = {actor.region_code} if actor.region_code else set()
    return may_edit(actor, partner_id=partner_id, region_codes=regions)


def parse_number(value: Any, *, whole: bool = False) -> Decimal | None:
    """A non-negative finite number from a form or grid value; None when left blank."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, bool):
        raise ValueError(t("Enter a number."))
    text = str(value).strip()
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation as error:
        raise ValueError(t("'{value}' is not a number.", value=text)) from error
    if not number.is_finite():
        raise ValueError(t("'{value}' is not a number.", value=text))
    if number < 0:
        raise ValueError(t("The value cannot be negative."))
    if whole and number != number.to_integral_value():
        raise ValueError(t("Enter a whole number."))
    return number


def evidence_error(url: str | None) -> str | None:
    """Why an evidence link is refused (only http and https links are stored), or None."""
    if url and not url.strip().lower().startswith(("https://", "http://")):
        return t("The evidence link must start with https:// or http://.")
    return None


def refuse_if_changed(
    opened: Mapping[str, Any], current: Mapping[str, Any], who: str, when: Any
) -> None:
    """Refuse with StaleEdit when the stored figures differ from what the form was opened on."""
    changed = {
        key: (opened.get(key), current.get(key))
        for key in sorted(set(opened) | set(current))
        if _same(opened.get(key)) != _same(current.get(key))
    }
    if changed:
        raise StaleEdit(stale_message(who, when), changed)


def _same(value: Any) -> Any:
    # Compare figures as numbers: 12, 12.0 and "12" are the same figure.
    try:
        number = float(value) if value is not None and value != "" else None
    except (TypeError, ValueError):
        return value
    return None if number is None or math.isnan(number) else number  # a blank grid cell


def stale_message(who: str, when: Any) -> str:
    """The refusal of an edit made on figures someone saved since the form was opened."""
    return t(
        "{who} saved these figures at {when} after you opened the form. Nothing of yours was "
        "saved: review their changes and enter yours again.",
        who=who or t("Someone"),
        when=f"{when:%d %b %Y %H:%M} UTC" if when else t("a moment ago"),
    )


def claim_rows(session: Session, rows: Sequence[Any]) -> None:
    """Move each row to its next version, or refuse if another save got there first."""
    for row in rows:
        table = type(row)
        claimed = session.execute(
            update(table)
            .where(table.id == row.id, table.version == row.version)
            .values(version=row.version + 1)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            raise StaleEdit(stale_message("", None), {})
        row.version += 1


@contextmanager
def new_rows_race_is_stale() -> Iterator[None]:
    """Two first saves of the same cells at once: the loser is told, as for any stale edit."""
    try:
        yield
    except IntegrityError as error:
        raise StaleEdit(stale_message("", None), {}) from error


def latest_entry(rows: Sequence[Any]) -> tuple[str, Any]:
    """Who entered the most recent of these rows, and when."""
    if not rows:
        return "", None
    last = max(rows, key=lambda r: r.entered_at)
    return last.entered_by, last.entered_at


# ---------------------------------------------------------------------- indicator results reads


def result_indicators(*, session: Session, actor: Actor) -> pd.DataFrame:
    """The indicators results are entered for, with their unit and disaggregations."""
    query: Executable = select(
        col(Indicator.id),
        col(Indicator.code),
        col(Indicator.title),
        col(Indicator.unit),
        col(Indicator.cumulative),
        col(Indicator.disaggregations),
    ).order_by(col(Indicator.code))
    return frame(session, query)


def result_quarters(*, session: Session, actor: Actor, today: date) -> list[str]:
    """The quarters results may be entered for, latest first."""
    return open_quarters(the_award(session), today)


def indicator_cells(session: Session, disaggregations: str) -> list[tuple[str, str, str]]:
    """(cell key, dimension, category) of the total and each declared disaggregation."""
    regions = session.execute(select(col(Region.iso_code)).order_by(col(Region.iso_code)))
    categories = {
        "sex": SEXES,
        "age_band": AGE_BANDS,
        "nationality_group": NATIONALITY_GROUPS,
        "region": tuple(regions.scalars()),
    }
    cells = [(TOTAL, TOTAL, TOTAL)]
    for dimension in [d.strip() for d in disaggregations.split(",") if d.strip()]:
        cells += [(f"{dimension}={c}", dimension, c) for c in categories.get(dimension, ())]
    return cells


def cell_key(row: Any) -> str:
    """The grid cell a stored result row fills."""
    for dimension, column in DIMENSION_COLUMNS.items():
        if getattr(row, column) != ALL:
            return f"{dimension}={getattr(row, column)}"
    return TOTAL


def _stored(session: Session, indicator_id: int, quarter: str) -> dict[str, IndicatorResult]:
    rows = session.execute(
        select(IndicatorResult).where(
            col(IndicatorResult.indicator_id) == indicator_id,
            col(IndicatorResult.quarter) == quarter,
        )
    ).scalars()
    return {cell_key(row): row for row in rows}


def result_grid(*, session: Session, actor: Actor, indicator_id: int, quarter: str) -> pd.DataFrame:
    """One row per cell (total first, then each category) with its labels and stored value."""
    columns = ["cell", "dimension", "category", "dimension_label", "category_label", "value"]
    indicator = session.get(Indicator, indicator_id)
    if indicator is None:
        return pd.DataFrame(columns=columns)
    stored = _stored(session, indicator_id, quarter)
    names = _category_names(session)
    dimensions = dimension_labels() | {TOTAL: t("Total")}
    rows = []
    for key, dimension, category in indicator_cells(session, indicator.disaggregations):
        row = stored.get(key)
        rows.append(
            dict(
                cell=key,
                dimension=dimension,
                category=category,
                dimension_label=dimensions[dimension],
                category_label=t("All") if category == TOTAL else names.get(category, category),
                value=row.value if row else None,
                status=row.status if row else None,
                evidence_url=row.evidence_url if row else None,
                entered_by=row.entered_by if row else None,
                entered_at=row.entered_at if row else None,
            )
        )
    return pd.DataFrame(rows)


def _category_names(session: Session) -> dict[str, str]:
    regions = session.execute(select(col(Region.iso_code), col(Region.name_fr)))
    return category_labels() | {code: name for code, name in regions.all()}


def results_quarter_locked(*, session: Session, actor: Actor, quarter: str) -> bool:
    """Whether the recipient's report of this quarter is approved (results then read-only)."""
    award = the_award(session)
    return quarter_is_locked(
        session=session, actor=actor, partner_id=award.recipient_id, quarter=quarter
    )


def result_history(
    session: Session, indicator_id: int, quarter: str
) -> tuple[float | None, list[float]]:
    """The previous quarter's total and every earlier quarter's total of the indicator."""
    query = (
        select(col(IndicatorResult.quarter), col(IndicatorResult.value))
        .where(
            col(IndicatorResult.indicator_id) == indicator_id,
            col(IndicatorResult.quarter) < quarter,
            *[col(getattr(IndicatorResult, c)) == ALL for c in CELL_COLUMNS],
        )
        .order_by(col(IndicatorResult.quarter))
    )
    totals = {q: v for q, v in session.execute(query).all()}
    return totals.get(shift_quarter(quarter, -1)), list(totals.values())


def outlier_reason(value: float, previous: float | None, history: list[float]) -> str | None:
    """Why a total is far outside the indicator's history, or None when it is not."""
    if previous and value > OUTLIER_RATIO * previous:
        return t(
            "{value:g} is more than 3 times the previous quarter's {previous:g}.",
            value=value,
            previous=previous,
        )
    if len(history) >= 3:
        mean, spread = statistics.mean(history), statistics.stdev(history)
        if spread > 0 and abs(value - mean) > OUTLIER_SIGMAS * spread:
            return t(
                "{value:g} is more than 2 standard deviations from this indicator's history "
                "(average {mean:.1f}, standard deviation {spread:.1f}).",
                value=value,
                mean=mean,
                spread=spread,
            )
    return None


# ------------------------------------------------------------------- indicator results command


def parse_cells(
    cells: list[tuple[str, str, str]], values: Mapping[str, Any]
) -> tuple[dict[str, float], dict[str, str]]:
    """Every cell as a non-negative number, and per-cell problems.

    A blank category counts as 0 when others of its breakdown are filled; a blank total, or a
    breakdown left entirely blank, is a problem.
    """
    parsed: dict[str, float] = {}
    errors: dict[str, str] = {}
    blank: dict[str, list[str]] = {}
    for key, dimension, _ in cells:
        try:
            number = parse_number(values.get(key))
        except ValueError as error:
            errors[key] = str(error)
            continue
        if number is None:
            blank.setdefault(dimension, []).append(key)
        else:
            parsed[key] = float(number)
    errors |= _blank_errors(cells, blank, parsed)
    for key in sorted(set(values) - {key for key, _, _ in cells}):
        errors[key] = t("This indicator is not disaggregated that way.")
    return parsed, errors


def _blank_errors(
    cells: list[tuple[str, str, str]], blank: dict[str, list[str]], parsed: dict[str, float]
) -> dict[str, str]:
    errors: dict[str, str] = {}
    labels = dimension_labels()
    for dimension, keys in blank.items():
        if dimension == TOTAL:
            errors[TOTAL] = t("Enter the total (0 if there is none).")
        elif len(keys) == sum(1 for _, d, _ in cells if d == dimension):
            errors[dimension] = t(
                "Enter the breakdown by {dimension}.",
                dimension=labels.get(dimension, dimension).lower(),
            )
        else:
            parsed.update(dict.fromkeys(keys, 0.0))
    return errors


def sum_errors(
    cells: list[tuple[str, str, str]], parsed: dict[str, float], cumulative: bool
) -> dict[str, str]:
    """For each dimension, the categories must add up to the total (counts only)."""
    if not cumulative or TOTAL not in parsed:
        return {}  # averages and percentages of categories do not add up to the total
    errors: dict[str, str] = {}
    labels = dimension_labels()
    for dimension in dict.fromkeys(d for _, d, _ in cells if d != TOTAL):
        keys = [k for k, d, _ in cells if d == dimension]
        if not all(k in parsed for k in keys):
            continue
        added = sum(parsed[k] for k in keys)
        if not math.isclose(added, parsed[TOTAL], abs_tol=1e-9):
            errors[dimension] = t(
                "By {dimension}, the categories add up to {sum:g} but the total is {total:g}.",
                dimension=labels.get(dimension, dimension).lower(),
                sum=added,
                total=parsed[TOTAL],
            )
    return errors


def _result_scope(session: Session, indicator_id: int) -> tuple[Indicator, Award]:
    row = session.execute(
        select(Indicator, Award)
        .join(Output, col(Output.id) == col(Indicator.output_id))
        .join(Outcome, col(Outcome.id) == col(Output.outcome_id))
        .join(Award, col(Award.id) == col(Outcome.award_id))
        .where(col(Indicator.id) == indicator_id)
    ).first()
    if row is None:
        raise CommandError(t("This indicator no longer exists."))
    return row[0], row[1]


def _validated(
    session: Session,
    indicator: Indicator,
    award: Award,
    quarter: str,
    values: Mapping[str, Any],
    evidence_url: str | None,
    today: date,
) -> tuple[list[tuple[str, str, str]], dict[str, float]]:
    cells = indicator_cells(session, indicator.disaggregations)
    parsed, errors = parse_cells(cells, values)
    errors |= sum_errors(cells, parsed, indicator.cumulative)
    quarter_problem = quarter_error(quarter, award, today)
    if quarter_problem:
        errors["quarter"] = quarter_problem
    link_problem = evidence_error(evidence_url)
    if link_problem:
        errors["evidence_url"] = link_problem
    if errors:
        raise CommandError(t("Some values need attention."), errors)
    return cells, parsed


def _apply(
    session: Session,
    actor: Actor,
    indicator: Indicator,
    quarter: str,
    cells: list[tuple[str, str, str]],
    parsed: dict[str, float],
    evidence_url: str | None,
) -> tuple[dict[str, float | None], dict[str, float]]:
    stored = _stored(session, int(indicator.id or 0), quarter)
    changed = [
        row
        for key, row in stored.items()
        if key in parsed and (row.value, row.evidence_url) != (parsed[key], evidence_url)
    ]
    claim_rows(session, changed)
    before = {k: (stored[k].value if k in stored else None) for k in parsed}
    for key, dimension, category in cells:
        row = stored.get(key) or IndicatorResult(
            indicator_id=int(indicator.id or 0), quarter=quarter, value=0.0, entered_by=""
        )
        if dimension != TOTAL:
            setattr(row, DIMENSION_COLUMNS[dimension], category)
        if key in stored and row not in changed:
            continue
        row.value, row.evidence_url = parsed[key], evidence_url
        row.entered_by, row.entered_at = actor.email, utc_now()
        session.add(row)
    return before, dict(parsed)


def enter_results(
    *,
    session: Session,
    actor: Actor,
    indicator_id: int,
    quarter: str,
    values: Mapping[str, Any],
    opened: Mapping[str, Any],
    evidence_url: str | None = None,
    confirmed: bool = False,
    today: date,
) -> dict[str, float]:
    """Store a quarter's total and disaggregations of an indicator; return the stored cells.

    `values` and `opened` map cell keys ('total', 'sex=female', 'region=MA-04', ...) to the
    submitted and the originally shown values.
    """
    evidence_url = (evidence_url or "").strip() or None
    with new_rows_race_is_stale(), one_transaction(session):
        if not actor.enters_data:
            raise NotAllowed(t("Your role does not let you enter indicator results."))
        indicator, award = _result_scope(session, indicator_id)
        cells, parsed = _validated(session, indicator, award, quarter, values, evidence_url, today)
        ensure_quarter_open(
            session, award_id=int(award.id or 0), partner_id=award.recipient_id, quarter=quarter
        )
        stored = _stored(session, indicator_id, quarter)
        who, when = latest_entry(list(stored.values()))
        refuse_if_changed(opened, {k: r.value for k, r in stored.items()}, who, when)
        _confirm_outliers(session, indicator_id, quarter, parsed[TOTAL], confirmed)
        before, after = _apply(session, actor, indicator, quarter, cells, parsed, evidence_url)
        record_change(
            session,
            actor=actor,
            action="update" if stored else "create",
            entity="indicator_result",
            entity_id=f"{indicator.code} {quarter}",
            before=before | {"evidence_url": _evidence_of(stored)} if stored else None,
            after=after | {"evidence_url": evidence_url},
            reason=t("Confirmed as far outside the history.") if confirmed else "",
        )
    return after


def _evidence_of(stored: Mapping[str, IndicatorResult]) -> str | None:
    total = stored.get(TOTAL)
    return total.evidence_url if total else None


def _confirm_outliers(
    session: Session, indicator_id: int, quarter: str, total: float, confirmed: bool
) -> None:
    previous, history = result_history(session, indicator_id, quarter)
    reason = outlier_reason(total, previous, history)
    if reason and not confirmed:
        message = t(
            "{reason} Check the value; if it is right, tick 'I confirm this value' and save again.",
            reason=reason,
        )
        raise NeedsConfirmation(message, {TOTAL: message})
