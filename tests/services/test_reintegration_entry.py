"""Reintegration figures: a funnel per sex and age band, whole counts, scoped, locked, audited."""

from datetime import date

import pytest
from sqlalchemy import text
from sqlmodel import Session, func, select

from data_model import AuditEntry, Partner, ReintegrationFigure
from grantmon.services.core.access import Actor, ReadRefused
from grantmon.services.core.commands import CommandError, NotAllowed, StaleEdit
from grantmon.services.core.entry_rules import LOCKED
from grantmon.services.core.filters import Filters
from grantmon.services.reintegration.entry import (
    enter_reintegration,
    entry_regions,
    flat,
    reintegration_grid,
)
from grantmon.services.reintegration.reads import breakdown, reintegration_totals

TODAY = date(2026, 11, 28)
ADMIN = Actor(email="admin@example.org", role="administrator")
FUNNEL = {"identified": 5, "referred": 4, "assisted": 4, "plans_started": 2, "plans_completed": 1}


def manager(engine, code: str = "IOM", region: str | None = None) -> Actor:
    with Session(engine) as session:
        partner = session.exec(select(Partner.id).where(Partner.code == code)).one()
    return Actor(f"manager.{code.lower()}@example.org", "programme manager", partner, region)


def shown(engine, actor, quarter, region) -> tuple[dict, dict]:
    """The grid as the form shows it: values per cell and the flat 'opened' snapshot."""
    with Session(engine) as session:
        grid = reintegration_grid(session=session, actor=actor, quarter=quarter, region_code=region)
    stages = list(FUNNEL)
    values = {row["cell"]: {s: row[s] for s in stages} for _, row in grid.iterrows()}
    opened = flat({c: v for c, v in values.items() if v["identified"] is not None})
    return values, opened


def save(engine, actor, quarter="2026Q4", region="MA-04", changes=None, opened=None, seen_by=None):
    values, was = shown(engine, seen_by or actor, quarter, region)
    values = {
        c: {s: (v if v is not None else 0) for s, v in counts.items()}
        for c, counts in values.items()
    }
    for cell, counts in (changes or {}).items():
        values[cell] = values.get(cell, {}) | counts
    with Session(engine) as session:
        return enter_reintegration(
            session=session,
            actor=actor,
            quarter=quarter,
            region_code=region,
            values=values,
            opened=was if opened is None else opened,
            today=TODAY,
        )


def sums(engine, quarter, region) -> tuple:
    with engine.connect() as connection:
        return tuple(
            connection.execute(
                text(
                    "SELECT COALESCE(SUM(identified), 0), COALESCE(SUM(plans_completed), 0),"
                    " COUNT(*) FROM reintegrationfigure WHERE quarter = :q AND region_code = :r"
                ),
                {"q": quarter, "r": region},
            ).one()
        )


def audit_count(engine) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(AuditEntry)).one()


def test_a_manager_enters_a_new_quarter_as_eight_draft_cells(demo_engine):
    save(demo_engine, manager(demo_engine), changes={"female/18-24": FUNNEL, "male/0-17": FUNNEL})
    assert sums(demo_engine, "2026Q4", "MA-04") == (10, 2, 8)
    with Session(demo_engine) as session:
        rows = session.exec(
            select(ReintegrationFigure).where(ReintegrationFigure.quarter == "2026Q4")
        ).all()
        entry = session.exec(select(AuditEntry)).one()
    assert {r.status for r in rows} == {"draft"} and {r.entered_by for r in rows} == {
        "manager.iom@example.org"
    }
    assert (entry.entity, entry.entity_id.split()[:2]) == ("reintegration", ["MA-04", "2026Q4"])
    assert '"female/18-24 identified": 5' in (entry.after or "")


def test_the_funnel_and_breakdowns_read_just_before_a_save_show_it_right_after(demo_engine):
    figures = Filters(start="2026Q4", end="2026Q4", region="MA-04")

    def assisted_by_age() -> dict:
        with Session(demo_engine) as session:
            table = breakdown(
                session=session, actor=ADMIN, filters=figures, by="age_band", stage="assisted"
            )
            totals = reintegration_totals(session=session, actor=ADMIN, filters=figures)
        female = table[table["sex"] == "female"].set_index("category")["count"]
        return {"18-24": female.get("18-24"), "all": totals.assisted}

    before = assisted_by_age()
    save(demo_engine, manager(demo_engine), changes={"female/18-24": FUNNEL})
    after = assisted_by_age()
    assert after["18-24"] == (before["18-24"] or 0) + FUNNEL["assisted"]
    assert after["all"] == (before["all"] or 0) + FUNNEL["assisted"]


