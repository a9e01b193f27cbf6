"""Quarterly indicator results: the total and its disaggregation grid, validated and audited.

Indicators belong to the award and are reported by its recipient (IOM): administrators and the
recipient's programme managers enter them, a manager limited to a region only that region's
cell. The quarter lock is the recipient's (IOM's) QuarterReport; the rules
shared with the other entry commands (quarters, numbers, versions, unusual values) are in
services/core/entry_rules.py.
"""

import math
from collections.abc import Mapping
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import Executable, select
from sqlmodel import Session, col

from data_model import Award, Indicator, IndicatorResult, Outcome, Output, Region, Role
from data_model.common import AGE_BANDS, ALL, NATIONALITY_GROUPS, SEXES, utc_now
from grantmon.formatting import figure
from grantmon.i18n import N_, t
from grantmon.services.core.access import STAFF, Actor, command, readable_by
from grantmon.services.core.commands import (
    CommandError,
    NotAllowed,
    one_transaction,
    record_change,
)
from grantmon.services.core.entry_rules import (
    COUNT_RESULT,
    PERCENT_RESULT,
    RESULT,
    NeedsConfirmation,
    NumberRange,
    category_labels,
    claim_rows,
    dimension_labels,
    ensure_quarter_open,
    evidence_error,
    latest_entry,
    may_edit_partner,
    new_rows_race_is_stale,
    parse_number,
    quarter_error,
    quarter_is_locked,
    refuse_if_changed,
    the_award,
)
from grantmon.services.core.sql import frame
from grantmon.services.results.unusual import earlier_totals, outlier_reason
from grantmon.services.workflow.commands import open_for_change

TOTAL = "total"  # the cell key of an indicator's total
DIMENSION_COLUMNS = {  # Indicator.disaggregations name -> IndicatorResult column
    "sex": "sex",
    "age_band": "age_band",
    "nationality_group": "nationality_group",
    "region": "region_code",
}


# ---------------------------------------------------------------------- indicator results reads


@readable_by(STAFF, N_("the indicators results are entered for"))
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


@readable_by(STAFF, N_("the indicator results as entered"))
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


@readable_by(STAFF, N_("whether a quarter is open for entering figures"))
def results_quarter_locked(*, session: Session, actor: Actor, quarter: str) -> bool:
    """Whether the recipient's report of this quarter is approved (results then read-only)."""
    award = the_award(session)
    return quarter_is_locked(
        session=session, actor=actor, partner_id=award.recipient_id, quarter=quarter
    )


# ------------------------------------------------------------------- indicator results command


def result_range(indicator: Indicator) -> NumberRange:
    """The values an indicator takes: up to 100 for a percentage, whole for counts."""
    if indicator.unit.strip() == "%":
        return PERCENT_RESULT
    return COUNT_RESULT if indicator.cumulative else RESULT  # non-cumulative: averages, rates


def parse_cells(
    cells: list[tuple[str, str, str]], values: Mapping[str, Any], allowed: NumberRange
) -> tuple[dict[str, float], dict[str, str]]:
    """Every cell as a number within the indicator's range, and per-cell problems.

    A blank category counts as 0 when others of its breakdown are filled; a blank total, or a
    breakdown left entirely blank, is a problem.
    """
    parsed: dict[str, float] = {}
    errors: dict[str, str] = {}
    blank: dict[str, list[str]] = {}
    for key, dimension, _ in cells:
        try:
            number = parse_number(values.get(key), allowed)
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
                "By {dimension}, the categories add up to {sum} but the total is {total}.",
                dimension=labels.get(dimension, dimension).lower(),
                sum=figure(added),
                total=figure(parsed[TOTAL]),
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
    parsed, errors = parse_cells(cells, values, result_range(indicator))
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


@command
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
        indicator, award = _result_scope(session, indicator_id)
        if not may_edit_partner(actor, award.recipient_id):
            raise NotAllowed(t("Your role does not let you enter indicator results."))
        cells, parsed = _validated(session, indicator, award, quarter, values, evidence_url, today)
        ensure_quarter_open(
            session, award_id=int(award.id or 0), partner_id=award.recipient_id, quarter=quarter
        )
        stored = _stored(session, indicator_id, quarter)
        who, when = latest_entry(list(stored.values()))
        refuse_if_changed(opened, {k: r.value for k, r in stored.items()}, who, when)
        _confirm_outliers(session, indicator_id, quarter, parsed[TOTAL], confirmed)
        _open_for(session, actor, award, quarter, _changed_cells(stored, parsed, evidence_url))
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


def _changed_cells(
    stored: Mapping[str, IndicatorResult], parsed: Mapping[str, float], evidence_url: str | None
) -> list[str]:
    """The cells this save adds or changes (value or evidence link)."""
    return [
        key
        for key, value in parsed.items()
        if key not in stored
        or (stored[key].value, stored[key].evidence_url) != (value, evidence_url)
    ]


def _open_for(
    session: Session, actor: Actor, award: Award, quarter: str, changed: list[str]
) -> None:
    """Check the region scope of the changed cells; a change reopens a submitted quarter."""
    _refuse_other_regions(actor, changed)
    open_for_change(
        session,
        actor=actor,
        award_id=int(award.id or 0),
        partner_id=award.recipient_id,
        quarter=quarter,
        changed=bool(changed),
    )


def _refuse_other_regions(actor: Actor, changed: list[str]) -> None:
    """A manager limited to a region changes only that region's cell, never a national one."""
    if actor.role != Role.MANAGER or actor.region_code is None:
        return
    outside = [key for key in changed if key != f"region={actor.region_code}"]
    if not outside:
        return
    message = t(
        "You enter figures for {region} only: this cell covers more than {region}.",
        region=actor.region_code,
    )
    raise NotAllowed(
        t(
            "Your role lets you change only the {region} cell of these results.",
            region=actor.region_code,
        ),
        dict.fromkeys(outside, message),
    )


def _evidence_of(stored: Mapping[str, IndicatorResult]) -> str | None:
    total = stored.get(TOTAL)
    return total.evidence_url if total else None


def _confirm_outliers(
    session: Session, indicator_id: int, quarter: str, total: float, confirmed: bool
) -> None:
    reason = outlier_reason(total, earlier_totals(session, indicator_id, quarter))
    if reason and not confirmed:
        message = t(
            "{reason} Check the value; if it is right, tick 'I confirm this value' and save again.",
            reason=reason,
        )
        raise NeedsConfirmation(message, {TOTAL: message}, reason)
