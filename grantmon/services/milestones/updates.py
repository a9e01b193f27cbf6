"""The milestone update command: progress recorded by a programme manager."""

from collections.abc import Mapping
from datetime import date
from typing import Any

import pandas as pd
from pydantic import ValidationError
from sqlalchemy import Executable, select
from sqlmodel import Session, col

from data_model import Activity, ActivityRegion, Award, Milestone, MilestoneStatus
from data_model.activities import MilestoneUpdate
from data_model.common import utc_now
from grantmon.formatting import long_date
from grantmon.i18n import N_, t
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
from grantmon.services.core.entry_rules import PERCENT, evidence_error, numbers_checked
from grantmon.services.core.sql import frame

EDITABLE = ["status", "percent_complete", "actual_completion_date", "notes", "evidence_url"]
FORWARD_ORDER = {
    MilestoneStatus.NOT_STARTED: 0,
    MilestoneStatus.IN_PROGRESS: 1,
    MilestoneStatus.COMPLETED: 2,
    MilestoneStatus.CANCELLED: 2,
}
FRIENDLY = {
    "percent_complete": N_("Percent complete must be a whole number from 0 to 100."),
    "status": N_("Use one of: not started, in progress, completed, cancelled."),
    "actual_completion_date": N_("Enter the date as YYYY-MM-DD or DD/MM/YYYY."),
    "version": N_("The form is out of date: reload it."),
}


def parse_update(values: Mapping[str, Any]) -> MilestoneUpdate:
    """Validate the submitted fields, with messages a manager understands."""
    checked, errors = numbers_checked(values, {"percent_complete": PERCENT})
    # Spaces around a pasted link are not part of it; a blank link is no link.
    checked["evidence_url"] = (str(checked.get("evidence_url") or "")).strip() or None
    try:
        update = MilestoneUpdate.model_validate(checked | dict.fromkeys(errors, 0))
    except ValidationError as error:
        errors |= {f: t(FRIENDLY.get(f, m)) for f, m in field_errors_of(error).items()}
        raise CommandError(t("Some fields need attention."), errors) from error
    if errors:
        raise CommandError(t("Some fields need attention."), errors)
    return update


def rule_errors(update: MilestoneUpdate, current: Milestone, award: Award, today: date) -> dict:
    """The business rules that depend on the stored record, the award and today."""
    errors: dict[str, str] = {}
    done = update.actual_completion_date
    if update.status == MilestoneStatus.COMPLETED and done is None:
        errors["actual_completion_date"] = t("A completed milestone needs its completion date.")
    if update.status == MilestoneStatus.COMPLETED and update.percent_complete != 100:
        errors["percent_complete"] = t("A completed milestone is 100% complete.")
    if done is not None and not award.start_date <= done <= min(award.end_date, today):
        errors["actual_completion_date"] = t(
            "The completion date must fall between {start} and {end}.",
            start=long_date(award.start_date),
            end=long_date(min(award.end_date, today)),
        )
    backwards = FORWARD_ORDER[update.status] < FORWARD_ORDER[MilestoneStatus(current.status)]
    if backwards and not update.reason.strip():
        errors["reason"] = t(
            "Moving a milestone back from '{status}' needs a reason.", status=current.status
        )
    link_problem = evidence_error(update.evidence_url)
    if link_problem:
        errors["evidence_url"] = link_problem
    return errors


def _milestone_scope(session: Session, milestone_id: int) -> tuple[Milestone, Activity, Award, set]:
    row = session.execute(
        select(Milestone, Activity, Award)
        .join(Activity, col(Activity.id) == col(Milestone.activity_id))
        .join(Award, col(Award.id) == col(Activity.award_id))
        .where(col(Milestone.id) == milestone_id)
    ).first()
    if row is None:
        raise CommandError(t("This milestone no longer exists."))
    regions = session.execute(
        select(col(ActivityRegion.region_code)).where(col(ActivityRegion.activity_id) == row[1].id)
    ).scalars()
    return row[0], row[1], row[2], set(regions)


@command
def update_milestone(
    *,
    session: Session,
    actor: Actor,
    milestone_id: int,
    values: Mapping[str, Any],
    opened: Mapping[str, Any],
    today: date,
) -> dict[str, Any]:
    """Validate, authorise, check the version, apply, audit and commit; return the new values."""
    update = parse_update(values)
    with one_transaction(session):
        milestone, activity, award, regions = _milestone_scope(session, milestone_id)
        if not may_edit(actor, partner_id=activity.partner_id, region_codes=regions):
            raise NotAllowed(t("Your role does not let you change this milestone."))
        claim_version(
            session,
            milestone,
            update.version,
            opened,
            saved_by=Milestone.updated_by,
            saved_at=Milestone.updated_at,
        )
        errors = rule_errors(update, milestone, award, today)
        if errors:
            raise CommandError(t("Some fields need attention."), errors)
        before = snapshot(milestone, EDITABLE)
        for name in EDITABLE:
            setattr(milestone, name, getattr(update, name))
        milestone.updated_by, milestone.updated_at = actor.email, utc_now()
        session.add(milestone)
        after = snapshot(milestone, EDITABLE)
        record_change(
            session,
            actor=actor,
            action="update",
            entity="milestone",
            entity_id=milestone.id,
            before=before,
            after=after,
            reason=update.reason,
        )
    return after


@readable_by(STAFF, N_("the milestones open for updating"))
def editable_milestones(*, session: Session, actor: Actor) -> pd.DataFrame:
    """The milestones this actor may update, with the values an update form starts from."""
    query: Executable = (
        select(
            col(Milestone.id),
            col(Milestone.code),
            col(Milestone.title),
            col(Milestone.due_date),
            col(Milestone.version),
            col(Milestone.updated_by),
            col(Milestone.updated_at),
            *[col(getattr(Milestone, f)) for f in EDITABLE],
            col(Activity.partner_id),
            col(Activity.id).label("activity_id"),
        )
        .join(Activity, col(Activity.id) == col(Milestone.activity_id))
        .order_by(col(Milestone.code))
    )
    milestones = frame(session, query)
    links = frame(session, select(col(ActivityRegion.activity_id), col(ActivityRegion.region_code)))
    regions = links.groupby("activity_id")["region_code"].apply(set).to_dict()
    allowed = [
        may_edit(actor, partner_id=int(p), region_codes=regions.get(a, set()))
        for p, a in zip(milestones["partner_id"], milestones["activity_id"], strict=True)
    ]
    return milestones[allowed].reset_index(drop=True)


def most_urgent(milestones: pd.DataFrame) -> int | None:
    """The row of the milestone to act on first: the open one due earliest (so the first late
    one, else the next due), then by code; None when every one is completed or cancelled."""
    closed = [MilestoneStatus.COMPLETED.value, MilestoneStatus.CANCELLED.value]
    still_open = milestones[~milestones["status"].isin(closed)]
    if still_open.empty:
        return None
    return int(still_open.sort_values(["due_date", "code"]).index[0])
