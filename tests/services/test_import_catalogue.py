"""Bad input of every data type, as CSV and as Excel, saved every way a spreadsheet saves it:
each is refused by row and column, no exception escapes, and nothing is written.

Every case only reads and is refused, so the module shares one migrated plan-only database.
"""

import csv
import io
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import Engine
from sqlmodel import Session

from data_model import Role
from data_model.db import make_engine, upgrade
from grantmon.services.bulk.importer import ImportRefused, import_file
from grantmon.services.core.access import Actor
from grantmon.services.core.database import data_version
from seed.run import row_counts, seed_database

TODAY = date(2026, 11, 28)
ADMIN = Actor(email="admin@example.org", role=Role.ADMIN)

# A valid file of each type for a plan-only database; the case's cell goes into `row` (as a
# spreadsheet numbers it: the header is row 1).
BASE: dict[str, tuple[str, list[list[Any]]]] = {
    "milestones": (
        "milestone_code,status,percent_complete,actual_completion_date,notes",
        [["A1.1-M3", "in progress", 40, "", "Started"]],
    ),
    "indicator-results": (
        "indicator_code,quarter,breakdown,category,value,evidence_url",
        [
            ["1.1.a", "2024Q1", "total", "", 18, ""],
            ["1.1.a", "2024Q1", "sex", "female", 11, ""],
            ["1.1.a", "2024Q1", "sex", "male", 7, ""],
        ],
    ),
    "expenditures": (
        "partner_code,category,spent_on,amount,description,justification",
        [
            ["IOM", "travel", "2026-08-01", "10.50", "Taxi Rabat", ""],
            ["IOM", "travel", "2026-08-02", "12.00", "Taxi Salé", ""],
        ],
    ),
    "centres": (
        "centre_name,status,opened_on,capacity,quarter,people_accommodated,average_beds_occupied",
        [
            [
                "Casablanca reception and orientation centre",
                "open",
                "2025-03-01",
                25,
                "2025Q1",
                31,
                19,
            ]
        ],
    ),
    "reintegration": (
        "quarter,region_code,sex,age_band,identified,referred,assisted,plans_started,"
        "plans_completed",
        [
            ["2026Q3", "MA-04", "female", "18-24", 5, 4, 3, 2, 1],
            ["2026Q3", "MA-04", "male", "25-39", 2, 2, 1, 1, 0],
        ],
    ),
}
NUMBER_COLUMNS = {
    "milestones": ["percent_complete"],
    "indicator-results": ["value"],
    "expenditures": ["amount"],
    "centres": ["capacity", "people_accommodated", "average_beds_occupied"],
    "reintegration": ["identified", "referred", "assisted", "plans_started", "plans_completed"],
}
# What a person may type into a number cell, and the words the refusal must use.
TYPED = {
    "1e400": "exponent",
    "1e308": "exponent",
    "99999999999999999999": "too large",
    "²": "is not a number",
    "1_0": "'_'",
    "-1": "cannot be negative",
    "inf": "is not a number",
    "NaN": "is not a number",
    "1,5": "decimal comma",
    "twelve": "is not a number",
    "3.7": "whole number",  # not for amounts, which take cents
}
# Excel reads text cells as the CSV reader does: a few suffice there.
TYPED_IN_EXCEL = {k: TYPED[k] for k in ("1e400", "²", "1_0")}
# What a spreadsheet stores in a number cell (an Excel number, not text).
STORED = {1e308: "too large", 10**20: "too large", -1: "cannot be negative", 3.7: "whole number"}


def cases() -> Iterator[Any]:
    for name, columns in NUMBER_COLUMNS.items():
        for column in columns:
            for fmt, values in (("csv", TYPED), ("xlsx", TYPED_IN_EXCEL), ("xlsx", STORED)):
                for value, words in values.items():
                    if name == "expenditures" and value in (3.7, "3.7"):
                        continue
                    yield pytest.param(
                        name, column, fmt, value, words, id=f"{name}-{column}-{fmt}-{value!r}"
                    )


