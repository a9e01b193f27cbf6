"""Files for bulk import and export: CSV and Excel read as text cells, written formula-safe."""

import csv
import io
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from grantmon import formatting
from grantmon.i18n import t
from grantmon.services.core.commands import CommandError
from grantmon.services.results.iptt import FORMULA_STARTS, iptt_csv, neutralised

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 50_000
FORMATS = ("csv", "xlsx")


def file_format(file_name: str) -> str:
    """'csv' or 'xlsx' from the file name, or a refusal naming the formats accepted."""
    suffix = Path(file_name).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise CommandError(
            t(
                "'{name}' is not a .csv or .xlsx file: save it as CSV UTF-8 or Excel (.xlsx).",
                name=Path(file_name).name,
            )
        )
    return suffix


def read_table(file_name: str, content: bytes) -> pd.DataFrame:
    """The file's data rows as text cells under its header, or a refusal in the user's terms."""
    if not content.strip():
        raise CommandError(t("The file is empty."))
    if len(content) > MAX_BYTES:
        raise CommandError(
            t(
                "The file is {size} MB; the limit is {limit} MB. Split it into smaller files.",
                size=formatting.number(len(content) / 1024 / 1024, 1),
                limit=MAX_BYTES // 1024 // 1024,
            )
        )
    rows = _csv_rows(content) if file_format(file_name) == "csv" else _xlsx_rows(content)
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if len(rows) < 2:
        raise CommandError(t("The file has a header row but no data rows."))
    if len(rows) > MAX_ROWS + 1:
        raise CommandError(
            t("The file has more than {limit} rows.", limit=formatting.number(MAX_ROWS))
        )
    return _as_frame(rows)


def _as_frame(rows: list[list[str]]) -> pd.DataFrame:
    header = [cell.strip() for cell in rows[0]]
    width = len(header)
    for number, row in enumerate(rows[1:], start=2):
        if len([c for c in row[width:] if c.strip()]) > 0:
            raise CommandError(
                t("Row {row} has more cells than the header row.", row=number), {"row": str(number)}
            )
    body = [[_as_text(c) for c in (row + [""] * width)[:width]] for row in rows[1:]]
    table = pd.DataFrame(body, columns=header, dtype=object)
    table.index = pd.RangeIndex(2, len(body) + 2)  # the row numbers a spreadsheet shows
    return table


def _as_text(cell: str) -> str:
    # A quote before a formula sign is how our exports (and spreadsheets) mark text: drop it.
    if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS):
        return cell[1:]
    return cell


def _csv_rows(content: bytes) -> list[list[str]]:
    if b"\x00" in content:
        raise CommandError(t("This is not a CSV text file (it looks like a binary file)."))
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CommandError(
            t("The file is not UTF-8 text: save it from your spreadsheet as 'CSV UTF-8'.")
        ) from error
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    except csv.Error as error:
        raise CommandError(t("The CSV file is malformed: {error}.", error=str(error))) from error


def _xlsx_rows(content: bytes) -> list[list[str]]:
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise CommandError(
            t("This is not an Excel .xlsx workbook: open it in a spreadsheet and save it again.")
        ) from error
    sheet = book.worksheets[0]
    rows = [[_xlsx_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    book.close()
    return rows


def _xlsx_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def table_bytes(
    table: pd.DataFrame, fmt: str, *, guide: list[tuple[str, str]] | None = None
) -> bytes:
    """The table as CSV (UTF-8 with BOM) or a workbook, its Guide sheet explaining the columns."""
    if fmt == "csv":
        return iptt_csv(table)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = t("Data")
    sheet.append(list(table.columns))
    for row in table.itertuples(index=False):
        sheet.append([_xlsx_cell(v) for v in row])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    if guide:
        about = book.create_sheet(t("Guide"))
        about.append([t("Column"), t("What to enter")])
        for name, help_text in guide:
            about.append([name, neutralised(help_text)])
        about.column_dimensions["B"].width = 100
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _xlsx_cell(value: Any) -> Any:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, str):
        return neutralised(value)
    return value
