"""The indicator performance tracking table (IPTT) as a spreadsheet: Excel and CSV.

One row per indicator and quarter of the period: baseline, targets, actuals, percent achieved,
status. Disaggregations sit in columns on each indicator's latest reported quarter, over the
same window as its total (what the Results screen shows). They are not repeated for earlier
quarters: successive cumulative breakdowns could be subtracted from each other to recover the
small cells that suppression hides from donors.

Every text cell that a spreadsheet could read as a formula is neutralised.
"""

import csv
import io
from datetime import date
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from sqlmodel import Session

from grantmon.formatting import labelled, long_date
from grantmon.i18n import N_, t
from grantmon.services.core.access import EVERYONE, Actor, readable_by
from grantmon.services.core.award import award_summary, has_demo_data
from grantmon.services.core.filters import Filters, describe, filter_options
from grantmon.services.core.formula_guard import neutralised
from grantmon.services.core.privacy import SUPPRESSED_MARK, privacy_notice, sees_true_figures
from grantmon.services.core.provenance import data_as_of
from grantmon.services.results.indicators import (
    indicator_disaggregations,
    indicator_tracking,
    quarterly_figures,
)
from grantmon.vocabulary import INTERNAL, word

DIMENSION_NAMES = {
    "sex": N_("Sex"),
    "age_band": N_("Age band"),
    "nationality_group": N_("Nationality group"),
    "region": N_("Region"),
}
COUNT_FORMAT, DECIMAL_FORMAT, PERCENT_FORMAT = "#,##0", "#,##0.0", "0%"
HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")


def _base_columns(actor: Actor) -> dict[str, str]:
    columns = {
        "outcome": t("Outcome"),
        "output": t("Output"),
        "code": t("Indicator code"),
        "title": t("Indicator"),
        "unit": t("Unit"),
        "direction": t("Direction"),
        "cumulative": t("Cumulative"),
        "baseline": t("Baseline"),
        "life_target": t("Life-of-award target"),
        "quarter": t("Quarter"),
        "target": t("Target (quarter)"),
        "actual": t("Actual (quarter)"),
        "target_to_date": t("Target to date"),
        "actual_to_date": t("Actual to date"),
        "percent_achieved": t("Achieved (% of target)"),
        "status": t("Status"),
    }
    if actor.may_see_unapproved and not actor.is_donor:
        columns["unapproved_to_date"] = t("Figures not yet approved")
    return columns


def _quarter_rows(tracking: pd.DataFrame, figures: pd.DataFrame) -> pd.DataFrame:
    framework = tracking[["indicator_id", "outcome_code", "outcome_title", "output_code"]]
    framework = framework.assign(
        output_title=tracking["output_title"],
        baseline=tracking["baseline"],
        life_target=tracking["life_target"],
        as_of_quarter=tracking["as_of_quarter"],
        disaggregations=tracking["disaggregations"],
    )
    rows = figures.merge(framework, on="indicator_id", how="left")
    rows["outcome"] = rows["outcome_code"] + " " + rows["outcome_title"]
    rows["output"] = rows["output_code"] + " " + rows["output_title"]
    rows["cumulative"] = rows["cumulative"].map({True: t("yes"), False: t("no")})
    rows["percent_achieved"] = rows["percent_achieved"].astype(float) / 100
    return rows


def _marked(rows: pd.DataFrame, show_true: bool) -> pd.DataFrame:
    """Suppressed victim figures as the mark (blank means "not reported"); IOM sees them marked."""
    for column, hidden in (
        ("actual", "actual_hidden"),
        ("actual_to_date", "to_date_hidden"),
        ("percent_achieved", "to_date_hidden"),
    ):
        mask = rows[hidden].astype(bool)
        if show_true and column == "percent_achieved":
            continue  # a percentage is not a count: staff read it as it is
        values = rows[column].astype(object)
        if show_true:
            values[mask] = [f"{v:.0f} {SUPPRESSED_MARK}" for v in values[mask]]
        else:
            values[mask] = SUPPRESSED_MARK + " " + t("suppressed")
        rows[column] = values
    return rows


def _cell_value(cell: pd.Series, show_true: bool) -> Any:
    if cell["suppressed"]:
        return SUPPRESSED_MARK + " " + t("suppressed")
    if pd.isna(cell["value"]):
        return None
    # IOM staff see true figures; a mark says which ones a donor sees suppressed.
    if show_true and cell["donor_hidden"]:
        return f"{cell['value']:.0f} {SUPPRESSED_MARK}"
    return float(cell["value"])


def _disaggregation_columns(
    session: Session, actor: Actor, filters: Filters, today: date, rows: pd.DataFrame
) -> pd.DataFrame:
    latest = rows[rows["quarter"] == rows["as_of_quarter"]]
    show_true = sees_true_figures(actor)
    for index, row in latest.iterrows():
        if not str(row["disaggregations"] or ""):
            continue
        cells = indicator_disaggregations(
            session=session, actor=actor, filters=filters, code=str(row["code"]), today=today
        )
        for _, cell in cells.iterrows():
            name = t(DIMENSION_NAMES.get(str(cell["dimension"]), str(cell["dimension"])))
            column = labelled(name, word(cell["label"]))
            if column not in rows.columns:
                rows[column] = pd.Series([None] * len(rows), index=rows.index, dtype=object)
            rows.at[index, column] = _cell_value(cell, show_true)
    return rows


