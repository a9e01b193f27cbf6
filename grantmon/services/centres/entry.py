"""Centres: status, opening date and capacity (version-checked), and quarterly occupancy."""

from collections.abc import Mapping
from datetime import date
from typing import Any

import pandas as pd
from pydantic import BaseModel, Field, ValidationError
from sqlalchemy import Executable, select
from sqlmodel import Session, col

from data_model import Centre, CentreOccupancy, Region, ReportStatus
from data_model.centres import CENTRE_STATUSES
from data_model.common import MAX_BEDS, utc_now
from grantmon.formatting import long_date
from grantmon.i18n import N_, t
from grantmon.periods import quarter_end
from grantmon.services.core.access import STAFF, Actor, command, may_edit, readable_by
from grantmon.services.core.commands import (
    CommandError,
    NotAllowed,
    claim_version,
    field_errors_of,
    one_transaction,
    record_change,
    snapshot,
)
from grantmon.services.core.entry_rules import (
    BEDS,
    PEOPLE,
    claim_rows,
    ensure_quarter_open,
    new_rows_race_is_stale,
    numbers_checked,
    quarter_error,
    refuse_if_changed,
    the_award,
)
from grantmon.services.core.sql import frame
from grantmon.services.workflow.commands import open_for_change

CENTRE_FIELDS = ["status", "opened_on", "capacity"]
OCCUPANCY_FIELDS = ["people_accommodated", "average_beds_occupied"]
OCCUPANCY_RANGES = {"people_accommodated": PEOPLE, "average_beds_occupied": BEDS}
FRIENDLY = {
    "status": N_("Choose planned, open or closed."),
    "opened_on": N_("Enter the date as YYYY-MM-DD or DD/MM/YYYY."),
    "capacity": N_("Capacity is a whole number of beds, 0 or more (leave blank if not known)."),
    "version": N_("The form is out of date: reload it."),
}


class CentreChange(BaseModel):
    """What a manager submits about a centre; `version` is the one their form was opened on."""

    status: str = Field(pattern="^(" + "|".join(CENTRE_STATUSES) + ")$")
    opened_on: date | None = None
    capacity: int | None = Field(default=None, ge=0, le=MAX_BEDS, strict=False)
    version: int
    reason: str = Field(default="", max_length=2000)


@readable_by(STAFF, N_("the centres open for editing"))
def editable_centres(*, session: Session, actor: Actor) -> pd.DataFrame:
    """The centres this actor may update, with the values the forms start from."""
    query: Executable = (
        select(
            col(Centre.id),
            col(Centre.name),
            col(Centre.kind),
            col(Centre.city),
            col(Centre.region_code),
            col(Region.name_fr).label("region"),
            col(Centre.partner_id),
            col(Centre.version),
            col(Centre.updated_by),
            col(Centre.updated_at),
            *[col(getattr(Centre, f)) for f in CENTRE_FIELDS],
        )
        .join(Region, col(Region.iso_code) == col(Centre.region_code))
        .order_by(col(Centre.name))
    )
    centres = frame(session, query)
    allowed = [
        _may_edit_centre(actor, p, r)
        for p, r in zip(centres["partner_id"], centres["region_code"], strict=True)
    ]
    return centres[allowed].reset_index(drop=True)


def _may_edit_centre(actor: Actor, partner_id: Any, region_code: str) -> bool:
    # A centre run by no partner of the award is kept current by administrators only.
    if partner_id is None or pd.isna(partner_id):
        return actor.role == "administrator"
    return may_edit(actor, partner_id=int(partner_id), region_codes={region_code})


@readable_by(STAFF, N_("the occupancy recorded for a centre"))
def occupancy_history(*, session: Session, actor: Actor, centre_id: int) -> pd.DataFrame:
    """The centre's recorded occupancy with its review status, latest quarter first."""
    query: Executable = (
        select(
            col(CentreOccupancy.quarter),
            *[col(getattr(CentreOccupancy, f)) for f in OCCUPANCY_FIELDS],
            col(CentreOccupancy.status),
            col(CentreOccupancy.entered_by),
            col(CentreOccupancy.entered_at),
        )
        .where(col(CentreOccupancy.centre_id) == centre_id)
        .order_by(col(CentreOccupancy.quarter).desc())
    )
    return frame(session, query)


def _centre(session: Session, actor: Actor, centre_id: int) -> Centre:
    centre = session.get(Centre, centre_id)
    if centre is None:
        raise CommandError(t("This centre no longer exists."))
    if not _may_edit_centre(actor, centre.partner_id, centre.region_code):
        raise NotAllowed(t("Your role does not let you change this centre."))
    return centre


def _parse_change(values: Mapping[str, Any]) -> CentreChange:
    checked, errors = numbers_checked(values, {"capacity": BEDS})
    try:
        change = CentreChange.model_validate(checked | dict.fromkeys(errors))
    except ValidationError as error:
        errors |= {f: t(FRIENDLY.get(f, m)) for f, m in field_errors_of(error).items()}
        raise CommandError(t("Some fields need attention."), errors) from error
    if errors:
        raise CommandError(t("Some fields need attention."), errors)
    return change


def _centre_rules(change: CentreChange, today: date) -> dict[str, str]:
    errors: dict[str, str] = {}
    if change.opened_on and change.opened_on > today:
        errors["opened_on"] = t("The opening date cannot be in the future.")
    if change.status in ("open", "closed") and change.opened_on is None:
        errors["opened_on"] = t("An open or closed centre needs its opening date.")
    if change.status == "planned" and change.opened_on is not None:
        errors["opened_on"] = t("A planned centre has not opened: leave the date blank.")
    return errors


