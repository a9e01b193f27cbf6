"""Quarterly review commands: submit, approve, return and reopen a partner's quarter.

Every transition moves the QuarterReport and the partner's figures of that quarter together, in one
audited transaction; an approved quarter is locked until an administrator reopens it.
"""

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from data_model import (
    Award,
    BudgetLine,
    Centre,
    CentreOccupancy,
    Expenditure,
    Indicator,
    IndicatorResult,
    Outcome,
    Output,
    Partner,
    QuarterReport,
    ReintegrationFigure,
    ReportStatus,
)
from data_model.common import utc_now
from grantmon.formatting import quarter_label
from grantmon.i18n import t
from grantmon.services.core.access import Actor, command
from grantmon.services.core.commands import (
    CommandError,
    NotAllowed,
    StaleEdit,
    add_notice,
    claim_version,
    one_transaction,
    record_change,
    snapshot,
)
from grantmon.services.core.entry_rules import ensure_quarter_open
from grantmon.services.workflow.reads import (
    APPROVED,
    AUDITED,
    ENTITY,
    IN_PROGRESS,
    NO_DATA,
    PAST,
    RETURNED,
    SUBMITTED,
    centre_owner,
    figure_rows,
    may_reopen,
    may_review,
    may_submit,
)
from grantmon.vocabulary import word


def _figure_updates(partner_id: int, quarter: str) -> list[tuple[Any, Any]]:
    """(table, row condition) selecting each kind of the partner's figures of the quarter."""
    recipient_results = (
        select(col(IndicatorResult.id))
        .join(Indicator, col(Indicator.id) == col(IndicatorResult.indicator_id))
        .join(Output, col(Output.id) == col(Indicator.output_id))
        .join(Outcome, col(Outcome.id) == col(Output.outcome_id))
        .join(Award, col(Award.id) == col(Outcome.award_id))
        .where(col(Award.recipient_id) == partner_id)
    )
    partner_lines = select(col(BudgetLine.id)).where(col(BudgetLine.partner_id) == partner_id)
    partner_centres = select(col(Centre.id)).where(centre_owner() == partner_id)
    return [
        (
            IndicatorResult,
            col(IndicatorResult.id).in_(recipient_results)
            & (col(IndicatorResult.quarter) == quarter),
        ),
        (
            Expenditure,
            col(Expenditure.budget_line_id).in_(partner_lines)
            & (col(Expenditure.quarter) == quarter),
        ),
        (
            ReintegrationFigure,
            (col(ReintegrationFigure.partner_id) == partner_id)
            & (col(ReintegrationFigure.quarter) == quarter),
        ),
        (
            CentreOccupancy,
            col(CentreOccupancy.centre_id).in_(partner_centres)
            & (col(CentreOccupancy.quarter) == quarter),
        ),
    ]


def _move_figures(
    session: Session, partner_id: int, quarter: str, from_: list[str], to: str
) -> int:
    """Set the status of the partner's figures in `from_` to `to`; bump their versions.

    The version bump makes an entry form opened before the transition refuse to save over it.
    """
    moved = 0
    for table, where in _figure_updates(partner_id, quarter):
        result = session.execute(
            update(table)
            .where(where, col(table.status).in_(from_))
            .values(status=to, version=col(table.version) + 1)
            .execution_options(synchronize_session=False)
        )
        moved += result.rowcount  # type: ignore[attr-defined]
    return moved


def _figure_summary(session: Session, partner_id: int, quarter: str) -> str:
    """'120 submitted, 3 draft': the figures of a partner's quarter by status, for the audit."""
    figures = figure_rows()
    query = (
        select(figures.c.status, func.count())
        .where(figures.c.partner_id == partner_id, figures.c.quarter == quarter)
        .group_by(figures.c.status)
        .order_by(figures.c.status)
    )
    parts = [f"{n} {status}" for status, n in session.execute(query)]
    return ", ".join(parts) or t("none")


def _partner(session: Session, partner_id: int) -> Partner:
    partner = session.get(Partner, partner_id)
    if partner is None:
        raise CommandError(t("This partner does not exist."))
    return partner


def _award_id(session: Session) -> int:
    """The award the review belongs to (the grant monitor follows one award)."""
    award_id = session.execute(select(func.min(col(Award.id)))).scalar_one()
    if award_id is None:
        raise CommandError(t("No award is recorded yet."))
    return int(award_id)


def _report(session: Session, partner_id: int, quarter: str) -> QuarterReport | None:
    query = select(QuarterReport).where(
        col(QuarterReport.partner_id) == partner_id, col(QuarterReport.quarter) == quarter
    )
    return session.execute(query).scalars().first()


