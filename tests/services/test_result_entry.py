"""Quarterly indicator results: validated, authorised, version-checked, locked and audited."""

from datetime import date

import pytest
from sqlalchemy import text
from sqlmodel import Session, func, select

from data_model import AuditEntry, Indicator, Partner, QuarterReport
from data_model.db import make_engine, upgrade
from grantmon.periods import quarters_between
from grantmon.services.core.access import Actor
from grantmon.services.core.commands import CommandError, NotAllowed, StaleEdit
from grantmon.services.core.entry_rules import LOCKED, NeedsConfirmation
from grantmon.services.results.entry import (
    enter_results,
    result_grid,
    results_quarter_locked,
)
from grantmon.services.workflow.commands import return_quarter
from seed.run import seed_database

TODAY = date(2026, 11, 28)
ADMIN = Actor(email="admin@example.org", role="administrator")


def partner_manager(engine, code: str, region: str | None = None) -> Actor:
    """A programme manager of the partner with that code, limited to a region or not."""
    with Session(engine) as session:
        partner = session.exec(select(Partner.id).where(Partner.code == code)).one()
    return Actor(f"manager.{code.lower()}@example.org", "programme manager", partner, region)


def indicator_id(engine, code: str) -> int:
    with Session(engine) as session:
        found = session.exec(select(Indicator.id).where(Indicator.code == code)).one()
    assert found is not None
    return found


def opened_grid(engine, code: str, quarter: str) -> dict:
    """The cell values the entry form shows when opened."""
    with Session(engine) as session:
        grid = result_grid(
            session=session, actor=ADMIN, indicator_id=indicator_id(engine, code), quarter=quarter
        )
    return {
        cell: value
        for cell, value in zip(grid["cell"], grid["value"], strict=True)
        if value is not None
    }


def save(engine, actor, code, quarter, values, opened=None, **options):
    with Session(engine) as session:
        return enter_results(
            session=session,
            actor=actor,
            indicator_id=indicator_id(engine, code),
            quarter=quarter,
            values=values,
            opened=opened_grid(engine, code, quarter) if opened is None else opened,
            today=TODAY,
            **options,
        )


def stored_cells(engine, code: str, quarter: str) -> dict:
    """(sex, region, age band, nationality) -> (value, status, entered_by, version), by raw SQL."""
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT r.sex, r.region_code, r.age_band, r.nationality_group, r.value, r.status,"
                " r.entered_by, r.version, r.evidence_url FROM indicatorresult r"
                " JOIN indicator i ON i.id = r.indicator_id WHERE i.code = :c AND r.quarter = :q"
            ),
            {"c": code, "q": quarter},
        ).all()
    return {tuple(r[:4]): tuple(r[4:]) for r in rows}


def returned_for_correction(engine, quarter: str) -> None:
    """The recipient's submitted quarter sent back by an M&E officer, as before a correction."""
    with Session(engine) as session:
        iom = session.exec(select(Partner.id).where(Partner.code == "IOM")).one()
        assert iom is not None
        version = session.exec(
            select(QuarterReport.version).where(
                QuarterReport.partner_id == iom, QuarterReport.quarter == quarter
            )
        ).one()
        return_quarter(
            session=session,
            actor=Actor("me@example.org", "m&e officer"),
            partner_id=iom,
            quarter=quarter,
            version=version,
            comment="Check the totals",
        )


def audit_count(engine) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(AuditEntry)).one()


TOTAL_KEY = ("all", "all", "all", "all")
SEX_ROWS = {"total": "60", "sex=female": "31", "sex=male": 29}


