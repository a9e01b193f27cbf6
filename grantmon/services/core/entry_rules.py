"""Rules every entry command shares: the award period, the quarter lock, numbers, row versions.

Used by the results, spending, centre and reintegration commands, and by bulk import.
"""

import math
import statistics
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from data_model import Award, QuarterReport, ReportStatus
from grantmon.formatting import long_date
from grantmon.i18n import t
from grantmon.periods import (
    QUARTER_PATTERN,
    quarter_end,
    quarter_of,
    quarter_start,
    quarters_between,
)
from grantmon.services.core.access import Actor, may_edit
from grantmon.services.core.commands import CommandError, StaleEdit

LOCKED = "This quarter was approved and is locked; an administrator can reopen it."
OUTLIER_RATIO = 3  # more than 3x the previous quarter asks for confirmation
OUTLIER_SIGMAS = 2  # ... and so does more than 2 standard deviations from the history


class NeedsConfirmation(CommandError):
    """The value is far outside its history: save it only once confirmed."""

    def __init__(self, message: str, field_errors: Mapping[str, str], reason: str) -> None:
        super().__init__(message, field_errors)
        self.reason = reason


def dimension_labels() -> dict[str, str]:
    """Readable names of the disaggregation dimensions (by Indicator.disaggregations name)."""
    return {
        "sex": t("Sex"),
        "age_band": t("Age band"),
        "nationality_group": t("Nationality group"),
        "region": t("Region"),
    }


def category_labels() -> dict[str, str]:
    """Readable names of the sex and nationality categories (age bands read as they are)."""
    return {
        "female": t("Female"),
        "male": t("Male"),
        "moroccan": t("Moroccan"),
        "foreign": t("Foreign national"),
    }


def the_award(session: Session) -> Award:
    """The award the figures are entered for (the first stored)."""
    award = session.execute(select(Award).order_by(col(Award.id))).scalars().first()
    if award is None:
        raise CommandError(t("No award is stored yet: run `grantmon seed`."))
    return award


def open_quarters(award: Award, today: date) -> list[str]:
    """The quarters of the award period up to the current one, latest first."""
    last = quarter_of(min(award.end_date, max(today, award.start_date)))
    return list(reversed(quarters_between(quarter_of(award.start_date), last)))


def entry_quarters(*, session: Session, actor: Actor, today: date) -> list[str]:
    """The quarters figures may be entered for, latest first (every entry screen offers them)."""
    return open_quarters(the_award(session), today)


def quarter_error(quarter: str, award: Award, today: date) -> str | None:
    """Why figures cannot be entered for this quarter, or None."""
    if not QUARTER_PATTERN.match(quarter or ""):
        return t("Enter the quarter as 2025Q3.")
    if quarter_end(quarter) < award.start_date or quarter_start(quarter) > award.end_date:
        return t(
            "The quarter must fall inside the award period ({start} to {end}).",
            start=long_date(award.start_date),
            end=long_date(award.end_date),
        )
    if quarter_start(quarter) > today:
        return t("{quarter} has not started yet.", quarter=quarter)
    return None


def quarter_approved(
    session: Session, *, partner_id: int, quarter: str, award_id: int | None = None
) -> bool:
    """Whether the partner's quarter is approved, so its figures may no longer change."""
    query = select(func.count()).where(
        col(QuarterReport.partner_id) == partner_id,
        col(QuarterReport.quarter) == quarter,
        col(QuarterReport.status) == ReportStatus.APPROVED.value,
    )
    if award_id is not None:
        query = query.where(col(QuarterReport.award_id) == award_id)
    return bool(session.execute(query).scalar_one())


def ensure_quarter_open(session: Session, *, award_id: int, partner_id: int, quarter: str) -> None:
    """Refuse a write into a partner's quarter that was approved (the shared lock rule)."""
    if quarter_approved(session, partner_id=partner_id, quarter=quarter, award_id=award_id):
        raise CommandError(t(LOCKED), {"quarter": t(LOCKED)})


def quarter_is_locked(*, session: Session, actor: Actor, partner_id: int, quarter: str) -> bool:
    """Whether the partner's quarter is approved and therefore closed to entry."""
    award = the_award(session)
    try:
        ensure_quarter_open(
            session, award_id=int(award.id or 0), partner_id=partner_id, quarter=quarter
        )
    except CommandError:
        return True
    return False