def _has_figures(session: Session, partner_id: int, quarter: str) -> bool:
    figures = figure_rows()
    query = select(func.count()).where(
        figures.c.partner_id == partner_id, figures.c.quarter == quarter
    )
    return bool(session.execute(query).scalar_one())


def _claimed_report(
    session: Session,
    actor: Actor,
    partner_id: int,
    quarter: str,
    version: int,
    opened: Mapping[str, Any],
) -> QuarterReport:
    """The report row at its next version; a quarter without one gets one (version 0 -> 1)."""
    report = _report(session, partner_id, quarter)
    if report is not None:
        claim_version(
            session,
            report,
            version,
            opened,
            saved_by=QuarterReport.updated_by,
            saved_at=QuarterReport.updated_at,
        )
        return report
    if version != 0:  # the form saw a report that no longer exists
        raise CommandError(t("This quarter's report no longer exists: reload the page."))
    status = IN_PROGRESS if _has_figures(session, partner_id, quarter) else NO_DATA
    report = QuarterReport(
        award_id=_award_id(session),
        partner_id=partner_id,
        quarter=quarter,
        status=status,
        updated_by=actor.email,
    )
    session.add(report)
    try:
        session.flush()
    except IntegrityError as error:  # someone created the report at the same moment
        raise StaleEdit(
            t("Someone else acted on this quarter at the same moment. Reload and try again."),
            {},
        ) from error
    return report


def _refuse_changed_since_submission(session: Session, partner: Partner, quarter: str) -> None:
    """Refuse to approve a quarter holding figures that were not part of its submission."""
    figures = figure_rows()
    query = select(func.count()).where(
        figures.c.partner_id == partner.id,
        figures.c.quarter == quarter,
        figures.c.status != SUBMITTED,
    )
    late = session.execute(query).scalar_one()
    if late:
        raise CommandError(
            t(
                "{count} figures of {partner} {quarter} were added or changed after it was "
                "submitted: return the quarter so that the manager checks them and submits it "
                "again.",
                count=late,
                partner=partner.code,
                quarter=quarter_label(quarter),
            )
        )


@command
def open_for_change(
    session: Session,
    *,
    actor: Actor,
    award_id: int,
    partner_id: int,
    quarter: str,
    changed: bool = True,
) -> None:
    """Let figures of a partner's quarter change: refused once approved; once submitted, the
    quarter goes back to 'in progress' (its figures to draft), audited, and the person is told.

    Every entry command and every import passes here, so an approval covers exactly the
    figures that were submitted. `changed` False (the same figures saved again) leaves a
    submitted quarter as it is.
    """
    ensure_quarter_open(session, award_id=award_id, partner_id=partner_id, quarter=quarter)
    report = _report(session, partner_id, quarter)
    if not changed or report is None or report.status != SUBMITTED:
        return
    partner = _partner(session, partner_id)
    before = snapshot(report, AUDITED) | {"figures": _figure_summary(session, partner_id, quarter)}
    claim_version(
        session,
        report,
        report.version,
        {},
        saved_by=QuarterReport.updated_by,
        saved_at=QuarterReport.updated_at,
    )
    _move_figures(session, partner_id, quarter, [SUBMITTED], ReportStatus.DRAFT.value)
    report.status, report.updated_by, report.updated_at = IN_PROGRESS, actor.email, utc_now()
    session.add(report)
    session.flush()
    # The figures were moved in the database: rows the session holds must be read again.
    session.expire_all()
    after = snapshot(report, AUDITED) | {"figures": _figure_summary(session, partner_id, quarter)}
    words = {"partner": partner.code, "quarter": quarter_label(quarter)}
    record_change(
        session,
        actor=actor,
        action="withdraw",
        entity=ENTITY,
        entity_id=report.id,
        before=before,
        after=after,
        reason=t("Figures changed after {partner} {quarter} was submitted.", **words),
    )
    add_notice(
        session,
        t(
            "{partner} {quarter} had been submitted for review: your change took it back to "
            "'in progress'. Submit it again once its figures are ready.",
            **words,
        ),
    )


def _refuse_unless(status: str, allowed: tuple[str, ...], action: str, partner: str, quarter: str):
    if status in allowed:
        return
    needed = t(" or ").join(f"'{word(s)}'" for s in allowed)
    raise CommandError(
        t(
            "{partner} {quarter} is '{status}': it can be {action} only when it is {needed}.",
            partner=partner,
            quarter=quarter_label(quarter),
            status=word(status),
            action=word(action),
            needed=needed,
        )
    )


