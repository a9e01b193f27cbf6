"""The quarterly review: who may move a quarter where, what moves with it, and what it leaves."""

from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine, func, text
from sqlmodel import Session, select

from data_model import BudgetLine, Centre, Expenditure, Indicator, Role
from grantmon.services.budget.spending import add_expenditure
from grantmon.services.bulk.importer import import_file
from grantmon.services.centres.entry import record_occupancy
from grantmon.services.core.access import Actor, ReadRefused
from grantmon.services.core.audit import record_history
from grantmon.services.core.commands import CommandError, NotAllowed, StaleEdit, take_notices
from grantmon.services.core.database import data_version
from grantmon.services.core.entry_rules import quarter_approved
from grantmon.services.core.filters import Filters
from grantmon.services.reintegration.entry import enter_reintegration
from grantmon.services.reintegration.reads import reintegration_totals
from grantmon.services.results.entry import enter_results, result_grid
from grantmon.services.workflow.commands import (
    approve_quarter,
    reopen_quarter,
    return_quarter,
    submit_quarter,
)
from grantmon.services.workflow.reads import quarter_statuses

IOM, UNODC, ILO = 1, 2, 3  # partner ids as the public seed stores them
ADMIN = Actor(email="admin@example.org", role=Role.ADMIN)
ME = Actor(email="me.officer@example.org", role=Role.ME_OFFICER)
VIEWER = Actor(email="viewer@example.org", role=Role.VIEWER)
DONOR = Actor(email="donor@example.org", role=Role.DONOR)
EVERYTHING = Filters(start="2024Q1", end="2026Q4")
STAGES = ["identified", "referred", "assisted", "plans_started", "plans_completed"]


def manager(partner_id: int) -> Actor:
    return Actor(
        email=f"manager.{partner_id}@example.org", role=Role.MANAGER, partner_id=partner_id
    )


def sql_one(engine: Engine, query: str, **params: Any) -> Any:
    with engine.connect() as connection:
        return connection.execute(text(query), params).one()


def report(engine: Engine, partner_id: int, quarter: str) -> Any:
    """The stored report row (status, comment, version, updated_by), or None."""
    with engine.connect() as connection:
        return connection.execute(
            text(
                "select id, status, comment, version, updated_by from quarterreport "
                "where partner_id = :p and quarter = :q"
            ),
            {"p": partner_id, "q": quarter},
        ).one_or_none()


def figure_statuses(engine: Engine, partner_id: int, quarter: str) -> dict[str, int]:
    """The partner's figures of the quarter by status, counted independently with raw SQL."""
    query = """
        select status, count(*) from (
            select a.recipient_id as partner_id, r.quarter, r.status from indicatorresult r
            join indicator i on i.id = r.indicator_id join output o on o.id = i.output_id
            join outcome oc on oc.id = o.outcome_id join award a on a.id = oc.award_id
            union all
            select b.partner_id, e.quarter, e.status from expenditure e
            join budgetline b on b.id = e.budget_line_id
            union all
            select partner_id, quarter, status from reintegrationfigure
            union all
            select coalesce(c.partner_id, (select recipient_id from award order by id limit 1)),
                co.quarter, co.status from centreoccupancy co join centre c on c.id = co.centre_id
        ) f where partner_id = :p and quarter = :q group by status"""
    with engine.connect() as connection:
        rows = connection.execute(text(query), {"p": partner_id, "q": quarter}).all()
    return {status: int(n) for status, n in rows}


def audit_rows(engine: Engine) -> list[Any]:
    with engine.connect() as connection:
        return list(
            connection.execute(
                text("select actor, action, entity, entity_id, reason from auditentry order by id")
            ).all()
        )


def act(engine: Engine, command: Any, actor: Actor, partner_id: int, quarter: str, **extra):
    """Run a workflow command as a page would: with the version the table showed."""
    shown = report(engine, partner_id, quarter)
    opened = {"status": shown.status, "comment": shown.comment} if shown else {}
    with Session(engine) as session:
        return command(
            session=session,
            actor=actor,
            partner_id=partner_id,
            quarter=quarter,
            version=shown.version if shown else 0,
            opened=opened,
            **extra,
        )


def statuses(engine: Engine, filters: Filters = EVERYTHING) -> dict[Any, Any]:
    with Session(engine) as session:
        table = quarter_statuses(session=session, actor=ME, filters=filters)
    return {(row.partner, row.quarter): row for row in table.itertuples()}


# ------------------------------------------------------------------ reading