def may_edit_partner(actor: Actor, partner_id: int) -> bool:
    """may_edit for a record that has a partner but no region (budget lines, indicators)."""
    # A region-scoped manager's region cannot be checked on a record without one: pass their
    # own region so only the partner decides.
    regions = {actor.region_code} if actor.region_code else set()
    return may_edit(actor, partner_id=partner_id, region_codes=regions)


def parse_number(value: Any, *, whole: bool = False) -> Decimal | None:
    """A non-negative finite number from a form or grid value; None when left blank."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, bool):
        raise ValueError(t("Enter a number."))
    text = str(value).strip()
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation as error:
        raise ValueError(t("'{value}' is not a number.", value=text)) from error
    if not number.is_finite():
        raise ValueError(t("'{value}' is not a number.", value=text))
    if number < 0:
        raise ValueError(t("The value cannot be negative."))
    if whole and number != number.to_integral_value():
        raise ValueError(t("Enter a whole number."))
    return number


def evidence_error(url: str | None) -> str | None:
    """Why an evidence link is refused (only http and https links are stored), or None."""
    if url and not url.strip().lower().startswith(("https://", "http://")):
        return t("The evidence link must start with https:// or http://.")
    return None


def refuse_if_changed(
    opened: Mapping[str, Any], current: Mapping[str, Any], who: str, when: Any
) -> None:
    """Refuse with StaleEdit when the stored figures differ from what the form was opened on."""
    changed = {
        key: (opened.get(key), current.get(key))
        for key in sorted(set(opened) | set(current))
        if _same(opened.get(key)) != _same(current.get(key))
    }
    if changed:
        raise StaleEdit(stale_message(who, when), changed)


def _same(value: Any) -> Any:
    # Compare figures as numbers: 12, 12.0 and "12" are the same figure.
    try:
        number = float(value) if value is not None and value != "" else None
    except (TypeError, ValueError):
        return value
    return None if number is None or math.isnan(number) else number  # a blank grid cell


def stale_message(who: str, when: Any) -> str:
    """The refusal of an edit made on figures someone saved since the form was opened."""
    return t(
        "{who} saved these figures at {when} after you opened the form. Nothing of yours was "
        "saved: review their changes and enter yours again.",
        who=who or t("Someone"),
        when=f"{when:%d %b %Y %H:%M} UTC" if when else t("a moment ago"),
    )


def claim_rows(session: Session, rows: Sequence[Any]) -> None:
    """Move each row to its next version, or refuse if another save got there first."""
    for row in rows:
        table = type(row)
        claimed = session.execute(
            update(table)
            .where(table.id == row.id, table.version == row.version)
            .values(version=row.version + 1)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            raise StaleEdit(stale_message("", None), {})
        row.version += 1


@contextmanager
def new_rows_race_is_stale() -> Iterator[None]:
    """Two first saves of the same cells at once: the loser is told, as for any stale edit."""
    try:
        yield
    except IntegrityError as error:
        raise StaleEdit(stale_message("", None), {}) from error


def latest_entry(rows: Sequence[Any]) -> tuple[str, Any]:
    """Who entered the most recent of these rows, and when."""
    if not rows:
        return "", None
    # Times are kept to the second: within one second, the row saved more often is the later.
    last = max(rows, key=lambda r: (r.entered_at, r.version))
    return last.entered_by, last.entered_at


def parse_day(value: Any) -> date:
    """A date from a date input, ISO text (2025-03-31) or dd/mm/yyyy text."""
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(t("Enter the date as YYYY-MM-DD or DD/MM/YYYY."))


def outlier_reason(value: float, previous: float | None, history: list[float]) -> str | None:
    """Why a total is far outside the indicator's history, or None when it is not."""
    if previous and value > OUTLIER_RATIO * previous:
        return t(
            "{value:g} is more than 3 times the previous quarter's {previous:g}.",
            value=value,
            previous=previous,
        )
    if len(history) >= 3:
        mean, spread = statistics.mean(history), statistics.stdev(history)
        if spread > 0 and abs(value - mean) > OUTLIER_SIGMAS * spread:
            return t(
                "{value:g} is more than 2 standard deviations from this indicator's history "
                "(average {mean:.1f}, standard deviation {spread:.1f}).",
                value=value,
                mean=mean,
                spread=spread,
            )
    return None
