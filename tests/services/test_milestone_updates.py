"""The milestone update command validates, authorises, refuses stale edits and audits."""

from datetime import date

import pytest
from sqlmodel import Session, col, func, select

from data_model import Activity, AuditEntry, Milestone, Partner
from grantmon.services.core.access import Actor
from grantmon.services.core.commands import CommandError, NotAllowed, StaleEdit
from grantmon.services.core.database import data_version
from grantmon.services.milestones.updates import update_milestone

TODAY = date(2026, 11, 28)


def partner_id(session: Session, code: str) -> int:
    found = session.exec(select(Partner.id).where(Partner.code == code)).one()
    assert found is not None
    return found


def open_milestone(engine, partner: str = "IOM", status: str = "in progress") -> dict:
    """What a manager's form holds when opened on a milestone of that partner."""
    with Session(engine) as session:
        milestone = session.exec(
            select(Milestone)
            .join(Activity)
            .join(Partner)
            .where(Partner.code == partner, Milestone.status == status)
            .order_by(col(Milestone.id))
        ).first()
        assert milestone is not None
        return milestone.model_dump()


def manager(engine, partner: str = "IOM") -> Actor:
    with Session(engine) as session:
        return Actor(
            email=f"manager.{partner.lower()}@example.org",
            role="programme manager",
            partner_id=partner_id(session, partner),
        )


def save(engine, actor: Actor, opened: dict, **changes):
    values = {
        k: opened[k]
        for k in (
            "status",
            "percent_complete",
            "actual_completion_date",
            "notes",
            "evidence_url",
            "version",
        )
    } | changes
    shown = {k: opened[k] for k in ("status", "percent_complete", "notes")}
    with Session(engine) as session:
        return update_milestone(
            session=session,
            actor=actor,
            milestone_id=opened["id"],
            values=values,
            opened=shown,
            today=TODAY,
        )


def audit_count(engine) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(AuditEntry)).one()


def stored(engine, milestone_id: int) -> Milestone:
    with Session(engine) as session:
        milestone = session.get(Milestone, milestone_id)
        assert milestone is not None
        return milestone


def test_a_manager_updates_their_partners_milestone_with_an_audit_row(demo_engine):
    opened = open_milestone(demo_engine)
    with Session(demo_engine) as session:
        version_before = data_version(session)
    save(
        demo_engine,
        manager(demo_engine),
        opened,
        percent_complete=90,
        notes="Atelier tenu à Rabat — ورشة",
    )
    saved = stored(demo_engine, opened["id"])
    assert (saved.percent_complete, saved.version) == (90, opened["version"] + 1)
    assert saved.notes == "Atelier tenu à Rabat — ورشة"
    assert saved.updated_by == "manager.iom@example.org"
    with Session(demo_engine) as session:
        entry = session.exec(select(AuditEntry)).one()
        assert data_version(session) == version_before + 1
    assert entry.actor == "manager.iom@example.org" and entry.entity_id == str(opened["id"])
    assert '"percent_complete": 90' in (entry.after or "")
    assert f'"percent_complete": {opened["percent_complete"]}' in (entry.before or "")


@pytest.mark.parametrize("role", ["donor", "viewer", "m&e officer"])
def test_readers_cannot_write(demo_engine, role):
    opened = open_milestone(demo_engine)
    with pytest.raises(NotAllowed):
        save(demo_engine, Actor(email="x@example.org", role=role), opened, percent_complete=99)
    assert stored(demo_engine, opened["id"]).percent_complete == opened["percent_complete"]
    assert audit_count(demo_engine) == 0


def test_a_manager_cannot_touch_another_partners_milestone(demo_engine):
    opened = open_milestone(demo_engine, partner="IOM")
    with pytest.raises(NotAllowed):
        save(demo_engine, manager(demo_engine, "ILO"), opened, percent_complete=99)
    assert stored(demo_engine, opened["id"]).version == opened["version"]


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"percent_complete": 150}, "percent_complete"),
        ({"percent_complete": "half"}, "percent_complete"),
        ({"status": "finished"}, "status"),
        ({"status": "completed", "percent_complete": 100}, "actual_completion_date"),
        (
            {"status": "completed", "percent_complete": 80, "actual_completion_date": "2026-01-10"},
            "percent_complete",
        ),
        (
            {
                "status": "completed",
                "percent_complete": 100,
                "actual_completion_date": "2027-01-10",
            },
            "actual_completion_date",
        ),
        (
            {
                "status": "completed",
                "percent_complete": 100,
                "actual_completion_date": "2023-12-31",
            },
            "actual_completion_date",
        ),
        ({"status": "not started", "percent_complete": 0}, "reason"),
        ({"evidence_url": "javascript:alert(1)"}, "evidence_url"),
    ],
)
def test_bad_input_names_the_field_and_changes_nothing(demo_engine, changes, field):
    opened = open_milestone(demo_engine)
    with pytest.raises(CommandError) as refused:
        save(demo_engine, manager(demo_engine), opened, **changes)
    assert field in refused.value.field_errors
    assert stored(demo_engine, opened["id"]).version == opened["version"]
    assert audit_count(demo_engine) == 0


@pytest.mark.parametrize(
    "link, says",
    [
        ("https://example.org/ ![ev](http://127.0.0.1:18999/evidence.png)", "contains a space"),
        ("https://example.org/<img>", "is not a web address"),
        ("https://", "is not a web address"),
        ("example.org/report.pdf", "must start with https:// or http://"),
    ],
)
def test_an_evidence_link_must_be_one_web_address(demo_engine, link, says):
    opened = open_milestone(demo_engine)
    with pytest.raises(CommandError) as refused:
        save(demo_engine, manager(demo_engine), opened, evidence_url=link)
    assert says in refused.value.field_errors["evidence_url"]
    assert stored(demo_engine, opened["id"]).evidence_url == opened["evidence_url"]
    assert audit_count(demo_engine) == 0


def test_a_pasted_link_is_stored_without_the_spaces_around_it(demo_engine):
    opened = open_milestone(demo_engine)
    save(demo_engine, manager(demo_engine), opened, evidence_url=" https://example.org/a(1).pdf \n")
    assert stored(demo_engine, opened["id"]).evidence_url == "https://example.org/a(1).pdf"


def test_moving_back_with_a_reason_is_accepted(demo_engine):
    opened = open_milestone(demo_engine)
    save(
        demo_engine,
        manager(demo_engine),
        opened,
        status="not started",
        percent_complete=0,
        reason="Partner withdrew; activity re-planned",
    )
    assert stored(demo_engine, opened["id"]).status == "not started"


def test_the_second_of_two_concurrent_edits_is_refused_and_the_first_kept(demo_engine):
    first_form = open_milestone(demo_engine)
    second_form = dict(first_form)
    save(demo_engine, manager(demo_engine), first_form, percent_complete=70, notes="first")
    with pytest.raises(StaleEdit) as refused:
        save(demo_engine, manager(demo_engine), second_form, percent_complete=10, notes="second")
    assert refused.value.their_changes["notes"] == (first_form["notes"], "first")
    assert "manager.iom@example.org saved this record" in refused.value.message
    kept = stored(demo_engine, first_form["id"])
    assert (kept.percent_complete, kept.notes) == (70, "first")
    assert audit_count(demo_engine) == 1


def test_html_in_notes_is_stored_as_plain_text(demo_engine):
    opened = open_milestone(demo_engine)
    save(demo_engine, manager(demo_engine), opened, notes="<script>alert('x')</script> =SUM(A1)")
    assert stored(demo_engine, opened["id"]).notes == "<script>alert('x')</script> =SUM(A1)"