def test_the_review_table_shows_the_demo_states_and_counts_equal_sql(demo_engine):
    table = statuses(demo_engine)
    assert table[("IOM", "2026Q2")].status == "approved"
    assert table[("IOM", "2026Q3")].status == "submitted"
    assert table[("ILO", "2026Q3")].status == "submitted"
    returned = table[("UNODC", "2026Q3")]
    assert returned.status == "returned" and "attendance lists" in returned.comment
    assert table[("IOM", "2026Q4")].status == "no data" and table[("IOM", "2026Q4")].figures == 0
    for partner, partner_id in (("IOM", IOM), ("UNODC", UNODC), ("ILO", ILO)):
        expected = figure_statuses(demo_engine, partner_id, "2026Q3")
        row = table[(partner, "2026Q3")]
        assert row.figures == sum(expected.values()) > 0
        assert row.submitted == expected.get("submitted", 0)
        assert row.unapproved == row.figures
    assert table[("IOM", "2026Q2")].unapproved == 0


def test_filters_narrow_the_table_to_a_partner_and_period(demo_engine):
    narrow = statuses(demo_engine, Filters(start="2026Q2", end="2026Q3", partner="ILO"))
    assert set(narrow) == {("ILO", "2026Q2"), ("ILO", "2026Q3")}
    assert len(statuses(demo_engine)) == 3 * 12


def test_donors_cannot_read_the_review(demo_engine):
    with Session(demo_engine) as session, pytest.raises(ReadRefused, match="quarterly review"):
        quarter_statuses(session=session, actor=DONOR, filters=EVERYTHING)


def test_an_approved_quarter_is_locked_and_a_submitted_one_is_not(demo_engine):
    with Session(demo_engine) as session:
        assert quarter_approved(session, partner_id=IOM, quarter="2026Q2")
        assert not quarter_approved(session, partner_id=IOM, quarter="2026Q3")
        assert not quarter_approved(session, partner_id=IOM, quarter="2026Q4")


# ------------------------------------------------------------------ allowed transitions


def test_an_me_officer_approves_a_submitted_quarter_and_locks_it(demo_engine):
    with Session(demo_engine) as session:
        version_before = data_version(session)
    result = act(demo_engine, approve_quarter, ME, IOM, "2026Q3")
    stored = report(demo_engine, IOM, "2026Q3")
    assert (stored.status, stored.version, stored.updated_by) == ("approved", 2, ME.email)
    assert set(figure_statuses(demo_engine, IOM, "2026Q3")) == {"approved"}
    assert result["figures_moved"] == figure_statuses(demo_engine, IOM, "2026Q3")["approved"]
    # Only IOM's quarter moved: ILO's figures of the same quarter still wait.
    assert set(figure_statuses(demo_engine, ILO, "2026Q3")) == {"submitted"}
    with Session(demo_engine) as session:
        assert quarter_approved(session, partner_id=IOM, quarter="2026Q3")
        assert data_version(session) == version_before + 1
    assert audit_rows(demo_engine) == [(ME.email, "approve", "quarter report", str(stored.id), "")]


def test_an_administrator_may_approve_too(demo_engine):
    act(demo_engine, approve_quarter, ADMIN, ILO, "2026Q3")
    assert report(demo_engine, ILO, "2026Q3").status == "approved"


@pytest.mark.parametrize("reviewer", [ME, ADMIN], ids=["m&e officer", "administrator"])
def test_a_reviewer_returns_a_quarter_with_a_comment(demo_engine, reviewer):
    act(demo_engine, return_quarter, reviewer, IOM, "2026Q3", comment="Vérifier MA-04 — تحقق")
    stored = report(demo_engine, IOM, "2026Q3")
    assert (stored.status, stored.comment) == ("returned", "Vérifier MA-04 — تحقق")
    assert set(figure_statuses(demo_engine, IOM, "2026Q3")) == {"returned"}
    entry = audit_rows(demo_engine)[-1]
    assert entry[1:] == ("return", "quarter report", str(stored.id), "Vérifier MA-04 — تحقق")


@pytest.mark.parametrize("submitter", [manager(UNODC), ADMIN], ids=["own manager", "admin"])
def test_a_returned_quarter_is_submitted_again(demo_engine, submitter):
    act(demo_engine, submit_quarter, submitter, UNODC, "2026Q3")
    stored = report(demo_engine, UNODC, "2026Q3")
    assert stored.status == "submitted" and stored.updated_by == submitter.email
    # The reviewer's comment stays visible for the next review.
    assert "attendance lists" in stored.comment
    assert set(figure_statuses(demo_engine, UNODC, "2026Q3")) == {"submitted"}


