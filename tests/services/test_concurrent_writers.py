"""Twenty writers at once, each a separate process with its own engine, as several app servers are.

Every writer adds spending to the same budget line and a note to the same milestone through the real
commands, retrying when told its form is stale. No save may be lost and no writer may see a raw
database error such as "database is locked".
"""

import multiprocessing
import sys
import traceback
import types
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from datetime import date
from functools import partial
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session, col, func, select

from data_model import AuditEntry, Expenditure, Milestone, MilestoneStatus
from data_model.db import make_engine
from grantmon.services.budget.spending import add_expenditure, spending_lines
from grantmon.services.core.access import Actor
from grantmon.services.core.commands import StaleEdit
from grantmon.services.core.database import data_version
from grantmon.services.milestones.updates import update_milestone

WRITERS = 20
SAVES_EACH = 1
TODAY = date(2026, 11, 28)
ATTEMPTS = 200  # a writer that keeps losing races still gets through long before this


def _actor(index: int) -> Actor:
    return Actor(email=f"writer{index:02d}@example.org", role="administrator")


def _until_saved(save: Callable[[], None]) -> int:
    """Open the form and save; when refused as stale, open it again. Returns the refusals."""
    for stale in range(ATTEMPTS):
        try:
            save()
            return stale
        except StaleEdit:
            continue
    raise RuntimeError("never got a save through")


def _add_spending(engine: Engine, actor: Actor, line_id: int, cents: int) -> None:
    """What the Expenditures screen does: show the line's spending, then save an amount."""
    with Session(engine) as session:
        lines = spending_lines(session=session, actor=actor)
    spent = int(lines.loc[lines["id"] == line_id, "spent_cents"].iloc[0])
    values = {
        "amount": f"{cents // 100}.{cents % 100:02d}",
        "spent_on": date(2026, 11, 2),
        "description": f"{actor.email} saw {spent}",
        "justification": "Concurrent writers test",
    }
    with Session(engine) as session:
        add_expenditure(
            session=session,
            actor=actor,
            budget_line_id=line_id,
            values=values,
            opened_spent_cents=spent,
            today=TODAY,
        )


def _open_note(engine: Engine, actor: Actor, milestone_id: int) -> dict[str, Any]:
    """What the Update milestones form holds: the record as opened, this writer's note appended."""
    with Session(engine) as session:
        opened = session.get(Milestone, milestone_id)
        assert opened is not None
        shown = opened.model_dump()
    kept = ("status", "percent_complete", "actual_completion_date", "evidence_url", "version")
    return {
        "milestone_id": milestone_id,
        "values": {k: shown[k] for k in kept} | {"notes": f"{shown['notes']} [{actor.email}]"},
        "opened": {k: shown[k] for k in ("status", "percent_complete", "notes")},
        "today": TODAY,
    }


def _add_note(engine: Engine, actor: Actor, milestone_id: int) -> None:
    """What the Update milestones screen does: open the milestone, append to its notes, save."""
    form = _open_note(engine, actor, milestone_id)
    with Session(engine) as session:
        update_milestone(session=session, actor=actor, **form)


_start_together: Any = None  # each pool process's copy of the shared barrier


def _join_pool(barrier: Any) -> None:
    global _start_together
    _start_together = barrier


def _writer(url: str, index: int, targets: dict) -> dict[str, Any]:
    """One writer: its own engine, released together with the other nineteen."""
    outcome: dict[str, Any] = {"error": None, "cents": [], "stale": 0}
    engine = make_engine(url)
    try:
        _start_together.wait(timeout=120)
        actor = _actor(index)
        for number in range(SAVES_EACH):
            cents = 10_000 + index * 100 + number  # distinct amounts, so each save is traceable
            outcome["stale"] += _until_saved(
                partial(_add_spending, engine, actor, targets["line_id"], cents)
            )
            outcome["cents"].append(cents)
        outcome["stale"] += _until_saved(partial(_add_note, engine, actor, targets["milestone_id"]))
    except BaseException:  # reported to the test, which shows it
        outcome["error"] = traceback.format_exc()
    finally:
        engine.dispose()
    return outcome


