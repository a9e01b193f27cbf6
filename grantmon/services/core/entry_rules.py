"""Rules every entry command shares: the award period, the quarter lock, numbers, row versions.

Used by the results, spending, centre and reintegration commands, and by bulk import.
"""

import math
import numbers
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from data_model import Award, QuarterReport, ReportStatus
from data_model.common import (
    MAX_BEDS,
    MAX_DOLLARS,
    MAX_PEOPLE,
    MAX_PERCENT,
    MAX_RESULT,
    is_web_link,
)
from grantmon import formatting
from grantmon.formatting import date_time, long_date, typed_number
from grantmon.i18n import N_, t
from grantmon.periods import (
    QUARTER_PATTERN,
    last_ended_quarter,
    quarter_end,
    quarter_of,
    quarter_start,
    quarters_between,
)
from grantmon.services.core.access import STAFF, Actor, may_edit, readable_by
from grantmon.services.core.commands import CommandError, StaleEdit

MAX_LINK = 500  # the evidence_url columns
LOCKED = N_("This quarter was approved and is locked; an administrator can reopen it.")


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


@readable_by(STAFF, N_("the quarters open for entering figures"))
def entry_quarters(*, session: Session, actor: Actor, today: date) -> list[str]:
    """The quarters figures may be entered for, latest first (every entry screen offers them)."""
    return open_quarters(the_award(session), today)


def due_quarter(quarters: Sequence[str], today: date) -> str | None:
    """The quarter of `quarters` whose figures are due on `today`: the latest that has ended,
    else (in the award's first quarter) the earliest offered."""
    ended = [q for q in quarters if q <= last_ended_quarter(today)]
    return max(ended, default=min(quarters, default=None))


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


@readable_by(STAFF, N_("whether a quarter is open for entering figures"))
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


@dataclass(frozen=True)
class NumberRange:
    """What a number field accepts: `least` (0) to `most`, with at most `decimals` decimals
    (None: any)."""

    most: int
    decimals: int | None = 0
    least: int = 0

    def accepted(self) -> str:
        """What to enter, in a message's words: 'a whole number from 0 to 100'."""
        span = {"least": formatting.number(self.least), "most": formatting.number(self.most)}
        if self.decimals == 0:
            return t("a whole number from {least} to {most}", **span)
        if self.decimals is None:
            return t("a number from {least} to {most}", **span)
        return t(
            "a number from {least} to {most} with at most {decimals} decimals",
            decimals=self.decimals,
            **span,
        )


PERCENT = NumberRange(MAX_PERCENT)
BEDS = NumberRange(MAX_BEDS)
PEOPLE = NumberRange(MAX_PEOPLE)
COUNT_RESULT = NumberRange(MAX_RESULT)
RESULT = NumberRange(MAX_RESULT, decimals=None)
PERCENT_RESULT = NumberRange(MAX_PERCENT, decimals=None)
DOLLARS = NumberRange(MAX_DOLLARS, decimals=2)

# Digits with an optional decimal point; thousands may be grouped with commas (1,234.5).
NUMBER_TEXT = re.compile(r"(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?", re.ASCII)
DECIMAL_COMMA = re.compile(r"\d+,\d{1,2}|\d{4,},\d+|\d+,\d{4,}", re.ASCII)
EXPONENT = re.compile(r"[\d.,]*\d[eE][+-]?\d+", re.ASCII)