def test_a_quarter_in_progress_without_a_report_is_submitted_and_gets_one(demo_engine):
    with demo_engine.begin() as connection:
        connection.execute(
            text("delete from quarterreport where partner_id = 3 and quarter = '2026Q3'")
        )
        connection.execute(
            text(
                "update expenditure set status = 'draft' where quarter = '2026Q3' and "
                "budget_line_id in (select id from budgetline where partner_id = 3)"
            )
        )
        connection.execute(  # and its one centre's occupancy
            text(
                "update centreoccupancy set status = 'draft' where quarter = '2026Q3' and "
                "centre_id in (select id from centre where partner_id = 3)"
            )
        )
    row = statuses(demo_engine)[("ILO", "2026Q3")]
    assert (row.status, row.version, row.draft) == ("in progress", 0, 9)
    act(demo_engine, submit_quarter, manager(ILO), ILO, "2026Q3")
    stored = report(demo_engine, ILO, "2026Q3")
    assert (stored.status, stored.version) == ("submitted", 1)
    assert figure_statuses(demo_engine, ILO, "2026Q3") == {"submitted": 9}


def test_an_administrator_reopens_with_a_reason_and_the_cycle_runs_again(demo_engine):
    act(demo_engine, reopen_quarter, ADMIN, IOM, "2026Q2", reason="Correction of MA-04 counts")
    stored = report(demo_engine, IOM, "2026Q2")
    assert (stored.status, stored.comment) == ("in progress", "Correction of MA-04 counts")
    assert set(figure_statuses(demo_engine, IOM, "2026Q2")) == {"draft"}
    with Session(demo_engine) as session:
        assert not quarter_approved(session, partner_id=IOM, quarter="2026Q2")
    act(demo_engine, submit_quarter, manager(IOM), IOM, "2026Q2")
    act(demo_engine, approve_quarter, ME, IOM, "2026Q2")
    assert report(demo_engine, IOM, "2026Q2").status == "approved"
    with Session(demo_engine) as session:
        history = record_history(
            session=session, actor=ADMIN, entity="quarter report", entity_id=str(stored.id)
        )
    assert list(history["action"]) == ["approve", "submit", "reopen"]
    assert history["reason"].iloc[-1] == "Correction of MA-04 counts"
    assert "status: approved → in progress" in history["changes"].iloc[-1]
    moved = figure_statuses(demo_engine, IOM, "2026Q2")["approved"]
    assert f"{moved} approved → {moved} draft" in history["changes"].iloc[-1]


# ------------------------------------------------------------------ refused transitions


REFUSED_ROLES = {
    "submit": [ME, manager(ILO), VIEWER, DONOR],
    "approve": [manager(IOM), VIEWER, DONOR],
    "return": [manager(IOM), VIEWER, DONOR],
    "reopen": [ME, manager(IOM), VIEWER, DONOR],
}
CALLS = {
    "submit": (submit_quarter, UNODC, "2026Q3", {}),
    "approve": (approve_quarter, IOM, "2026Q3", {}),
    "return": (return_quarter, IOM, "2026Q3", {"comment": "Please check"}),
    "reopen": (reopen_quarter, IOM, "2026Q2", {"reason": "Correction"}),
}


@pytest.mark.parametrize("action", list(CALLS))
def test_roles_without_the_right_are_refused_and_nothing_changes(demo_engine, action):
    command, partner_id, quarter, extra = CALLS[action]
    before = report(demo_engine, partner_id, quarter)
    figures = figure_statuses(demo_engine, partner_id, quarter)
    for actor in REFUSED_ROLES[action]:
        with pytest.raises(NotAllowed):
            act(demo_engine, command, actor, partner_id, quarter, **extra)
    assert report(demo_engine, partner_id, quarter) == before
    assert figure_statuses(demo_engine, partner_id, quarter) == figures
    assert audit_rows(demo_engine) == []


@pytest.mark.parametrize(
    "command, actor, partner_id, quarter, extra, words",
    [
        (submit_quarter, manager(IOM), IOM, "2026Q3", {}, "IOM Q3 2026 is 'submitted'"),
        (submit_quarter, manager(IOM), IOM, "2026Q2", {}, "IOM Q2 2026 is 'approved'"),
        (submit_quarter, manager(IOM), IOM, "2026Q4", {}, "IOM Q4 2026 is 'no data'"),
        (approve_quarter, ME, UNODC, "2026Q3", {}, "UNODC Q3 2026 is 'returned'"),
        (approve_quarter, ME, IOM, "2026Q2", {}, "only when it is 'submitted'"),
        (return_quarter, ME, IOM, "2026Q2", {"comment": "x"}, "IOM Q2 2026 is 'approved'"),
        (reopen_quarter, ADMIN, IOM, "2026Q3", {"reason": "x"}, "only when it is 'approved'"),
    ],
)
def test_a_transition_from_the_wrong_state_is_refused_in_words(
    demo_engine, command, actor, partner_id, quarter, extra, words
):
    before = report(demo_engine, partner_id, quarter)
    figures = figure_statuses(demo_engine, partner_id, quarter)
    with pytest.raises(CommandError) as refused:
        act(demo_engine, command, actor, partner_id, quarter, **extra)
    assert words in refused.value.message
    assert report(demo_engine, partner_id, quarter) == before  # no report row made for 2026Q4
    assert figure_statuses(demo_engine, partner_id, quarter) == figures
    assert audit_rows(demo_engine) == []


