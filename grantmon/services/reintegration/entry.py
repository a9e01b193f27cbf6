"""Reintegration figures: a quarter x region grid of counts by sex and age band (no names)."""

from collections.abc import Mapping
from datetime import date
from itertools import pairwise
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlmodel import Session, col

from data_model import Region, ReintegrationFigure
from data_model.common import AGE_BANDS, SEXES, utc_now
from data_model.reintegration import FUNNEL_STAGES
from grantmon.i18n import N_, t
from grantmon.services.core.access import EVERYONE, STAFF, Actor, command, may_edit, readable_by
from grantmon.services.core.commands import CommandError, NotAllowed, one_transaction, record_change
from grantmon.services.core.entry_rules import (
    PEOPLE,
    category_labels,
    claim_rows,
    ensure_quarter_open,
    latest_entry,
    new_rows_race_is_stale,
    parse_number,
    quarter_error,
    refuse_if_changed,
    the_award,
)
from grantmon.services.workflow.commands import open_for_change

CELLS = [(sex, band) for sex in SEXES for band in AGE_BANDS]


def stage_labels() -> dict[str, str]:
    """Readable names of the funnel stages."""
    return {
        "identified": t("Identified"),
        "referred": t("Referred"),
        "assisted": t("Assisted"),
        "plans_started": t("Plans started"),
        "plans_completed": t("Plans completed"),
    }


def cell_name(sex: str, band: str) -> str:
    """How a cell is named in messages: 'Female, 18-24'."""
    return f"{category_labels().get(sex, sex)}, {band}"


@readable_by(EVERYONE)  # only a partner's id: the commands ask it before their own check
def entry_partner(actor: Actor, session: Session) -> int:
    """The partner whose figures the actor enters: their own, or the recipient for admins."""
    return actor.partner_id or the_award(session).recipient_id


@readable_by(STAFF, N_("the regions open for entering figures"))
def entry_regions(*, session: Session, actor: Actor) -> pd.DataFrame:
    """The regions this actor may enter figures for (code and French name)."""
    regions = session.execute(
        select(col(Region.iso_code), col(Region.name_fr)).order_by(col(Region.iso_code))
    ).all()
    partner = entry_partner(actor, session)
    rows = [(c, n) for c, n in regions if may_edit(actor, partner_id=partner, region_codes={c})]
    return pd.DataFrame(rows, columns=["code", "name"])


def stored_figures(
    session: Session, partner_id: int, quarter: str, region: str
) -> dict[tuple[str, str], ReintegrationFigure]:
    """The stored rows of a partner's region and quarter, by (sex, age band)."""
    rows = session.execute(
        select(ReintegrationFigure).where(
            col(ReintegrationFigure.partner_id) == partner_id,
            col(ReintegrationFigure.quarter) == quarter,
            col(ReintegrationFigure.region_code) == region,
        )
    ).scalars()
    return {(r.sex, r.age_band): r for r in rows}


@readable_by(STAFF, N_("the reintegration figures as entered"))
def reintegration_grid(
    *, session: Session, actor: Actor, quarter: str, region_code: str
) -> pd.DataFrame:
    """One row per sex x age band with the stored counts (None where nothing is stored)."""
    stored = stored_figures(session, entry_partner(actor, session), quarter, region_code)
    rows = []
    for sex, band in CELLS:
        row = stored.get((sex, band))
        counts = {s: getattr(row, s) if row else None for s in FUNNEL_STAGES}
        rows.append(
            dict(cell=f"{sex}/{band}", sex=sex, age_band=band, label=cell_name(sex, band)) | counts
        )
    return pd.DataFrame(rows)


def stored_counts(stored: Mapping[tuple[str, str], ReintegrationFigure]) -> dict[str, Any]:
    """Stored rows as flat() counts: {'female/18-24 identified': 3, ...}."""
    return flat(
        {f"{s}/{b}": {st: getattr(r, st) for st in FUNNEL_STAGES} for (s, b), r in stored.items()}
    )