@pytest.fixture(scope="module")
def plan_engine(tmp_path_factory) -> Iterator[Engine]:
    """A migrated database holding only the plan, shared by every case; none adds a row."""
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('catalogue') / 'plan.db'}")
    upgrade(engine)
    seed_database(engine, demo=True, figures=False)
    with Session(engine) as session:
        before = row_counts(session)
    yield engine
    with Session(engine) as session:
        assert row_counts(session) == before
    engine.dispose()


def file_of(header: str, rows: list[list[Any]], fmt: str) -> bytes:
    """The rows under the header, as CSV text or as an Excel workbook keeping numbers numbers."""
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header.split(","))
        writer.writerows(rows)
        return out.getvalue().encode("utf-8")
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(header.split(","))
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def saved_as(header: str, rows: list[list[Any]], how: str) -> tuple[bytes, str]:
    """The rows as a spreadsheet saves them in other ways: the bytes and the file's format."""
    if how == "xlsx after an empty sheet":
        book = Workbook()
        sheet = book.create_sheet("Figures")  # the first sheet stays empty
        for row in [header.split(","), *rows]:
            sheet.append(row)
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue(), "xlsx"
    separator = {"semicolons": ";", "tabs": "\t", "unicode text": "\t"}[how]
    text = "\r\n".join(separator.join(map(str, r)) for r in [header.split(","), *rows])
    return text.encode("utf-16" if how == "unicode text" else "utf-8"), "csv"


def refused(engine: Engine, name: str, content: bytes, fmt: str) -> ImportRefused:
    """Import the file; it must be refused with problems and change nothing."""
    with Session(engine) as session:
        before = data_version(session)  # moves with every write a command commits
        with pytest.raises(ImportRefused) as caught:
            import_file(
                session=session,
                actor=ADMIN,
                name=name,
                file_name=f"bad.{fmt}",
                content=content,
                today=TODAY,
            )
    with Session(engine) as session:
        assert data_version(session) == before
    return caught.value


@pytest.mark.parametrize(("name", "column", "fmt", "value", "words"), list(cases()))
def test_a_bad_number_is_refused_at_its_row_and_column(
    plan_engine: Engine, name: str, column: str, fmt: str, value: Any, words: str
):
    header, rows = BASE[name]
    rows = [list(r) for r in rows]
    rows[0][header.split(",").index(column)] = value
    problem = refused(plan_engine, name, file_of(header, rows, fmt), fmt)
    assert [(p.row, p.column) for p in problem.problems] == [(2, column)]
    assert words in problem.problems[0].message


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("name", list(BASE))
def test_a_row_repeated_in_a_file_is_refused_with_both_row_numbers(
    plan_engine: Engine, name: str, fmt: str
):
    header, rows = BASE[name]
    repeated = [*rows, rows[0]]
    problem = refused(plan_engine, name, file_of(header, repeated, fmt), fmt)
    assert [p.row for p in problem.problems] == [len(repeated) + 1]
    assert "repeats row 2" in problem.problems[0].message


@pytest.mark.parametrize("how", ["semicolons", "tabs", "unicode text", "xlsx after an empty sheet"])
@pytest.mark.parametrize("name", list(BASE))
def test_each_way_a_spreadsheet_saves_a_file_is_read_up_to_its_bad_number(
    plan_engine: Engine, name: str, how: str
):
    header, rows = BASE[name]
    rows = [list(r) for r in rows]
    column = NUMBER_COLUMNS[name][-1]
    rows[0][header.split(",").index(column)] = "1_0"
    content, fmt = saved_as(header, rows, how)
    problem = refused(plan_engine, name, content, fmt)
    assert [(p.row, p.column) for p in problem.problems] == [(2, column)]
    assert "'_'" in problem.problems[0].message