@pytest.mark.parametrize(
    "command, quarter, extra, field",
    [
        (return_quarter, "2026Q3", {"comment": "   "}, "comment"),
        (reopen_quarter, "2026Q2", {"reason": ""}, "reason"),
    ],
)
def test_returning_needs_a_comment_and_reopening_a_reason(
    demo_engine, command, quarter, extra, field
):
    with pytest.raises(CommandError) as refused:
        act(demo_engine, command, ADMIN, IOM, quarter, **extra)
    assert field in refused.value.field_errors
    assert report(demo_engine, IOM, quarter).version == 1
    assert audit_rows(demo_engine) == []


def test_a_stale_review_is_refused_naming_what_changed(demo_engine):
    opened = report(demo_engine, IOM, "2026Q3")  # the M&E officer opens the page
    act(demo_engine, return_quarter, ADMIN, IOM, "2026Q3", comment="Missing MA-04")
    with Session(demo_engine) as session, pytest.raises(StaleEdit) as refused:
        approve_quarter(
            session=session,
            actor=ME,
            partner_id=IOM,
            quarter="2026Q3",
            version=opened.version,
            opened={"status": opened.status, "comment": opened.comment},
        )
    assert refused.value.their_changes["status"] == ("submitted", "returned")
    assert "admin@example.org saved this record" in refused.value.message
    assert report(demo_engine, IOM, "2026Q3").status == "returned"
    assert set(figure_statuses(demo_engine, IOM, "2026Q3")) == {"returned"}
    assert len(audit_rows(demo_engine)) == 1


# ------------------------------------------------------------------ what donors see


def test_approving_a_quarter_changes_the_donors_reintegration_numbers(demo_engine):
    filters = Filters(start="2024Q1", end="2026Q3")
    with Session(demo_engine) as session:
        before = reintegration_totals(session=session, actor=DONOR, filters=filters)
    sums = ", ".join(f"coalesce(sum({s}), 0)" for s in STAGES)
    approved_only = sql_one(
        demo_engine, f"select {sums} from reintegrationfigure where quarter <= '2026Q2'"
    )
    everything = sql_one(demo_engine, f"select {sums} from reintegrationfigure")
    assert [getattr(before, s) for s in STAGES] == [int(n) for n in approved_only]
    act(demo_engine, approve_quarter, ME, IOM, "2026Q3")
    with Session(demo_engine) as session:
        after = reintegration_totals(session=session, actor=DONOR, filters=filters)
    assert [getattr(after, s) for s in STAGES] == [int(n) for n in everything]
    assert after.identified > before.identified  # type: ignore[operator]


# ------------------------------------------------------------------ changes after submission

TODAY = date(2026, 11, 28)
IOM_MANAGER = manager(IOM)
LATE_SPENDING = {"amount": "99,999.00", "spent_on": "2026-11-20", "description": "Late"}


def enter_result(session: Session, code: str = "1.1.a", total: int = 60) -> None:
    indicator = int(session.exec(select(Indicator.id).where(Indicator.code == code)).one() or 0)
    stored = result_grid(session=session, actor=ADMIN, indicator_id=indicator, quarter="2026Q4")
    enter_results(
        session=session,
        actor=IOM_MANAGER,
        indicator_id=indicator,
        quarter="2026Q4",
        values={"total": total, "sex=female": total - 20, "sex=male": 20},
        opened={c: v for c, v in zip(stored["cell"], stored["value"], strict=True) if v == v},
        today=TODAY,
    )


def add_spending(session: Session) -> None:
    line = int(
        session.exec(
            select(BudgetLine.id).where(
                BudgetLine.partner_id == IOM, BudgetLine.category == "travel"
            )
        ).one()
        or 0
    )
    spent = session.exec(
        select(func.coalesce(func.sum(Expenditure.amount_cents), 0)).where(
            Expenditure.budget_line_id == line
        )
    ).one()
    add_expenditure(
        session=session,
        actor=IOM_MANAGER,
        budget_line_id=line,
        values=LATE_SPENDING | {"justification": "Late invoice"},
        opened_spent_cents=int(spent),
        today=TODAY,
    )


