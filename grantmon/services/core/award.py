"""The award's headline facts and the public context figures, with their provenance."""

from datetime import date

import pandas as pd
from pydantic import BaseModel
from sqlalchemy import Executable, select
from sqlmodel import Session, col

from data_model import Award, AwardPartner, ContextFigure, Milestone, Partner, Source
from grantmon.formatting import long_date
from grantmon.services.core.access import EVERYONE, Actor, readable_by
from grantmon.services.core.sql import frame


class Provenance(BaseModel):
    """Where a figure comes from."""

    title: str
    publisher: str
    published_on: date | None
    note: str

    def label(self) -> str:
        """One line naming the source and its date."""
        when = f", {long_date(self.published_on)}" if self.published_on else ""
        return f"{self.publisher}{when}: {self.title}"


class AwardSummary(BaseModel):
    """Headline facts of one award, as a reader sees them."""

    code: str
    title: str
    donor: str
    awarding_office: str
    recipient: str
    amount_cents: int
    currency: str
    start_date: date
    end_date: date
    period_is_assumed: bool
    period_note: str
    launched_on: date | None
    source: Provenance

    def elapsed_share(self, today: date) -> float:
        """Share of the award period gone by on a day, between 0 and 1."""
        total = (self.end_date - self.start_date).days
        gone = (min(max(today, self.start_date), self.end_date) - self.start_date).days
        return gone / total if total else 1.0


def _provenance(source: Source) -> Provenance:
    return Provenance(
        title=source.title,
        publisher=source.publisher,
        published_on=source.published_on,
        note=source.note,
    )


@readable_by(EVERYONE)
def award_summary(*, session: Session, actor: Actor, code: str | None = None) -> AwardSummary:
    """The award (the first one unless a code is given), with its source."""
    query = select(Award, Partner, Source).join(Partner, col(Partner.id) == col(Award.recipient_id))
    query = query.join(Source, col(Source.id) == col(Award.source_id)).order_by(col(Award.id))
    if code:
        query = query.where(col(Award.code) == code)
    row = session.execute(query).first()
    if row is None:
        raise LookupError("No award is stored yet: run `grantmon seed`.")
    award, recipient, source = row
    return AwardSummary(
        **award.model_dump(exclude={"id", "recipient_id", "source_id"}),
        recipient=recipient.name,
        source=_provenance(source),
    )


@readable_by(EVERYONE)
def award_partners(*, session: Session, actor: Actor, code: str) -> pd.DataFrame:
    """Each partner's role, component, amount and period, with the source of each."""
    query: Executable = (
        select(
            col(Partner.code).label("partner"),
            col(AwardPartner.role),
            col(AwardPartner.component),
            col(AwardPartner.amount_cents),
            col(AwardPartner.start_date),
            col(AwardPartner.end_date),
            col(AwardPartner.is_assumed),
            col(Source.publisher),
            col(Source.title).label("source"),
        )
        .join(Partner, col(Partner.id) == col(AwardPartner.partner_id))
        .join(Source, col(Source.id) == col(AwardPartner.source_id))
        .join(Award, col(Award.id) == col(AwardPartner.award_id))
        .where(col(Award.code) == code)
        .order_by(col(AwardPartner.id))
    )
    return frame(session, query)


@readable_by(EVERYONE)
def context_figures(*, session: Session, actor: Actor) -> pd.DataFrame:
    """Publicly reported figures shown for context, each with its caveat and source."""
    query: Executable = (
        select(
            col(ContextFigure.label),
            col(ContextFigure.value),
            col(ContextFigure.unit),
            col(ContextFigure.period),
            col(ContextFigure.caveat),
            col(Source.publisher),
            col(Source.title).label("source"),
            col(Source.published_on),
        )
        .join(Source, col(Source.id) == col(ContextFigure.source_id))
        .order_by(col(ContextFigure.id))
    )
    return frame(session, query)


@readable_by(EVERYONE)
def has_demo_data(*, session: Session, actor: Actor) -> bool:
    """Whether any demo figure is stored (screens then say so)."""
    demo_row = select(col(Milestone.id)).where(col(Milestone.is_demo)).limit(1)
    return session.execute(demo_row).first() is not None
