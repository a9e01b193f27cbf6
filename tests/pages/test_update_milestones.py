"""A programme manager updates a milestone from the entry screen; readers get no such screen."""

from datetime import date

import pytest
from sqlmodel import Session, col, select

from data_model import AuditEntry, Milestone
from tests.pages.apptest import run_page
from tests.pages.visible_text import as_read

PAGE = "pages/update_milestones.py"


def submit(app):
    """Click the form's Save button and rerun."""
    next(b for b in app.button if b.label == "Save").click()
    return app.run()


def test_a_manager_saves_progress_and_it_is_audited(app_database):
    app = run_page(PAGE, view_as="manager.iom@example.org")
    picker = next(s for s in app.selectbox if s.label == "Milestone")
    labels = list(picker.options)
    in_progress = next(i for i, label in enumerate(labels) if label.endswith("in progress"))
    picker.select_index(in_progress).run()
    milestone_code = labels[in_progress].split(" · ")[0]
    next(s for s in app.slider if s.label == "Percent complete").set_value(55)
    next(s for s in app.selectbox if s.label == "Status").set_value("in progress")
    next(a for a in app.text_area if a.label == "Comment").input("Trainers recruited")
    submit(app)
    assert not app.exception
    with Session(app_database) as session:
        saved = session.exec(select(Milestone).where(Milestone.code == milestone_code)).one()
        audit = session.exec(select(AuditEntry)).all()
    assert (saved.percent_complete, saved.notes) == (55, "Trainers recruited")
    assert saved.updated_by == "manager.iom@example.org"
    assert [entry.entity_id for entry in audit] == [str(saved.id)]


def test_a_manager_only_picks_milestones_of_their_partner(app_database):
    app = run_page(PAGE, view_as="manager.ilo@example.org")
    picker = next(s for s in app.selectbox if s.label == "Milestone")
    labels = list(picker.options)
    # The ILO manager works in Casablanca-Settat only: A3.2 (ILO, MA-06) is theirs.
    assert labels and all(label.startswith("A3.2-") for label in labels)


def test_a_bad_value_is_refused_next_to_its_field_and_saves_nothing(app_database):
    app = run_page(PAGE, view_as="manager.iom@example.org")
    next(s for s in app.selectbox if s.label == "Status").set_value("completed")
    next(s for s in app.slider if s.label == "Percent complete").set_value(40)
    submit(app)
    errors = [as_read(e.value) for e in app.error]
    assert "A completed milestone is 100% complete." in errors
    with Session(app_database) as session:
        assert session.exec(select(AuditEntry)).all() == []


@pytest.mark.parametrize("reader", ["donor@example.org", "viewer@example.org"])
def test_readers_have_no_data_entry_screen(app_database, reader):
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        run_page(PAGE, view_as=reader)


def test_a_milestone_without_evidence_shows_an_empty_link_once_another_has_one(app_database):
    # pandas 3 reads the missing links beside a stored one as NaN, which must not show as "nan".
    with Session(app_database) as session:
        first = session.exec(select(Milestone).order_by(Milestone.id)).first()
        assert first is not None
        first.evidence_url = "https://example.org/report.pdf"
        session.add(first)
        session.commit()
    app = run_page(PAGE, view_as="admin@example.org")
    picker = next(s for s in app.selectbox if s.label == "Milestone")
    picker.select_index(len(picker.options) - 1).run()
    assert next(i for i in app.text_input if i.label == "Evidence link").value == ""


def test_the_picker_opens_on_the_most_urgent_milestone(app_database):
    with Session(app_database) as session:
        milestones = session.exec(select(Milestone)).all()
    still_open = [m for m in milestones if m.status not in ("completed", "cancelled")]
    urgent = min(still_open, key=lambda m: (m.due_date, m.code))
    assert urgent.due_date < date.today()  # the demo has late milestones: the first late one
    app = run_page(PAGE, view_as="admin@example.org")
    chosen = next(s for s in app.selectbox if s.label == "Milestone").value
    assert chosen.startswith(f"{urgent.code} · ") and chosen.endswith(urgent.status)


def test_with_nothing_late_the_picker_opens_on_the_next_milestone_due(app_database):
    with Session(app_database) as session:
        for milestone in session.exec(select(Milestone)).all():
            if milestone.due_date < date.today() and milestone.status != "cancelled":
                milestone.status, milestone.percent_complete = "completed", 100
                milestone.actual_completion_date = milestone.due_date
                session.add(milestone)
        session.commit()
        coming = session.exec(
            select(Milestone)
            .where(Milestone.due_date >= date.today())
            .where(col(Milestone.status).not_in(["completed", "cancelled"]))
            .order_by(Milestone.due_date, Milestone.code)
        ).first()
    assert coming is not None
    app = run_page(PAGE, view_as="admin@example.org")
    chosen = next(s for s in app.selectbox if s.label == "Milestone").value
    assert chosen.startswith(f"{coming.code} · ")