def record_rabat_occupancy(session: Session) -> None:
    rabat = session.exec(select(Centre.id).where(Centre.name == "Rabat reception centre")).one()
    assert rabat is not None
    values = {"people_accommodated": 25, "average_beds_occupied": 18}
    record_occupancy(
        session=session,
        actor=IOM_MANAGER,
        centre_id=rabat,
        quarter="2026Q4",
        values=values,
        opened=None,
        today=TODAY,
    )


def enter_reintegration_cell(session: Session) -> None:
    enter_reintegration(
        session=session,
        actor=IOM_MANAGER,
        quarter="2026Q4",
        region_code="MA-04",
        values={"female/18-24": dict(zip(STAGES, [9, 8, 7, 6, 5], strict=True))},
        opened={},
        today=TODAY,
    )


def import_spending(session: Session) -> None:
    header = "partner_code,category,spent_on,amount,description,justification"
    row = "IOM,travel,2026-11-20,99999.00,Late,Late invoice"
    import_file(
        session=session,
        actor=IOM_MANAGER,
        name="expenditures",
        file_name="late.csv",
        content=f"{header}\n{row}".encode(),
        today=TODAY,
    )


CHANGES = {
    "indicator result": lambda session: enter_result(session, total=61),
    "expenditure": add_spending,
    "centre occupancy": record_rabat_occupancy,
    "reintegration": enter_reintegration_cell,
    "import": import_spending,
}


def submitted_q4(engine: Engine) -> Any:
    """IOM's 2026Q4 with one result, submitted by its manager: the report the reviewer sees."""
    with Session(engine) as session:
        enter_result(session)
    act(engine, submit_quarter, IOM_MANAGER, IOM, "2026Q4")
    return report(engine, IOM, "2026Q4")


@pytest.mark.parametrize("kind", list(CHANGES))
def test_a_change_after_submission_takes_the_quarter_back_and_approval_refuses(demo_engine, kind):
    seen = submitted_q4(demo_engine)
    assert (seen.status, seen.version) == ("submitted", 1)
    with Session(demo_engine) as session:
        CHANGES[kind](session)
        notices = take_notices(session)
    assert len(notices) == 1 and "took it back to 'in progress'" in notices[0]
    stored = report(demo_engine, IOM, "2026Q4")
    assert (stored.status, stored.version) == ("in progress", 2)
    withdrawn = (IOM_MANAGER.email, "withdraw", "quarter report")
    assert withdrawn in [row[:3] for row in audit_rows(demo_engine)]
    with Session(demo_engine) as session, pytest.raises(StaleEdit):
        approve_quarter(
            session=session,
            actor=ME,
            partner_id=IOM,
            quarter="2026Q4",
            version=seen.version,
            opened={"status": seen.status, "comment": seen.comment},
        )
    with pytest.raises(CommandError, match="only when it is 'submitted'"):
        act(demo_engine, approve_quarter, ME, IOM, "2026Q4")
    assert "approved" not in figure_statuses(demo_engine, IOM, "2026Q4")
    act(demo_engine, submit_quarter, IOM_MANAGER, IOM, "2026Q4")
    act(demo_engine, approve_quarter, ME, IOM, "2026Q4")
    assert set(figure_statuses(demo_engine, IOM, "2026Q4")) == {"approved"}


def test_saving_the_same_figures_again_leaves_the_submission_as_it_is(demo_engine):
    submitted_q4(demo_engine)
    with Session(demo_engine) as session:
        enter_result(session)
        assert take_notices(session) == []
    assert report(demo_engine, IOM, "2026Q4").status == "submitted"


def test_approval_refuses_a_quarter_holding_figures_that_were_not_submitted(demo_engine):
    with demo_engine.begin() as connection:  # a draft written behind the commands' backs
        connection.execute(
            text(
                "update reintegrationfigure set status = 'draft' where id = (select min(id) "
                "from reintegrationfigure where partner_id = :p and quarter = '2026Q3')"
            ),
            {"p": IOM},
        )
    with pytest.raises(CommandError, match="1 figures of IOM Q3 2026 were added or changed"):
        act(demo_engine, approve_quarter, ME, IOM, "2026Q3")
    assert "approved" not in figure_statuses(demo_engine, IOM, "2026Q3")
    assert report(demo_engine, IOM, "2026Q3").status == "submitted"