def test_a_manager_of_the_recipient_enters_a_new_quarter_as_draft_with_an_audit_row(demo_engine):
    saved = save(demo_engine, partner_manager(demo_engine, "IOM"), "1.1.a", "2026Q4", SEX_ROWS)
    assert saved["total"] == 60.0
    cells = stored_cells(demo_engine, "1.1.a", "2026Q4")
    assert cells[TOTAL_KEY][:4] == (60.0, "draft", "manager.iom@example.org", 1)
    assert cells[("female", "all", "all", "all")][0] == 31.0
    assert cells[("male", "all", "all", "all")][0] == 29.0
    assert len(cells) == 3
    with Session(demo_engine) as session:
        entry = session.exec(select(AuditEntry)).one()
    assert (entry.entity, entry.entity_id, entry.action) == (
        "indicator_result",
        "1.1.a 2026Q4",
        "create",
    )
    assert '"sex=female": 31.0' in (entry.after or "")


def test_changing_a_stored_quarter_bumps_only_changed_rows_and_records_before_and_after(
    demo_engine,
):
    returned_for_correction(demo_engine, "2026Q3")
    before = stored_cells(demo_engine, "1.1.a", "2026Q3")
    old_total = before[TOTAL_KEY][0]
    female = before[("female", "all", "all", "all")][0]
    values = {"total": old_total + 1, "sex=female": female + 1, "sex=male": old_total - female}
    save(demo_engine, ADMIN, "1.1.a", "2026Q3", values, evidence_url="https://example.org/r.pdf")
    after = stored_cells(demo_engine, "1.1.a", "2026Q3")
    assert after[TOTAL_KEY][0] == old_total + 1 and after[TOTAL_KEY][3] == before[TOTAL_KEY][3] + 1
    assert after[TOTAL_KEY][1] == "returned"  # the review status is the workflow's to change
    assert after[TOTAL_KEY][4] == "https://example.org/r.pdf"
    with Session(demo_engine) as session:
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "update")).one()
    assert f'"total": {old_total}' in (entry.before or "")
    assert f'"total": {old_total + 1}' in (entry.after or "")


def test_categories_that_do_not_add_up_name_the_dimension_and_both_sums(demo_engine):
    with pytest.raises(CommandError) as refused:
        save(demo_engine, ADMIN, "1.1.a", "2026Q4", {"total": 60, "sex=female": 30, "sex=male": 20})
    assert refused.value.field_errors["sex"] == (
        "By sex, the categories add up to 50 but the total is 60."
    )
    assert stored_cells(demo_engine, "1.1.a", "2026Q4") == {}
    assert audit_count(demo_engine) == 0


def test_every_dimension_of_a_four_way_indicator_must_add_up(demo_engine):
    opened = opened_grid(demo_engine, "1.2.a", "2026Q3")
    values = dict(opened)
    values["region=MA-04"] = values.get("region=MA-04", 0) + 5
    with pytest.raises(CommandError) as refused:
        save(demo_engine, ADMIN, "1.2.a", "2026Q3", values)
    assert set(refused.value.field_errors) == {"region"}
    assert "By region" in refused.value.field_errors["region"]


@pytest.mark.parametrize(
    "values, field",
    [
        ({"total": -1, "sex=female": 0, "sex=male": -1}, "total"),
        ({"total": "lots", "sex=female": 31, "sex=male": 29}, "total"),
        ({"total": "nan", "sex=female": 31, "sex=male": 29}, "total"),
        ({"total": "inf", "sex=female": 31, "sex=male": 29}, "total"),
        ({"total": True, "sex=female": 31, "sex=male": 29}, "total"),
        ({"total": 60, "sex=female": "", "sex=male": 29}, "sex"),
        ({"total": 60, "sex=female": None, "sex=male": None}, "sex"),
        ({"total": "", "sex=female": 31, "sex=male": 29}, "total"),
        ({"total": 60, "sex=female": 31, "sex=male": 29, "age_band=0-17": 3}, "age_band=0-17"),
        ({"total": "=1+59", "sex=female": 31, "sex=male": 29}, "total"),
    ],
)
def test_bad_values_are_refused_per_cell_and_change_nothing(demo_engine, values, field):
    with pytest.raises(CommandError) as refused:
        save(demo_engine, ADMIN, "1.1.a", "2026Q4", values)
    assert field in refused.value.field_errors
    assert stored_cells(demo_engine, "1.1.a", "2026Q4") == {}
    assert audit_count(demo_engine) == 0