def test_changing_a_submitted_quarter_takes_it_back_and_bumps_the_changed_cell(demo_engine):
    before = sums(demo_engine, "2026Q3", "MA-04")
    values, _ = shown(demo_engine, ADMIN, "2026Q3", "MA-04")
    cell = values["female/25-39"]
    save(
        demo_engine,
        ADMIN,
        "2026Q3",
        changes={"female/25-39": {"identified": cell["identified"] + 3}},
    )
    assert sums(demo_engine, "2026Q3", "MA-04")[0] == before[0] + 3
    # Every figure went back to draft (a version each); the changed cell was saved too.
    assert sorted(versions_of(demo_engine, "2026Q3")) == [2] * 7 + [3]


def versions_of(engine, quarter) -> list[int]:
    """The versions of a quarter's MA-04 rows."""
    sql = "SELECT version FROM reintegrationfigure WHERE quarter = :q AND region_code = 'MA-04'"
    with engine.connect() as connection:
        return [r[0] for r in connection.execute(text(sql), {"q": quarter})]


@pytest.mark.parametrize(
    "counts, key, words",
    [
        (
            {"identified": 2, "referred": 3},
            "female/18-24 referred",
            "Female, 18-24: Referred (3) is more than identified (2).",
        ),
        (
            FUNNEL | {"plans_completed": 3},
            "female/18-24 plans_completed",
            "Plans completed (3) is more than plans started (2)",
        ),
        ({"identified": -1}, "female/18-24 identified", "cannot be negative"),
        ({"identified": 2.5}, "female/18-24 identified", "whole number"),
        ({"identified": "Fatima"}, "female/18-24 identified", "is not a number"),
        ({"identified": "=1+1"}, "female/18-24 identified", "is not a number"),
    ],
)
def test_bad_counts_are_refused_naming_the_cell(demo_engine, counts, key, words):
    with pytest.raises(CommandError) as refused:
        save(demo_engine, ADMIN, changes={"female/18-24": counts})
    assert words in refused.value.field_errors[key]
    assert sums(demo_engine, "2026Q4", "MA-04")[2] == 0
    assert audit_count(demo_engine) == 0


def test_unknown_cells_regions_and_quarters_are_refused(demo_engine):
    with pytest.raises(CommandError) as refused:
        save(demo_engine, ADMIN, changes={"other/18-24": FUNNEL})
    assert "other/18-24" in refused.value.field_errors
    with pytest.raises(CommandError):
        save(demo_engine, ADMIN, region="XX-99")
    with pytest.raises(CommandError) as refused:
        save(demo_engine, ADMIN, quarter="2023Q4")
    assert "quarter" in refused.value.field_errors


def test_the_grid_has_no_field_for_a_name():
    assert not any(
        name in ReintegrationFigure.model_fields for name in ("name", "comment", "notes", "note")
    )


def test_an_approved_quarter_is_locked(demo_engine):
    with pytest.raises(CommandError) as refused:
        save(demo_engine, ADMIN, "2026Q2")
    assert refused.value.message == LOCKED


def test_a_region_scoped_manager_enters_only_their_region(demo_engine):
    ilo = manager(demo_engine, "ILO", "MA-06")
    with Session(demo_engine) as session:
        assert list(entry_regions(session=session, actor=ilo)["code"]) == ["MA-06"]
        assert len(entry_regions(session=session, actor=ADMIN)) == 12
    with pytest.raises(NotAllowed):
        save(demo_engine, ilo, region="MA-04")
    save(demo_engine, ilo, region="MA-06", changes={"male/25-39": FUNNEL})
    for role in ("donor", "viewer", "m&e officer"):
        with pytest.raises(NotAllowed):  # even given the grid an administrator sees
            save(demo_engine, Actor("x@example.org", role), seen_by=ADMIN)
    with pytest.raises(ReadRefused):  # a donor is not shown the grid at all
        shown(demo_engine, Actor("x@example.org", "donor"), "2026Q4", "MA-04")


def test_a_stale_grid_is_refused_and_the_first_save_kept(demo_engine):
    _, opened = shown(demo_engine, ADMIN, "2026Q3", "MA-04")
    values, _ = shown(demo_engine, ADMIN, "2026Q3", "MA-04")
    first = values["male/40+"]["identified"] + 1
    save(demo_engine, ADMIN, "2026Q3", changes={"male/40+": {"identified": first}})
    with pytest.raises(StaleEdit) as refused:
        save(
            demo_engine,
            manager(demo_engine),
            "2026Q3",
            changes={"male/40+": {"identified": first + 5}},
            opened=opened,
        )
    assert refused.value.their_changes["male/40+ identified"] == (first - 1, first)
    assert audit_count(demo_engine) == 2  # the first save, and its quarter taken back
