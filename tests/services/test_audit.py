"""The audit trail shows who changed what and why; only administrators read the whole log."""

from datetime import date

import pytest
from sqlmodel import Session

from grantmon.services.core.access import LOCAL_ACTOR, Actor, ReadRefused
from grantmon.services.core.audit import audit_log, record_history
from tests.services.test_milestone_updates import manager, open_milestone, save


def test_history_of_a_record_names_who_what_and_why(demo_engine):
    opened = open_milestone(demo_engine)
    save(
        demo_engine,
        manager(demo_engine),
        opened,
        status="not started",
        percent_complete=0,
        reason="Venue cancelled",
    )
    with Session(demo_engine) as session:
        history = record_history(
            session=session, actor=LOCAL_ACTOR, entity="milestone", entity_id=str(opened["id"])
        )
    assert list(history["actor"]) == ["manager.iom@example.org"]
    assert list(history["reason"]) == ["Venue cancelled"]
    assert "status: in progress → not started" in history["changes"].iloc[0]


def test_the_log_filters_by_person_and_is_for_administrators_only(demo_engine):
    save(demo_engine, manager(demo_engine), open_milestone(demo_engine), percent_complete=61)
    with Session(demo_engine) as session:
        mine = audit_log(
            session=session, actor=LOCAL_ACTOR, who="manager.iom", since=date(2026, 1, 1)
        )
        nobody = audit_log(session=session, actor=LOCAL_ACTOR, who="someone.else")
        assert len(mine) == 1 and nobody.empty
        with pytest.raises(ReadRefused, match="the audit log"):
            audit_log(session=session, actor=Actor(email="donor@example.org", role="donor"))