@pytest.mark.parametrize(
    "quarter, options, field",
    [
        ("2023Q4", {}, "quarter"),
        ("2027Q1", {}, "quarter"),
        ("2026-Q4", {}, "quarter"),
        ("2026Q4", {"evidence_url": "javascript:alert(1)"}, "evidence_url"),
        ("2026Q4", {"evidence_url": "ftp://example.org/x"}, "evidence_url"),
        (
            "2026Q4",
            {"evidence_url": "https://example.org/ ![ev](http://127.0.0.1/e.png)"},
            "evidence_url",
        ),
        ("2026Q4", {"evidence_url": 'https://example.org/"onmouseover'}, "evidence_url"),
    ],
)
def test_quarters_outside_the_award_and_bad_links_are_refused(demo_engine, quarter, options, field):
    with pytest.raises(CommandError) as refused:
        save(demo_engine, ADMIN, "1.1.a", quarter, SEX_ROWS, opened={}, **options)
    assert field in refused.value.field_errors
    assert audit_count(demo_engine) == 0


def test_a_quarter_not_yet_started_is_refused(demo_engine):
    with Session(demo_engine) as session, pytest.raises(CommandError) as refused:
        enter_results(
            session=session,
            actor=ADMIN,
            indicator_id=indicator_id(demo_engine, "1.1.a"),
            quarter="2026Q4",
            values=SEX_ROWS,
            opened={},
            today=date(2026, 9, 1),
        )
    assert "has not started yet" in refused.value.field_errors["quarter"]


def test_a_value_far_above_the_earlier_quarters_needs_confirmation(demo_engine):
    previous = stored_cells(demo_engine, "1.1.a", "2026Q3")[TOTAL_KEY][0]
    big = int(previous * 10)  # a digit too many
    values = {"total": big, "sex=female": big - 10, "sex=male": 10}
    with pytest.raises(NeedsConfirmation) as refused:
        save(demo_engine, ADMIN, "1.1.a", "2026Q4", values)
    assert "more than 3 times the median" in refused.value.message
    assert stored_cells(demo_engine, "1.1.a", "2026Q4") == {}
    save(demo_engine, ADMIN, "1.1.a", "2026Q4", values, confirmed=True)
    assert stored_cells(demo_engine, "1.1.a", "2026Q4")[TOTAL_KEY][0] == big
    with Session(demo_engine) as session:
        assert session.exec(select(AuditEntry.reason)).one().startswith("Confirmed")


def test_a_value_far_below_the_earlier_quarters_needs_confirmation(demo_engine):
    with pytest.raises(NeedsConfirmation) as refused:
        save(demo_engine, ADMIN, "1.1.a", "2026Q4", {"total": 0, "sex=female": 0, "sex=male": 0})
    assert "less than a third of the median" in refused.value.message


GROWING = [18, 35, 38, 55, 72, 61, 54, 66, 54, 57, 67]  # a programme starting up, 2024Q1-2026Q3


def test_a_growing_series_is_saved_without_confirmation_but_a_slipped_digit_is_not(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'plan.db'}")
    upgrade(engine)
    seed_database(engine, demo=True, figures=False)
    for quarter, value in zip(quarters_between("2024Q1", "2026Q3"), GROWING, strict=True):
        save(engine, ADMIN, "3.2.a", quarter, {"total": value})
    for slipped in (670, 6):
        with pytest.raises(NeedsConfirmation):
            save(engine, ADMIN, "3.2.a", "2026Q4", {"total": slipped})
    save(engine, ADMIN, "3.2.a", "2026Q4", {"total": 70})
    engine.dispose()