def parse_number(value: Any, allowed: NumberRange) -> Decimal | None:
    """The number in a form, grid or file cell, checked against its field; None when blank.

    The one gate every entered number passes: finite, not negative, within the field's range,
    whole where it must be. Text is read as digits and a decimal point only, so '1e400',
    '1_0' and '²' are refused with a message saying what to write instead.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, bool):
        raise ValueError(t("Enter {accepted}.", accepted=allowed.accepted()))
    if isinstance(value, numbers.Number):
        number = _from_number(value, allowed)
        return _in_range(number, allowed, f"{number:f}")
    # 12,5 is twelve and a half to a French reader; other scripts' digits are the same number.
    text = typed_number(_ascii_digits(str(value).strip()))
    if not text:
        return None
    return _in_range(_from_text(text, allowed), allowed, _shown(text))


def _from_number(value: Any, allowed: NumberRange) -> Decimal:
    try:
        number = Decimal(repr(float(value))) if isinstance(value, float) else Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError, OverflowError) as error:
        raise ValueError(t("Enter {accepted}.", accepted=allowed.accepted())) from error
    if not number.is_finite():
        message = N_("The value is not a finite number: enter {accepted}.")
        raise ValueError(t(message, accepted=allowed.accepted()))
    return number


def _ascii_digits(text: str) -> str:
    # Digits of other scripts (Arabic-Indic ١٢, full-width １２) are the same number; '²' is not.
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in text)


def _shown(text: str) -> str:
    return text if len(text) <= 24 else text[:20] + "…"


def _from_text(text: str, allowed: NumberRange) -> Decimal:
    shown = _shown(text)
    accepted = allowed.accepted()
    if text.startswith("-") and NUMBER_TEXT.fullmatch(text[1:]):
        raise ValueError(t("The value cannot be negative: enter {accepted}.", accepted=accepted))
    if NUMBER_TEXT.fullmatch(text):
        return Decimal(text.replace(",", ""))
    if DECIMAL_COMMA.fullmatch(text):
        message = N_(
            "'{value}' has a decimal comma: write the decimals with a point, e.g. {fixed}."
        )
        raise ValueError(t(message, value=shown, fixed=text.replace(",", ".")))
    if EXPONENT.fullmatch(text.lstrip("+")):
        message = N_(
            "'{value}' is written with an exponent: write the number in full digits, {how}."
        )
        raise ValueError(t(message, value=shown, how=t("e.g. 1500 rather than 1.5e3")))
    if "_" in text:
        message = N_("'{value}' contains '_': write digits only, e.g. 1000 rather than 1_000.")
        raise ValueError(t(message, value=shown))
    raise ValueError(
        t("'{value}' is not a number: enter {accepted}.", value=shown, accepted=accepted)
    )


def _in_range(number: Decimal, allowed: NumberRange, shown: str) -> Decimal:
    accepted = allowed.accepted()
    if number < 0:
        raise ValueError(t("The value cannot be negative: enter {accepted}.", accepted=accepted))
    if number < allowed.least:
        raise ValueError(
            t("{value} is too small: enter {accepted}.", value=shown, accepted=accepted)
        )
    if number > allowed.most:
        raise ValueError(
            t("{value} is too large: enter {accepted}.", value=_shown(shown), accepted=accepted)
        )
    decimals = -int(number.normalize().as_tuple().exponent)
    if allowed.decimals == 0 and decimals > 0:
        message = N_("{value} is not a whole number: enter {accepted}.")
        raise ValueError(t(message, value=shown, accepted=accepted))
    if allowed.decimals is not None and decimals > allowed.decimals:
        message = N_("{value} has more than {decimals} decimals: enter {accepted}.")
        raise ValueError(t(message, value=shown, decimals=allowed.decimals, accepted=accepted))
    return number


def numbers_checked(
    values: Mapping[str, Any], ranges: Mapping[str, NumberRange]
) -> tuple[dict[str, Any], dict[str, str]]:
    """The values with each named number parsed (blank as None), and the fields refused."""
    checked, errors = dict(values), {}
    for name, allowed in ranges.items():
        if name not in values:
            continue
        try:
            number = parse_number(values[name], allowed)
        except ValueError as error:
            errors[name] = str(error)
            continue
        checked[name] = None if number is None else int(number) if allowed.decimals == 0 else number
    return checked, errors


def evidence_error(url: str | None) -> str | None:
    """Why an evidence link is refused (one http or https address that fits the column), or None."""
    url = (url or "").strip()
    if url and not url.lower().startswith(("https://", "http://")):
        return t("The evidence link must start with https:// or http://.")
    if any(c.isspace() for c in url):
        return t(
            "The evidence link contains a space: give one web address alone, "
            "e.g. https://example.org/report.pdf."
        )
    if url and not is_web_link(url):
        return t(
            "The evidence link is not a web address: give one address such as "
            'https://example.org/report.pdf, without < > " or similar signs.'
        )
    if len(url) > MAX_LINK:
        return t(
            "The evidence link is {length} characters long: shorten it to at most {most}.",
            length=len(url),
            most=MAX_LINK,
        )
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
        when=f"{date_time(when)} UTC" if when else t("a moment ago"),
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
