"""A person's language is kept with their own user record, audited, and refused when unknown."""

import pytest
from sqlmodel import Session, select

from data_model import AuditEntry, User
from grantmon.services.core.access import LOCAL_ACTOR, Actor
from grantmon.services.core.commands import CommandError
from grantmon.services.core.preferences import remember_language, stored_language

DONOR = Actor(email="Donor@Example.org", role="donor")  # as the identity provider spells it


def test_a_choice_is_kept_with_the_persons_record_and_audited(demo_engine):
    with Session(demo_engine) as session:
        assert stored_language(session=session, actor=DONOR) is None
        remember_language(session=session, actor=DONOR, language="fr")
        remember_language(session=session, actor=DONOR, language="fr")  # no change, no audit
    with Session(demo_engine) as session:
        assert stored_language(session=session, actor=DONOR) == "fr"
        rows = session.exec(select(AuditEntry).where(AuditEntry.action == "language")).all()
        others = session.exec(select(User.language).where(User.email != "donor@example.org"))
        assert set(others.all()) == {None}
    assert [(r.actor, r.entity_id, r.after) for r in rows] == [
        ("Donor@Example.org", "donor@example.org", '{"language": "fr"}')
    ]


def test_an_unknown_language_changes_nothing(demo_engine):
    with Session(demo_engine) as session:
        with pytest.raises(CommandError, match="Unknown language 'de'"):
            remember_language(session=session, actor=DONOR, language="de")
        assert stored_language(session=session, actor=DONOR) is None


def test_local_mode_and_withdrawn_people_keep_nothing(demo_engine):
    with Session(demo_engine) as session:
        remember_language(session=session, actor=LOCAL_ACTOR, language="fr")
        user = session.exec(select(User).where(User.email == "donor@example.org")).one()
        user.active = False
        session.add(user)
        session.commit()
        remember_language(session=session, actor=DONOR, language="fr")
        assert session.exec(select(User.language).where(User.language.is_not(None))).all() == []  # type: ignore[union-attr]
