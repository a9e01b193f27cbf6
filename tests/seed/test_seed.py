"""Seeding stores the public facts with sources, marks demo data, and is idempotent."""

from datetime import date

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session, select

from data_model import (
    Award,
    AwardPartner,
    Centre,
    ContextFigure,
    IndicatorResult,
    Milestone,
    Partner,
    ReintegrationFigure,
    Source,
)
from seed.run import row_counts, seed_database


def test_public_facts_are_stored_with_their_source(empty_engine):
    seed_database(empty_engine, demo=False)
    with Session(empty_engine) as session:
        award = session.exec(select(Award)).one()
        source = session.get(Source, award.source_id)
        assert award.amount_cents == 2_500_000_00
        assert award.launched_on == date(2024, 5, 10)
        assert "J/TIP" in award.awarding_office
        assert source is not None and source.published_on == date(2024, 5, 10)
        assert award.period_is_assumed and "not public" in award.period_note
        assert not award.is_demo
        assert session.exec(select(Milestone)).all() == []


def test_only_the_ilo_share_is_given_as_an_amount(empty_engine):
    seed_database(empty_engine, demo=False)
    with Session(empty_engine) as session:
        rows = session.exec(
            select(Partner.code, AwardPartner.amount_cents).join(
                AwardPartner, AwardPartner.partner_id == Partner.id
            )
        ).all()
    assert dict(rows) == {"IOM": None, "UNODC": None, "ILO": 430_000_00}


def test_reported_baseline_is_flagged_as_not_a_2024_result(empty_engine):
    seed_database(empty_engine, demo=False)
    with Session(empty_engine) as session:
        baseline = session.exec(
            select(ContextFigure).where(ContextFigure.key == "baseline-victims")
        ).one()
    assert baseline.value == 474
    assert "Not a 2024 result" in baseline.caveat


def test_seeding_the_demo_twice_leaves_identical_row_counts(empty_engine):
    first_added = seed_database(empty_engine, demo=True)
    with Session(empty_engine) as session:
        first = row_counts(session)
    assert seed_database(empty_engine, demo=True) == 0
    with Session(empty_engine) as session:
        assert row_counts(session) == first
    assert first_added == sum(first.values())


def test_reseeding_keeps_what_a_person_edited(demo_engine):
    with Session(demo_engine) as session:
        milestone = session.exec(select(Milestone).order_by(Milestone.id)).first()
        milestone.notes = "Réunion reportée — تم التأجيل"
        milestone.percent_complete = 42
        session.add(milestone)
        session.commit()
        milestone_id = milestone.id
    seed_database(demo_engine, demo=True)
    with Session(demo_engine) as session:
        kept = session.get(Milestone, milestone_id)
        assert kept.notes == "Réunion reportée — تم التأجيل"
        assert kept.percent_complete == 42


def test_demo_set_is_rich_enough_for_every_screen(demo_engine):
    with Session(demo_engine) as session:
        quarters = session.exec(select(sa.func.count(sa.distinct(IndicatorResult.quarter)))).one()
        milestones = pd.DataFrame([m.model_dump() for m in session.exec(select(Milestone)).all()])
        centres = session.exec(select(Centre).where(Centre.is_demo)).all()
        regions = session.exec(
            select(sa.func.count(sa.distinct(ReintegrationFigure.region_code)))
        ).one()
    late = milestones[(milestones.due_date < date.today()) & (milestones.status != "completed")]
    assert quarters >= 8
    assert len(milestones) >= 30 and milestones.status.nunique() >= 3 and len(late) > 0
    assert len(centres) >= 3
    assert regions >= 8
    assert milestones.is_demo.all()


def test_disaggregated_results_add_up_to_their_total(demo_engine):
    with Session(demo_engine) as session:
        frame = pd.DataFrame([r.model_dump() for r in session.exec(select(IndicatorResult))])
    totals = frame[
        (frame.sex == "all")
        & (frame.age_band == "all")
        & (frame.region_code == "all")
        & (frame.nationality_group == "all")
    ]
    by_sex = frame[frame.sex != "all"].groupby(["indicator_id", "quarter"]).value.sum()
    merged = totals.set_index(["indicator_id", "quarter"]).value.loc[by_sex.index]
    assert (merged == by_sex).all()