@command
def update_centre(
    *,
    session: Session,
    actor: Actor,
    centre_id: int,
    values: Mapping[str, Any],
    opened: Mapping[str, Any],
    today: date,
) -> dict[str, Any]:
    """Validate, authorise, check the version, apply, audit and commit; return the new values."""
    change = _parse_change(values)
    with one_transaction(session):
        centre = _centre(session, actor, centre_id)
        claim_version(
            session,
            centre,
            change.version,
            opened,
            saved_by=Centre.updated_by,
            saved_at=Centre.updated_at,
        )
        errors = _centre_rules(change, today)
        if errors:
            raise CommandError(t("Some fields need attention."), errors)
        before = snapshot(centre, CENTRE_FIELDS)
        centre.status, centre.opened_on, centre.capacity = (
            change.status,
            change.opened_on,
            change.capacity,
        )
        centre.updated_by, centre.updated_at = actor.email, utc_now()
        session.add(centre)
        after = snapshot(centre, CENTRE_FIELDS)
        record_change(
            session,
            actor=actor,
            action="update",
            entity="centre",
            entity_id=centre.id,
            before=before,
            after=after,
            reason=change.reason,
        )
    return after


def _occupancy_values(values: Mapping[str, Any], centre: Centre) -> dict[str, int]:
    given = {name: values.get(name) for name in OCCUPANCY_FIELDS}
    parsed, errors = numbers_checked(given, OCCUPANCY_RANGES)
    for name in OCCUPANCY_FIELDS:
        if parsed[name] is None and name not in errors:
            errors[name] = t("Enter a whole number (0 if none).")
    beds = None if "average_beds_occupied" in errors else parsed["average_beds_occupied"]
    if beds is not None and centre.capacity is not None and beds > centre.capacity:
        errors["average_beds_occupied"] = t(
            "{beds} beds occupied on average is more than the centre's {capacity} beds.",
            beds=beds,
            capacity=centre.capacity,
        )
    if errors:
        raise CommandError(t("Some fields need attention."), errors)
    return parsed


def _occupancy_quarter_errors(quarter: str, centre: Centre, session: Session, today: date) -> None:
    problem = quarter_error(quarter, the_award(session), today)
    if problem is None and (centre.opened_on is None or quarter_end(quarter) < centre.opened_on):
        problem = t(
            "The centre had not opened by the end of {quarter} (opened: {opened}).",
            quarter=quarter,
            opened=long_date(centre.opened_on),
        )
    if problem:
        raise CommandError(t("Some fields need attention."), {"quarter": problem})


def _store_occupancy(
    session: Session,
    actor: Actor,
    row: CentreOccupancy | None,
    parsed: Mapping[str, int],
    key: tuple[int, str],
) -> None:
    """Write a new or changed row as a draft at its next version; the same figures stay as they
    are (a submitted or approved row keeps its status)."""
    if row is not None and snapshot(row, OCCUPANCY_FIELDS) == dict(parsed):
        return
    if row is None:
        row = CentreOccupancy(
            centre_id=key[0],
            quarter=key[1],
            entered_by="",
            people_accommodated=parsed["people_accommodated"],
            average_beds_occupied=parsed["average_beds_occupied"],
        )
    else:
        claim_rows(session, [row])  # a save that got there first makes this one stale
        row.people_accommodated = parsed["people_accommodated"]
        row.average_beds_occupied = parsed["average_beds_occupied"]
    # A returned row stays returned, as other figures do, until the quarter is submitted again.
    if row.status != ReportStatus.RETURNED:
        row.status = ReportStatus.DRAFT
    row.entered_by, row.entered_at = actor.email, utc_now()
    session.add(row)


@command
def record_occupancy(
    *,
    session: Session,
    actor: Actor,
    centre_id: int,
    quarter: str,
    values: Mapping[str, Any],
    opened: Mapping[str, Any] | None,
    today: date,
) -> dict[str, int]:
    """Store (or correct) a centre's occupancy for a quarter; `opened` is what the form showed."""
    with new_rows_race_is_stale(), one_transaction(session):
        centre = _centre(session, actor, centre_id)
        _occupancy_quarter_errors(quarter, centre, session, today)
        parsed = _occupancy_values(values, centre)
        award = the_award(session)
        partner = centre.partner_id or award.recipient_id
        ensure_quarter_open(
            session, award_id=int(award.id or 0), partner_id=partner, quarter=quarter
        )
        row = session.execute(
            select(CentreOccupancy).where(
                col(CentreOccupancy.centre_id) == centre_id, col(CentreOccupancy.quarter) == quarter
            )
        ).scalar()
        current = snapshot(row, OCCUPANCY_FIELDS) if row else {}
        who, when = (row.entered_by, row.entered_at) if row else ("", None)
        refuse_if_changed(dict(opened or {}), current, who, when)
        open_for_change(
            session,
            actor=actor,
            award_id=int(award.id or 0),
            partner_id=partner,
            quarter=quarter,
            changed=dict(parsed) != current,  # the same figures again change nothing
        )
        _store_occupancy(session, actor, row, parsed, (centre_id, quarter))
        record_change(
            session,
            actor=actor,
            action="update" if current else "create",
            entity="centre_occupancy",
            entity_id=f"{centre_id} {quarter}",
            before=current or None,
            after=dict(parsed),
        )
    return parsed
