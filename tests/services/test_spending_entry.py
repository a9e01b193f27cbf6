"""Expenditures: dollars parsed exactly into cents, dated inside the award, scoped and audited."""

from datetime import date

import pytest
from sqlalchemy import text
from sqlmodel import Session, func, select

from data_model import AuditEntry, BudgetLine, Partner
from grantmon.services.budget.spending import add_expenditure, parse_amount, spending_lines
from grantmon.services.core.access import Actor
from grantmon.services.core.commands import CommandError, NotAllowed, StaleEdit
from grantmon.services.core.entry_rules import LOCKED

TODAY = date(2026, 11, 28)
ADMIN = Actor(email="admin@example.org", role="administrator")


def partner_id(engine, code: str) -> int:
    with Session(engine) as session:
        found = session.exec(select(Partner.id).where(Partner.code == code)).one()
    assert found is not None
    return found


def manager(engine, code: str = "IOM", region: str | None = None) -> Actor:
    return Actor(
        f"manager.{code.lower()}@example.org", "programme manager", partner_id(engine, code), region
    )


def line(engine, partner: str = "IOM", category: str = "supplies") -> dict:
    """A budget line with its spending so far, computed with raw SQL."""
    with Session(engine) as session:
        found = session.exec(
            select(BudgetLine).where(
                BudgetLine.partner_id == partner_id(engine, partner),
                BudgetLine.category == category,
            )
        ).one()
    with engine.connect() as connection:
        spent = connection.execute(
            text(
                "SELECT COALESCE(SUM(amount_cents), 0) FROM expenditure WHERE budget_line_id = :i"
            ),
            {"i": found.id},
        ).scalar_one()
    return {"id": found.id, "budget": found.amount_cents, "spent": int(spent)}


def save(engine, actor, budget_line: dict, **values):
    values = {"amount": "1,234.56", "spent_on": date(2026, 11, 2), "description": ""} | values
    with Session(engine) as session:
        return add_expenditure(
            session=session,
            actor=actor,
            budget_line_id=budget_line["id"],
            values=values,
            opened_spent_cents=budget_line["spent"],
            today=TODAY,
        )


def audit_count(engine) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(AuditEntry)).one()


def stored(engine, expenditure_id: int) -> tuple:
    with engine.connect() as connection:
        return connection.execute(
            text(
                "SELECT amount_cents, quarter, status, entered_by, description, justification"
                " FROM expenditure WHERE id = :i"
            ),
            {"i": expenditure_id},
        ).one()


@pytest.mark.parametrize(
    "typed, cents",
    [
        ("1234.56", 123456),
        ("1,234.56", 123456),
        ("$12", 1200),
        ("0.1", 10),
        ("0", 0),
        ("19.99", 1999),
    ],
)
def test_amounts_in_dollars_become_exact_cents(typed, cents):
    assert parse_amount(typed) == cents


def test_a_manager_adds_spending_to_their_line_as_a_draft_in_the_dates_quarter(demo_engine):
    travel = line(demo_engine)
    saved = save(demo_engine, manager(demo_engine), travel, description="Billets Rabat–Oujda, été")
    assert stored(demo_engine, saved["id"]) == (
        123456,
        "2026Q4",
        "draft",
        "manager.iom@example.org",
        "Billets Rabat–Oujda, été",
        "",
    )
    assert line(demo_engine)["spent"] == travel["spent"] + 123456
    with Session(demo_engine) as session:
        entry = session.exec(select(AuditEntry)).one()
    assert (entry.entity, entry.entity_id, entry.action) == (
        "expenditure",
        str(saved["id"]),
        "create",
    )
    assert '"amount_cents": 123456' in (entry.after or "")


def test_formulas_html_and_arabic_are_stored_as_text(demo_engine):
    text_in = '=HYPERLINK("http://x") <b>نقل</b>'
    saved = save(demo_engine, ADMIN, line(demo_engine), description=text_in)
    assert stored(demo_engine, saved["id"])[4] == text_in