@pytest.fixture(scope="module")
def writers() -> Iterator[ProcessPoolExecutor]:
    """Twenty separate processes, started once (by spawn, as separate servers would be)."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(WRITERS)
    with ProcessPoolExecutor(WRITERS, context, initializer=_join_pool, initargs=(barrier,)) as pool:
        with _no_main_script():
            for ready in [pool.submit(_ready) for _ in range(WRITERS)]:
                ready.result(timeout=300)
        yield pool


@contextmanager
def _no_main_script() -> Iterator[None]:
    # A spawned process re-runs the parent's __main__ file. After a page test, Streamlit has
    # left the dashboard script there, which the writers must not run: start them without.
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main


def _ready() -> None:
    """Hold this process until all twenty are up (so the pool has twenty, not fewer)."""
    _start_together.wait(timeout=300)


def _run_writers(pool: ProcessPoolExecutor, url: str, targets: dict) -> list[dict]:
    # Each writer blocks at the barrier until all have arrived, so all twenty run at once,
    # one per process.
    futures = [pool.submit(_writer, url, i, targets) for i in range(WRITERS)]
    return [future.result(timeout=300) for future in futures]


def _targets(engine: Engine) -> dict:
    with Session(engine) as session:
        lines = spending_lines(session=session, actor=_actor(0))
        milestone_id = session.exec(
            select(Milestone.id)
            .where(Milestone.status == MilestoneStatus.IN_PROGRESS)
            .order_by(col(Milestone.id))
        ).first()
    line = lines[lines["category"] == "supplies"].iloc[0]
    return {"line_id": int(line["id"]), "milestone_id": milestone_id}


def _count(engine: Engine, sql: str, **params: Any) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text(sql), params).scalar_one())


def _each_saw_the_spending_before_it(engine: Engine, line_id: int, spent: int) -> bool:
    """Every save was checked (over budget? stale?) against the line as it really stood."""
    with Session(engine) as session:
        rows = session.exec(
            select(Expenditure.description, Expenditure.amount_cents)
            .where(
                Expenditure.budget_line_id == line_id,
                col(Expenditure.description).contains(" saw "),
            )
            .order_by(col(Expenditure.id))
        ).all()
    seen = []
    for description, cents in rows:
        seen.append(int(description.rsplit(" ", 1)[1]) == spent)
        spent += cents
    return all(seen)


def _audited(engine: Engine, entity: str, action: str) -> int:
    with Session(engine) as session:
        return session.exec(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.entity == entity, AuditEntry.action == action)
        ).one()


def test_twenty_writers_at_once_lose_no_save_and_see_no_database_error(demo_engine, writers):
    targets = _targets(demo_engine)
    spent_sql = "SELECT COALESCE(SUM(amount_cents), 0) FROM expenditure WHERE budget_line_id = :i"
    spent_before = _count(demo_engine, spent_sql, i=targets["line_id"])
    with Session(demo_engine) as session:
        version_before = data_version(session)

    url = demo_engine.url.render_as_string(hide_password=False)
    outcomes = _run_writers(writers, url, targets)

    assert [o["error"] for o in outcomes if o["error"]] == []
    saved = [c for o in outcomes for c in o["cents"]]
    assert len(saved) == WRITERS * SAVES_EACH
    assert _count(demo_engine, spent_sql, i=targets["line_id"]) == spent_before + sum(saved)
    assert _audited(demo_engine, "expenditure", "create") == len(saved)
    assert _each_saw_the_spending_before_it(demo_engine, targets["line_id"], spent_before)
    assert _audited(demo_engine, "milestone", "update") == WRITERS
    with Session(demo_engine) as session:
        milestone = session.get(Milestone, targets["milestone_id"])
        assert milestone is not None
        assert all(f"[{_actor(i).email}]" in milestone.notes for i in range(WRITERS))
        # every write moved the data version, so no server keeps a stale cache
        assert data_version(session) == version_before + len(saved) + WRITERS


def _hold_the_milestone(engine: Engine, milestone_id: int) -> Any:
    """Another server in the middle of a long write: holds the lock the save needs."""
    holder = engine.connect()
    if engine.dialect.name == "sqlite":
        holder.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        holder.execute(
            text("SELECT id FROM milestone WHERE id = :i FOR UPDATE"), {"i": milestone_id}
        )
    return holder


def test_a_save_that_waits_too_long_for_a_lock_is_told_to_try_again(demo_engine):
    milestone_id = _targets(demo_engine)["milestone_id"]
    # Shorten the wait (15 s on SQLite, unbounded on PostgreSQL) so the test is quick.
    short = (
        "PRAGMA busy_timeout = 200"
        if demo_engine.dialect.name == "sqlite"
        else "SET lock_timeout = 200"
    )
    form = _open_note(demo_engine, _actor(0), milestone_id)
    holder = _hold_the_milestone(demo_engine, milestone_id)
    try:
        with Session(demo_engine) as session:
            session.connection().exec_driver_sql(short)
            with pytest.raises(StaleEdit, match="same moment"):
                update_milestone(session=session, actor=_actor(0), **form)
    finally:
        holder.rollback()
        holder.close()
    with Session(demo_engine) as session:
        milestone = session.get(Milestone, milestone_id)
        assert milestone is not None and "[writer00@example.org]" not in milestone.notes