def test_an_approved_quarter_is_locked(demo_engine):
    opened = opened_grid(demo_engine, "1.1.a", "2026Q2")
    with pytest.raises(CommandError) as refused:
        save(demo_engine, ADMIN, "1.1.a", "2026Q2", opened)
    assert refused.value.message == LOCKED
    with Session(demo_engine) as session:
        assert results_quarter_locked(session=session, actor=ADMIN, quarter="2026Q2")
        assert not results_quarter_locked(session=session, actor=ADMIN, quarter="2026Q3")
    assert audit_count(demo_engine) == 0


@pytest.mark.parametrize("role", ["donor", "viewer", "m&e officer"])
def test_readers_cannot_enter_results(demo_engine, role):
    with pytest.raises(NotAllowed):
        save(demo_engine, Actor(email="x@example.org", role=role), "1.1.a", "2026Q4", SEX_ROWS)
    assert stored_cells(demo_engine, "1.1.a", "2026Q4") == {}


@pytest.mark.parametrize("partner", ["UNODC", "ILO"])
def test_a_manager_of_another_partner_cannot_write_the_recipients_results(demo_engine, partner):
    with pytest.raises(NotAllowed):
        save(demo_engine, partner_manager(demo_engine, partner), "1.1.a", "2026Q4", SEX_ROWS)
    assert stored_cells(demo_engine, "1.1.a", "2026Q4") == {}
    assert audit_count(demo_engine) == 0


def test_a_manager_limited_to_a_region_cannot_store_another_regions_breakdown(demo_engine):
    values = {"total": 7, "sex=female": 4, "sex=male": 3, "region=MA-01": 7}
    with pytest.raises(NotAllowed) as refused:
        save(demo_engine, partner_manager(demo_engine, "IOM", "MA-04"), "2.2.a", "2026Q4", values)
    assert "MA-04" in refused.value.message
    assert {"region=MA-01", "total"} <= set(refused.value.field_errors)
    assert "region=MA-04" not in refused.value.field_errors
    assert stored_cells(demo_engine, "2.2.a", "2026Q4") == {}
    assert audit_count(demo_engine) == 0


def same_second_for_every_cell(engine, code: str, quarter: str) -> None:
    """Give every cell the same save time, as when two saves fall in the same second."""
    with engine.begin() as connection:
        connection.execute(
            text(
                "UPDATE indicatorresult SET entered_at = (SELECT MAX(entered_at) FROM"
                " indicatorresult WHERE indicator_id = :i AND quarter = :q)"
                " WHERE indicator_id = :i AND quarter = :q"
            ),
            {"i": indicator_id(engine, code), "q": quarter},
        )


def test_the_second_of_two_concurrent_edits_is_refused_and_names_the_cell(demo_engine):
    opened = opened_grid(demo_engine, "1.1.a", "2026Q3")
    total, female = opened["total"], opened["sex=female"]
    first = {"total": total + 2, "sex=female": female + 2, "sex=male": total - female}
    save(demo_engine, ADMIN, "1.1.a", "2026Q3", first, opened=opened)
    same_second_for_every_cell(demo_engine, "1.1.a", "2026Q3")
    second = {"total": total + 1, "sex=female": female + 1, "sex=male": total - female}
    with pytest.raises(StaleEdit) as refused:
        save(
            demo_engine,
            partner_manager(demo_engine, "IOM"),
            "1.1.a",
            "2026Q3",
            second,
            opened=opened,
        )
    assert refused.value.their_changes["total"] == (total, total + 2)
    assert "admin@example.org saved these figures" in refused.value.message
    assert stored_cells(demo_engine, "1.1.a", "2026Q3")[TOTAL_KEY][0] == total + 2
    assert audit_count(demo_engine) == 2  # the first save, and its quarter taken back


def test_french_and_arabic_links_are_kept_exactly(demo_engine):
    link = "https://example.org/rapport-été/تقرير"
    save(demo_engine, ADMIN, "1.1.a", "2026Q4", SEX_ROWS, evidence_url=link)
    assert stored_cells(demo_engine, "1.1.a", "2026Q4")[TOTAL_KEY][4] == link