@readable_by(EVERYONE)
def iptt_table(*, session: Session, actor: Actor, filters: Filters, today: date) -> pd.DataFrame:
    """The IPTT with readable column names: one row per indicator and quarter of the period, to
    the view's as-of quarter."""
    columns = _base_columns(actor)
    tracking = indicator_tracking(session=session, actor=actor, filters=filters, today=today)
    figures = quarterly_figures(session=session, actor=actor, filters=filters, today=today)
    if figures.empty:
        return pd.DataFrame(columns=list(columns.values()))
    rows = _marked(_quarter_rows(tracking, figures), sees_true_figures(actor))
    before = set(rows.columns)
    rows = _disaggregation_columns(session, actor, filters, today, rows)
    extra = [c for c in rows.columns if c not in before]
    table = rows[list(columns) + extra].rename(columns=columns)
    table[t("Status")] = table[t("Status")].map(word)
    table[t("Unit")] = table[t("Unit")].map(word)
    table[t("Direction")] = table[t("Direction")].map(word)
    return table.reset_index(drop=True)


def iptt_for_file(table: pd.DataFrame, actor: Actor) -> pd.DataFrame:
    """The table as a file carries it: for any role but the donor's, each row says it is
    internal (a file travels without the screen that said so)."""
    if actor.is_donor:
        return table
    return table.assign(**{t("Classification"): t(INTERNAL)})


def iptt_csv(table: pd.DataFrame) -> bytes:
    """The table as UTF-8 CSV (with a byte-order mark, so Excel reads accents right).

    Machine-readable in every language (a dot for decimals, no thousands separator) and tidy:
    counts as integers (18, not 18.0), shares as percentages with one decimal (105.9), other
    figures exactly as entered.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    headers = [str(c) for c in table.columns]
    writer.writerow([neutralised(h) for h in headers])
    percent_column = t("Achieved (% of target)")
    for row in table.itertuples(index=False):
        writer.writerow(
            [_csv_cell(v, h == percent_column) for v, h in zip(row, headers, strict=True)]
        )
    return buffer.getvalue().encode("utf-8-sig")


def _csv_cell(value: Any, is_share: bool) -> Any:
    if _missing(value):
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return neutralised(value)
    if is_share:
        return round(float(value) * 100, 1)
    return int(value) if float(value).is_integer() else value  # as entered, never rounded


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and pd.isna(value))


def _number_format(header: str, value: Any) -> str:
    if header == t("Achieved (% of target)"):
        return PERCENT_FORMAT
    return COUNT_FORMAT if float(value).is_integer() else DECIMAL_FORMAT


def _write_sheet(sheet: Worksheet, table: pd.DataFrame) -> None:
    headers = [str(c) for c in table.columns]
    sheet.append([neutralised(h) for h in headers])
    for row in table.itertuples(index=False):
        sheet.append([None if _missing(v) else neutralised(v) for v in row])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for column, header in enumerate(headers, start=1):
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
            if isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
                cell.number_format = _number_format(header, cell.value)
        width = 40 if header in (t("Indicator"), t("Outcome"), t("Output")) else 14
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "E2"  # header row and the indicator columns stay in view
    sheet.auto_filter.ref = sheet.dimensions


def iptt_xlsx(table: pd.DataFrame, *, notes: list[str]) -> bytes:
    """The table as an Excel workbook: frozen header, number formats, and a Notes sheet."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = t("IPTT")
    _write_sheet(sheet, table)
    about = book.create_sheet(t("Notes"))
    for line in notes:
        about.append([neutralised(line)])
    about.column_dimensions["A"].width = 120
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@readable_by(EVERYONE)
def iptt_notes(*, session: Session, actor: Actor, filters: Filters) -> list[str]:
    """What the workbook's Notes sheet says: award, filters, data as of, approval, privacy."""
    award = award_summary(session=session, actor=actor)
    as_of = data_as_of(session=session, actor=actor)
    lines = [] if actor.is_donor else [t(INTERNAL)]
    lines += [
        t(
            "Indicator performance tracking table: {title} ({code})",
            title=award.title,
            code=award.code,
        ),
        t("Filters: {text}", text=describe(filters, filter_options(session=session, actor=actor))),
        t("Data as of {day}.", day=long_date(as_of.date() if as_of else None)),
        t(
            "Targets are national; the region filter changes regional figures only. "
            "Disaggregations "
            "are on each indicator's latest reported quarter, over the same window as its total."
        ),
    ]
    if actor.is_donor or not actor.may_see_unapproved:
        lines.append(t("Approved figures only."))
    else:
        lines.append(t("Includes figures not yet approved (counted in their own column)."))
    lines.append(privacy_notice(actor=actor))
    if has_demo_data(session=session, actor=actor):
        lines.append(t("DEMO DATA, illustrative only."))
    return lines