def _transition(
    session: Session,
    *,
    actor: Actor,
    partner_id: int,
    quarter: str,
    version: int,
    opened: Mapping[str, Any] | None,
    move: tuple[str, tuple[str, ...], str, list[str], str],
    comment: str | None,
) -> dict[str, Any]:
    """Claim the report, check its state, move report and figures, audit. Caller authorised."""
    action, allowed, report_status, figures_from, figures_to = move
    partner = _partner(session, partner_id)
    report = _claimed_report(session, actor, partner_id, quarter, version, opened or {})
    _refuse_unless(report.status, allowed, PAST[action], partner.code, quarter)
    if action == "approve":
        _refuse_changed_since_submission(session, partner, quarter)
    before = snapshot(report, AUDITED) | {"figures": _figure_summary(session, partner_id, quarter)}
    moved = _move_figures(session, partner_id, quarter, figures_from, figures_to)
    report.status = report_status
    if comment is not None:
        report.comment = comment
    report.updated_by, report.updated_at = actor.email, utc_now()
    session.add(report)
    session.flush()
    after = snapshot(report, AUDITED) | {"figures": _figure_summary(session, partner_id, quarter)}
    record_change(
        session,
        actor=actor,
        action=action,
        entity=ENTITY,
        entity_id=report.id,
        before=before,
        after=after,
        reason=comment or "",
    )
    return after | {"report_id": report.id, "version": report.version, "figures_moved": moved}


@command
def submit_quarter(
    *,
    session: Session,
    actor: Actor,
    partner_id: int,
    quarter: str,
    version: int,
    opened: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Send a partner's quarter for review: report and draft/returned figures -> 'submitted'."""
    with one_transaction(session):
        if not may_submit(actor, partner_id):
            raise NotAllowed(
                t("Only a programme manager of this partner or an administrator can submit it.")
            )
        return _transition(
            session,
            actor=actor,
            partner_id=partner_id,
            quarter=quarter,
            version=version,
            opened=opened,
            move=("submit", (IN_PROGRESS, RETURNED), SUBMITTED, ["draft", "returned"], SUBMITTED),
            comment=None,
        )


@command
def approve_quarter(
    *,
    session: Session,
    actor: Actor,
    partner_id: int,
    quarter: str,
    version: int,
    opened: Mapping[str, Any] | None = None,
    comment: str = "",
) -> dict[str, Any]:
    """Approve a submitted quarter: report and every figure of it -> 'approved' (locked)."""
    with one_transaction(session):
        if not may_review(actor):
            raise NotAllowed(t("Only an M&E officer or an administrator can approve a quarter."))
        # Exactly the submitted figures: a quarter holding any other is refused (see _transition).
        return _transition(
            session,
            actor=actor,
            partner_id=partner_id,
            quarter=quarter,
            version=version,
            opened=opened,
            move=("approve", (SUBMITTED,), APPROVED, [SUBMITTED], APPROVED),
            comment=comment.strip(),
        )


def _require(field: str, text: str, message: str) -> None:
    if not text.strip():
        raise CommandError(t("Some fields need attention."), {field: message})


@command
def return_quarter(
    *,
    session: Session,
    actor: Actor,
    partner_id: int,
    quarter: str,
    version: int,
    comment: str,
    opened: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Send a submitted quarter back with a comment: report and submitted figures -> 'returned'."""
    with one_transaction(session):
        if not may_review(actor):
            raise NotAllowed(t("Only an M&E officer or an administrator can return a quarter."))
        _require(
            "comment",
            comment,
            t("Say what the manager should correct before returning the quarter."),
        )
        return _transition(
            session,
            actor=actor,
            partner_id=partner_id,
            quarter=quarter,
            version=version,
            opened=opened,
            move=("return", (SUBMITTED,), RETURNED, ["submitted"], RETURNED),
            comment=comment.strip(),
        )


@command
def reopen_quarter(
    *,
    session: Session,
    actor: Actor,
    partner_id: int,
    quarter: str,
    version: int,
    reason: str,
    opened: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Unlock an approved quarter: report -> 'in progress', its figures back to 'draft'."""
    with one_transaction(session):
        if not may_reopen(actor):
            raise NotAllowed(t("Only an administrator can reopen an approved quarter."))
        _require("reason", reason, t("Give the reason for reopening an approved quarter."))
        return _transition(
            session,
            actor=actor,
            partner_id=partner_id,
            quarter=quarter,
            version=version,
            opened=opened,
            move=("reopen", (APPROVED,), IN_PROGRESS, ["approved"], "draft"),
            comment=reason.strip(),
        )