@pytest.mark.parametrize(
    "values, field",
    [
        ({"amount": "-5"}, "amount"),
        ({"amount": "12.345"}, "amount"),
        ({"amount": "twelve"}, "amount"),
        ({"amount": ""}, "amount"),
        ({"amount": "1e5"}, "amount"),
        ({"amount": 12.5}, "amount"),
        ({"amount": "12,5"}, "amount"),
        ({"spent_on": "2023-12-31"}, "spent_on"),
        ({"spent_on": date(2026, 12, 1)}, "spent_on"),
        ({"spent_on": "31.10.2026"}, "spent_on"),
        ({"description": "x" * 501}, "description"),
    ],
)
def test_bad_input_is_refused_per_field_and_changes_nothing(demo_engine, values, field):
    travel = line(demo_engine)
    with pytest.raises(CommandError) as refused:
        save(demo_engine, ADMIN, travel, **values)
    assert field in refused.value.field_errors
    assert line(demo_engine)["spent"] == travel["spent"]
    assert audit_count(demo_engine) == 0


def test_dd_mm_yyyy_dates_are_accepted(demo_engine):
    saved = save(demo_engine, ADMIN, line(demo_engine), spent_on="02/10/2026")
    assert saved["spent_on"] == "2026-10-02" and saved["quarter"] == "2026Q4"


def test_going_over_budget_needs_a_justification(demo_engine):
    travel = line(demo_engine)
    over = f"{(travel['budget'] - travel['spent']) / 100 + 1:.2f}"
    with pytest.raises(CommandError) as refused:
        save(demo_engine, ADMIN, travel, amount=over)
    assert "explain why" in refused.value.field_errors["justification"]
    saved = save(demo_engine, ADMIN, travel, amount=over, justification="Exceptional rescue trip")
    assert stored(demo_engine, saved["id"])[5] == "Exceptional rescue trip"


def test_spending_in_an_approved_quarter_is_refused(demo_engine):
    with pytest.raises(CommandError) as refused:
        save(demo_engine, ADMIN, line(demo_engine), spent_on=date(2026, 5, 4))
    assert refused.value.message == LOCKED
    assert audit_count(demo_engine) == 0


def test_spending_in_a_submitted_quarter_is_accepted(demo_engine):
    saved = save(demo_engine, ADMIN, line(demo_engine), spent_on=date(2026, 8, 4))
    assert saved["quarter"] == "2026Q3"


@pytest.mark.parametrize("role", ["donor", "viewer", "m&e officer"])
def test_readers_cannot_record_spending(demo_engine, role):
    with pytest.raises(NotAllowed):
        save(demo_engine, Actor(email="x@example.org", role=role), line(demo_engine))


def test_a_manager_sees_and_writes_only_their_partners_lines(demo_engine):
    ilo = manager(demo_engine, "ILO", "MA-06")
    with Session(demo_engine) as session:
        lines = spending_lines(session=session, actor=ilo)
        all_lines = spending_lines(session=session, actor=ADMIN)
    assert set(lines["partner"]) == {"ILO"}
    assert set(all_lines["partner"]) == {"IOM", "ILO", "UNODC"}
    ilo_lines = all_lines[all_lines["partner"] == "ILO"]
    travel = ilo_lines[ilo_lines["category"] == "supplies"].iloc[0]
    assert travel["spent_cents"] == line(demo_engine, "ILO")["spent"]
    assert travel["remaining_cents"] == travel["budget_cents"] - travel["spent_cents"]
    with pytest.raises(NotAllowed):
        save(demo_engine, ilo, line(demo_engine, "IOM"))
    save(demo_engine, ilo, line(demo_engine, "ILO"))


def test_spending_added_since_the_form_opened_refuses_the_second_save(demo_engine):
    opened = line(demo_engine)
    save(demo_engine, ADMIN, opened)
    with pytest.raises(StaleEdit) as refused:
        save(demo_engine, manager(demo_engine), opened, amount="10")
    assert refused.value.their_changes["spent_cents"] == (opened["spent"], opened["spent"] + 123456)
    assert audit_count(demo_engine) == 1