def flat(grid: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """{'female/18-24': {'identified': 3, ...}} as {'female/18-24 identified': 3, ...}."""
    return {f"{cell} {stage}": v for cell, counts in grid.items() for stage, v in counts.items()}


def _parse(values: Mapping[str, Mapping[str, Any]]) -> tuple[dict[str, dict[str, int]], dict]:
    parsed: dict[str, dict[str, int]] = {}
    errors: dict[str, str] = {}
    known = {f"{s}/{b}" for s, b in CELLS}
    for cell in sorted(set(values) - known):
        errors[cell] = t("'{cell}' is not a sex and age band of this grid.", cell=cell)
    for sex, band in CELLS:
        cell, counts = f"{sex}/{band}", values.get(f"{sex}/{band}", {})
        parsed[cell] = {}
        for stage in FUNNEL_STAGES:
            try:
                number = parse_number(counts.get(stage), PEOPLE)
            except ValueError as error:
                errors[f"{cell} {stage}"] = (
                    f"{cell_name(sex, band)}, {stage_labels()[stage]}: {error}"
                )
                continue
            parsed[cell][stage] = int(number or 0)  # a blank count is 0
    return parsed, errors


def _funnel_errors(parsed: dict[str, dict[str, int]]) -> dict[str, str]:
    errors: dict[str, str] = {}
    labels = stage_labels()
    for sex, band in CELLS:
        counts = parsed[f"{sex}/{band}"]
        for earlier, later in pairwise(FUNNEL_STAGES):
            if earlier in counts and later in counts and counts[later] > counts[earlier]:
                errors[f"{sex}/{band} {later}"] = t(
                    "{cell}: {later} ({n_later}) is more than {earlier} ({n_earlier}).",
                    cell=cell_name(sex, band),
                    later=labels[later],
                    n_later=counts[later],
                    earlier=labels[earlier].lower(),
                    n_earlier=counts[earlier],
                )
    return errors


def _validated(
    values: Mapping[str, Mapping[str, Any]], quarter: str, session: Session, today: date
) -> dict[str, dict[str, int]]:
    parsed, errors = _parse(values)
    errors |= _funnel_errors(parsed)
    problem = quarter_error(quarter, the_award(session), today)
    if problem:
        errors["quarter"] = problem
    if errors:
        raise CommandError(t("Some figures need attention."), errors)
    return parsed


@command
def enter_reintegration(
    *,
    session: Session,
    actor: Actor,
    quarter: str,
    region_code: str,
    values: Mapping[str, Mapping[str, Any]],
    opened: Mapping[str, Any],
    today: date,
) -> dict[str, dict[str, int]]:
    """Store a quarter's counts for one region, every cell at once; return them.

    `values` maps 'sex/age band' to {stage: count}; `opened` is flat() of the grid as shown.
    """
    with new_rows_race_is_stale(), one_transaction(session):
        partner = entry_partner(actor, session)
        if not may_edit(actor, partner_id=partner, region_codes={region_code}):
            raise NotAllowed(t("Your role does not let you enter figures for this region."))
        if session.get(Region, region_code) is None:
            raise CommandError(
                t("Unknown region."), {"region_code": t("Choose a region from the list.")}
            )
        parsed = _validated(values, quarter, session, today)
        award = the_award(session)
        ensure_quarter_open(
            session, award_id=int(award.id or 0), partner_id=partner, quarter=quarter
        )
        stored = stored_figures(session, partner, quarter, region_code)
        refuse_if_changed(opened, stored_counts(stored), *latest_entry(list(stored.values())))
        open_for_change(
            session,
            actor=actor,
            award_id=int(award.id or 0),
            partner_id=partner,
            quarter=quarter,
            changed=flat(parsed) != stored_counts(stored),  # the same figures again change nothing
        )
        before = _apply(session, actor, partner, quarter, region_code, parsed, stored)
        record_change(
            session,
            actor=actor,
            action="update" if stored else "create",
            entity="reintegration",
            entity_id=f"{region_code} {quarter} {partner}",
            before=before or None,
            after=flat(parsed),
        )
    return parsed


def _apply(
    session: Session,
    actor: Actor,
    partner: int,
    quarter: str,
    region: str,
    parsed: dict[str, dict[str, int]],
    stored: dict[tuple[str, str], ReintegrationFigure],
) -> dict[str, int]:
    changed = [
        r
        for (s, b), r in stored.items()
        if {st: getattr(r, st) for st in FUNNEL_STAGES} != parsed[f"{s}/{b}"]
    ]
    claim_rows(session, changed)
    before = stored_counts(stored)
    for sex, band in CELLS:
        row = stored.get((sex, band))
        if row is not None and row not in changed:
            continue
        row = row or ReintegrationFigure(
            quarter=quarter,
            region_code=region,
            sex=sex,
            age_band=band,
            partner_id=partner,
            entered_by="",
        )
        for stage, count in parsed[f"{sex}/{band}"].items():
            setattr(row, stage, count)
        row.entered_by, row.entered_at = actor.email, utc_now()
        session.add(row)
    return before


@readable_by(STAFF, N_("the partner whose figures you enter"))
def entry_partner_id(*, session: Session, actor: Actor) -> int:
    """The partner whose figures this actor enters (for the quarter lock and history)."""
    return entry_partner(actor, session)
