"""Files for bulk import and export: CSV and Excel read as text cells, written formula-safe."""

import codecs
import csv
import io
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from grantmon import formatting
from grantmon.i18n import N_, t
from grantmon.services.core.commands import CommandError
from grantmon.services.core.formula_guard import FORMULA_STARTS, neutralised
from grantmon.services.results.iptt import iptt_csv

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 50_000
FORMATS = ("csv", "xlsx")
SEPARATOR_NAMES = {",": N_("comma"), ";": N_("semicolon"), "\t": N_("tab")}
ZIP_START = b"PK\x03\x04"
OLD_EXCEL_START = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
UTF16_NO_MARK = N_("The file is UTF-16 text without the mark that tells its byte order.")
BINARY = N_("This is not a CSV text file (it looks like a picture, a PDF or another binary file).")
SAVE_AS = N_("Save it from your spreadsheet as 'CSV UTF-8' or as Excel (.xlsx).")
NOT_UTF8 = N_("The file is not UTF-8 text: save it from your spreadsheet as 'CSV UTF-8'.")
DAMAGED = N_(
    "This workbook is damaged or is not an Excel .xlsx file: open it in a spreadsheet and "
    "save it again as Excel (.xlsx)."
)
OLD_EXCEL = N_("This is an old Excel .xls workbook: save it as Excel (.xlsx) or as 'CSV UTF-8'.")
EXTRA_CSV = N_(
    "A value holding a {separator} needs quotes around it, or the header row lacks a column."
)
EXTRA_XLSX = N_(
    "In the sheet '{sheet}', clear the cells right of the last column, or give them a header."
)


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
    if file_format(file_name) == "csv":
        text = _csv_text(content)
        separator = _separator(text)
        rows, no_rows = _csv_rows(text, separator), t("The file has a header row but no data rows.")
        extra = t(EXTRA_CSV, separator=t(SEPARATOR_NAMES[separator]))
    else:
        sheet, rows = _xlsx_rows(content)
        no_rows = t("The sheet '{sheet}' has a header row but no data rows.", sheet=sheet)
        extra = t(EXTRA_XLSX, sheet=sheet)
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if len(rows) < 2:
        raise CommandError(no_rows)
    if len(rows) > MAX_ROWS + 1:
        raise CommandError(
            t("The file has more than {limit} rows.", limit=formatting.number(MAX_ROWS))
        )
    return _as_frame(rows, extra)


def _as_frame(rows: list[list[str]], extra: str) -> pd.DataFrame:
    header = [cell.strip() for cell in rows[0]]
    width = len(header)
    for number, row in enumerate(rows[1:], start=2):
        if len([c for c in row[width:] if c.strip()]) > 0:
            cells = max(i for i, c in enumerate(row, start=1) if c.strip())
            message = t(
                "Row {row} has {cells} cells but the header row has {width}.",
                row=number,
                cells=cells,
                width=width,
            )
            raise CommandError(f"{message} {extra}", {"row": str(number)})
    body = [[_as_text(c) for c in (row + [""] * width)[:width]] for row in rows[1:]]
    table = pd.DataFrame(body, columns=header, dtype=object)
    table.index = pd.RangeIndex(2, len(body) + 2)  # the row numbers a spreadsheet shows
    return table


def _as_text(cell: str) -> str:
    # A quote before a formula sign is how our exports (and spreadsheets) mark text: drop it.
    if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS):
        return cell[1:]
    return cell


def _csv_text(content: bytes) -> str:
    """The text of a CSV file: UTF-8, or UTF-16 with its byte-order mark (Excel's Unicode text)."""
    if content.startswith(ZIP_START):
        raise CommandError(
            t("This is an Excel workbook named .csv: rename it to .xlsx, or save it as CSV UTF-8.")
        )
    if content.startswith(OLD_EXCEL_START):
        raise CommandError(t(OLD_EXCEL))
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = content.decode("utf-16")
        except UnicodeDecodeError as error:
            raise CommandError(t(NOT_UTF8)) from error
        if "\x00" in text:  # no database stores it in text (PostgreSQL refuses it)
            raise CommandError(t("The file holds a NUL character, which no text may hold."))
        return text
    if b"\x00" in content:
        kind = UTF16_NO_MARK if _looks_like_utf16(content) else BINARY
        raise CommandError(f"{t(kind)} {t(SAVE_AS)}")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CommandError(t(NOT_UTF8)) from error


def _looks_like_utf16(content: bytes) -> bool:
    # Latin text in UTF-16 has a zero in every other byte.
    half = len(content) // 2
    return max(content[0::2].count(0), content[1::2].count(0)) >= half * 0.4


def _separator(text: str) -> str:
    """Comma, semicolon (spreadsheets in French) or tab (Excel's text formats): the header's."""
    header = text.split("\n", 1)[0]
    counts = {separator: header.count(separator) for separator in SEPARATOR_NAMES}
    best = max(counts, key=lambda separator: counts[separator])
    return best if counts[best] else ","


def _csv_rows(text: str, separator: str) -> list[list[str]]:
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True))
    except csv.Error as error:
        raise CommandError(t("The CSV file is malformed: {error}.", error=str(error))) from error


def _xlsx_rows(content: bytes) -> tuple[str, list[list[str]]]:
    """The name and rows of the workbook's first sheet holding data (a Guide sheet is skipped)."""
    if content.startswith(OLD_EXCEL_START):
        raise CommandError(t(OLD_EXCEL))
    with _damaged_refused():
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    try:
        if not book.sheetnames:  # a workbook always has a sheet: none read, its part is missing
            raise CommandError(t(DAMAGED))
        for sheet in book.worksheets:
            with _damaged_refused():
                values = _sheet_values(sheet)
            rows = [[_xlsx_text(v) for v in row] for row in values]
            if sheet.title != t("Guide") and any(c.strip() for row in rows for c in row):
                return sheet.title, rows
    finally:
        book.close()
    raise CommandError(t("There is no data: every sheet of the workbook is empty."))


def _sheet_values(sheet: Any) -> list[tuple[Any, ...]]:
    """The sheet's cell values as its rows hold them."""
    # The size a sheet declares is only a hint: trusted, a wrong one pads rows with blank columns.
    sheet.reset_dimensions()
    return list(sheet.iter_rows(values_only=True))


@contextmanager
def _damaged_refused() -> Iterator[None]:
    """Whatever reading a damaged workbook raises becomes a refusal in the user's terms."""
    try:
        yield
    # A damaged part trips openpyxl, zipfile, zlib or the XML parser on whatever it holds
    # (BadZipFile, ParseError, TypeError, KeyError...): none is a fault of ours.
    except Exception as error:
        raise CommandError(t(DAMAGED)) from error


def _xlsx_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):  # as digits, as a person reads the cell: never 1e-05
        return str(int(value)) if value.is_integer() else f"{Decimal(repr(value)):f}"
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
