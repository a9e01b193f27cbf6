"""Bulk import and export: every row checked, all or nothing, files recognised, text as text."""

import io
from datetime import date
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import Engine, text
from sqlmodel import Session

from data_model import Role
from data_model.db import make_engine, upgrade
from data_model.reintegration import FUNNEL_STAGES
from grantmon.periods import quarters_between
from grantmon.services.bulk.importer import (
    DATA_TYPES,
    ImportRefused,
    export_data,
    import_file,
    template,
)
from grantmon.services.core.access import Actor, ReadRefused
from grantmon.services.core.commands import CommandError, NotAllowed
from seed.run import row_counts, seed_database

TODAY = date(2026, 11, 28)
ADMIN = Actor(email="admin@example.org", role=Role.ADMIN)
MILESTONE_HEADER = "milestone_code,status,percent_complete,actual_completion_date,notes"


def run_import(engine: Engine, name: str, content: bytes, file_name: str = "f.csv", **options):
    with Session(engine) as session:
        return import_file(
            session=session,
            actor=options.pop("actor", ADMIN),
            name=name,
            file_name=file_name,
            content=content,
            today=TODAY,
            **options,
        )


def refused(engine: Engine, name: str, content: bytes, **options) -> ImportRefused:
    with pytest.raises(ImportRefused) as caught:
        run_import(engine, name, content, **options)
    return caught.value


def exported(engine: Engine, name: str, fmt: str = "csv", actor: Actor = ADMIN) -> bytes:
    with Session(engine) as session:
        return export_data(session=session, actor=actor, name=name, fmt=fmt)


def counts(engine: Engine) -> dict[str, int]:
    with Session(engine) as session:
        return row_counts(session)


def scalar(engine: Engine, sql: str, **params) -> Any:
    with engine.connect() as connection:
        return connection.execute(text(sql), params).scalar()


def milestone_csv(*rows: str) -> bytes:
    return "\n".join([MILESTONE_HEADER, *rows]).encode("utf-8")


def test_export_then_import_into_an_empty_database_reproduces_every_record(
    demo_engine: Engine, other_engine: Engine
):
    seed_database(other_engine, demo=True, figures=False)
    for name in DATA_TYPES:
        fmt = "xlsx" if name in ("milestones", "centres") else "csv"
        original = exported(demo_engine, name, fmt)
        run_import(other_engine, name, original, f"{name}.{fmt}")
        assert exported(other_engine, name, "csv") == exported(demo_engine, name, "csv"), name
    assert scalar(other_engine, "SELECT COUNT(*) FROM indicatorresult") == scalar(
        demo_engine, "SELECT COUNT(*) FROM indicatorresult"
    )


def test_one_bad_row_among_a_thousand_writes_nothing_and_is_named(demo_engine: Engine):
    header = "partner_code,category,spent_on,amount,description,justification"
    rows = [f"IOM,supplies,0{1 + i % 9}/08/2026,1.00,Item {i},Checked" for i in range(1000)]
    rows[616] = "IOM,supplies,2026-08-01,twelve,Item 616,Checked"
    before = counts(demo_engine)
    problem = refused(demo_engine, "expenditures", "\n".join([header, *rows]).encode())
    assert [(p.row, p.column) for p in problem.problems] == [(618, "amount")]
    assert counts(demo_engine) == before


def test_a_valid_file_writes_every_row_with_its_audit_rows(demo_engine: Engine):
    header = "partner_code,category,spent_on,amount,description,justification"
    rows = [
        "ILO,supplies,2026-07-01,10.50,Chairs,",
        '"ILO","supplies","15/08/2026","1,250.00","Desks",""',
    ]
    content = "\n".join([header, *rows])
    before = scalar(demo_engine, "SELECT COUNT(*) FROM auditentry")
    result = run_import(demo_engine, "expenditures", content.encode())
    assert result.rows == 2
    stored = scalar(
        demo_engine,
        "SELECT SUM(amount_cents) FROM expenditure WHERE description IN ('Chairs', 'Desks')",
    )
    assert stored == 1050 + 125000
    audit = scalar(demo_engine, "SELECT COUNT(*) FROM auditentry")
    # One per expenditure, one for the file, one for ILO's 2026Q3 taken back from its review.
    assert audit == before + 4
    sources = scalar(
        demo_engine,
        "SELECT COUNT(*) FROM auditentry"
        " WHERE entity = 'expenditure' AND reason = 'from file f.csv'",
    )
    assert sources == 2


def test_the_same_file_twice_is_refused_unless_forced(demo_engine: Engine):
    content = milestone_csv("A1.1-M3,in progress,45,,Started")
    run_import(demo_engine, "milestones", content)
    with pytest.raises(CommandError, match=r"already imported by admin@example\.org"):
        run_import(demo_engine, "milestones", content)
    assert run_import(demo_engine, "milestones", content, force=True).rows == 1


@pytest.mark.parametrize(
    ("content", "file_name", "message"),
    [
        (b"", "f.csv", "The file is empty."),
        (b"   \n", "f.csv", "The file is empty."),
        (b"x" * (6 * 1024 * 1024), "f.csv", "the limit is 5 MB"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "f.csv", "not a CSV text file"),
        (b"PK\x03\x04 not really a workbook", "f.xlsx", "damaged or is not an Excel .xlsx file"),
        ("milestone_code\nA1\n".encode("utf-16-le"), "f.csv", "UTF-16 text without"),
        (b"PK\x03\x04 a workbook named .csv", "f.csv", "rename it to .xlsx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 an old workbook", "f.xlsx", "old Excel .xls"),
        ("é".encode("latin-1") + b"\n", "f.csv", "not UTF-8 text"),
        (b"milestone_code,status\n", "f.csv", "no data rows"),
        (b"a,b", "f.pdf", "not a .csv or .xlsx file"),
    ],
)
def test_unusable_files_are_refused_with_a_clear_message(
    empty_engine: Engine, content: bytes, file_name: str, message: str
):
    before = counts(empty_engine)
    with pytest.raises(CommandError, match=message):
        run_import(empty_engine, "milestones", content, file_name=file_name)
    assert counts(empty_engine) == before


def test_missing_and_extra_columns_are_named(demo_engine: Engine):
    content = b"milestone_code,percent_complete,colour\nA1.1-M3,40,blue\n"
    problem = refused(demo_engine, "milestones", content)
    assert {(p.row, p.column) for p in problem.problems} == {(1, "status"), (1, "colour")}


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        ("A9.9-M9,in progress,40,,", "milestone_code", "Unknown milestone code 'A9.9-M9'"),
        ("A1.1-M3,in progress,forty,,", "percent_complete", "whole number from 0 to 100"),
        ("A1.1-M3,in progress,140,,", "percent_complete", "whole number from 0 to 100"),
        ("A1.1-M3,finished,40,,", "status", "Use one of: not started, in progress"),
        ("A1.1-M3,completed,100,2025.03.31,", "actual_completion_date", "YYYY-MM-DD or DD/MM"),
        ("A1.1-M3,completed,100,,", "actual_completion_date", "needs its completion date"),
        ("A1.1-M3,completed,100,31/03/2031,", "actual_completion_date", "must fall between"),
        (",in progress,40,,", "milestone_code", "must not be blank"),
    ],
)
def test_bad_milestone_cells_point_at_their_row_and_column(
    demo_engine: Engine, row: str, column: str, message: str
):
    problem = refused(demo_engine, "milestones", milestone_csv("A1.3-M3,in progress,10,,", row))
    located = [(p.row, p.column) for p in problem.problems if message in p.message]
    assert located == [(3, column)]


def test_iso_and_day_first_dates_are_both_read(demo_engine: Engine):
    run_import(
        demo_engine,
        "milestones",
        milestone_csv("A1.1-M3,completed,100,2025-03-31,", "A1.3-M3,completed,100,31/03/2025,"),
    )
    days = scalar(
        demo_engine,
        "SELECT COUNT(*) FROM milestone WHERE code IN ('A1.1-M3', 'A1.3-M3') "
        "AND actual_completion_date = '2025-03-31'",
    )
    assert days == 2


def test_french_arabic_formula_and_html_text_is_stored_exactly_as_text(demo_engine: Engine):
    notes = [
        "Réunion à Tanger — « suivi » des cas",
        "اجتماع مع الشركاء في الرباط",
        '=HYPERLINK("http://evil.example","click")',
        "<script>alert('x')</script><b>bold</b>",
    ]
    codes = ["A1.1-M3", "A1.3-M3", "A3.1-M3", "A3.3-M3"]  # not completed in the demo
    quoted = [n.replace('"', '""') for n in notes]
    rows = [f'{c},in progress,40,,"{n}"' for c, n in zip(codes, quoted, strict=True)]
    run_import(demo_engine, "milestones", milestone_csv(*rows))
    for code, note in zip(codes, notes, strict=True):
        assert scalar(demo_engine, "SELECT notes FROM milestone WHERE code = :c", c=code) == note
    sheet = load_workbook(io.BytesIO(exported(demo_engine, "milestones", "xlsx"))).active
    assert sheet is not None
    cells = [c.value for row in sheet.iter_rows() for c in row]
    assert "'" + notes[2] in cells  # a spreadsheet shows it as text, never runs it
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_results_must_add_up_and_unknown_codes_are_named(demo_engine: Engine):
    header = "indicator_code,quarter,breakdown,category,value,evidence_url"
    rows = [
        "1.1.a,2026Q3,total,,20,",
        "1.1.a,2026Q3,sex,female,12,",
        "1.1.a,2026Q3,sex,male,9,",
        "9.9.z,2026Q3,total,,3,",
        "1.1.a,2026Q3,region,MA-99,3,",
    ]
    problem = refused(demo_engine, "indicator-results", "\n".join([header, *rows]).encode())
    messages = {(p.row, p.column): p.message for p in problem.problems}
    assert "Unknown indicator code '9.9.z'" in messages[(5, "indicator_code")]
    assert any(row in (2, 3, 4, 6) for row, _ in messages)
    assert len(messages) >= 2


def test_reintegration_unknown_region_and_funnel_are_named(demo_engine: Engine):
    header = "quarter,region_code,sex,age_band," + ",".join(FUNNEL_STAGES)
    rows = ["2026Q3,MA-04,female,18-24,5,6,0,0,0", "2026Q3,MA-99,male,18-24,1,1,1,1,1"]
    problem = refused(demo_engine, "reintegration", "\n".join([header, *rows]).encode())
    columns = {(p.row, p.column) for p in problem.problems}
    assert (2, "referred") in columns
    assert (3, "region_code") in columns


def test_roles_that_do_not_enter_data_can_neither_import_nor_export(demo_engine: Engine):
    donor = Actor(email="donor@example.org", role=Role.DONOR)
    with pytest.raises(NotAllowed):
        run_import(
            demo_engine, "milestones", milestone_csv("A1.1-M3,in progress,40,,"), actor=donor
        )
    with pytest.raises(ReadRefused):
        exported(demo_engine, "reintegration", actor=donor)


def test_a_manager_exports_and_imports_only_their_partners_records(demo_engine: Engine):
    ilo = scalar(demo_engine, "SELECT id FROM partner WHERE code = 'ILO'")
    manager = Actor(email="m@example.org", role=Role.MANAGER, partner_id=int(str(ilo)))
    lines = exported(demo_engine, "expenditures", actor=manager).decode("utf-8-sig").splitlines()
    assert len(lines) > 1 and all(line.startswith("ILO,") for line in lines[1:])
    other = scalar(
        demo_engine,
        "SELECT m.code FROM milestone m JOIN activity a ON a.id = m.activity_id "
        "JOIN partner p ON p.id = a.partner_id WHERE p.code = 'IOM' ORDER BY m.code",
    )
    problem = refused(
        demo_engine, "milestones", milestone_csv(f"{other},in progress,40,,"), actor=manager
    )
    assert "does not let you change this milestone" in problem.problems[0].message


def manager_of(engine: Engine, code: str, region: str | None = None) -> Actor:
    partner = scalar(engine, "SELECT id FROM partner WHERE code = :c", c=code)
    return Actor(f"{code}@example.org", Role.MANAGER, int(str(partner)), region)


def test_a_file_cannot_carry_figures_outside_the_managers_partner_or_region(demo_engine: Engine):
    results = "indicator_code,quarter,breakdown,category,value,evidence_url\n1.2.b,2026Q4,total,,4,"
    problem = refused(
        demo_engine,
        "indicator-results",
        results.encode(),
        actor=manager_of(demo_engine, "UNODC"),
    )
    assert "does not let you enter indicator results" in problem.problems[0].message
    header = "quarter,region_code,sex,age_band," + ",".join(FUNNEL_STAGES)
    figures = "\n".join([header, "2026Q4,MA-01,female,18-24,5,4,3,2,1"]).encode()
    problem = refused(
        demo_engine, "reintegration", figures, actor=manager_of(demo_engine, "IOM", "MA-04")
    )
    assert "for this region" in problem.problems[0].message
    assert scalar(demo_engine, "SELECT count(*) FROM indicatorresult WHERE quarter = '2026Q4'") == 0
    assert (
        scalar(demo_engine, "SELECT count(*) FROM reintegrationfigure WHERE quarter = '2026Q4'")
        == 0
    )


def test_templates_hold_the_header_and_a_guide_to_every_column():
    for name, kind in DATA_TYPES.items():
        assert template(name, "csv").decode("utf-8-sig").strip() == ",".join(kind.headers)
        book = load_workbook(io.BytesIO(template(name, "xlsx")))
        guide = [row[0] for row in book["Guide"].iter_rows(min_row=2, values_only=True)]
        assert guide == kind.headers


def test_a_row_repeating_an_earlier_one_is_named(demo_engine: Engine):
    content = milestone_csv("A1.1-M3,in progress,45,,", "A1.1-M3,in progress,50,,")
    problem = refused(demo_engine, "milestones", content)
    assert [(p.row, p.column) for p in problem.problems] == [(3, "milestone_code")]
    assert "repeats row 2" in problem.problems[0].message


def test_results_are_judged_against_earlier_quarters_whatever_the_order_of_the_rows(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'plan.db'}")
    upgrade(engine)
    seed_database(engine, demo=True, figures=False)
    header = "indicator_code,quarter,breakdown,category,value,evidence_url"
    quarters = quarters_between("2024Q1", "2024Q4")
    rows = [
        f"3.2.a,{quarter},total,,{value},"
        for quarter, value in zip(quarters, [18, 35, 38, 550], strict=True)
    ]
    content = "\n".join([header, *reversed(rows)]).encode()
    problem = refused(engine, "indicator-results", content)
    assert [(p.row, p.column) for p in problem.problems] == [(2, "value")]
    assert "550 is more than 3 times the median (35)" in problem.problems[0].message
    assert run_import(engine, "indicator-results", content, confirm_unusual=True).rows == 4
    engine.dispose()


def test_excel_unicode_text_utf16_and_tab_separated_imports(demo_engine: Engine):
    rows = [
        MILESTONE_HEADER,
        "A1.1-M3,in progress,45,,Réunion à Tanger",
        "A1.3-M3,in progress,50,,",
    ]
    tabbed = "\r\n".join(row.replace(",", "\t") for row in rows)
    assert run_import(demo_engine, "milestones", tabbed.encode("utf-16")).rows == 2
    assert run_import(demo_engine, "milestones", tabbed.replace("45", "46").encode()).rows == 2
    notes = "SELECT notes FROM milestone WHERE code = 'A1.1-M3'"
    assert scalar(demo_engine, notes) == "Réunion à Tanger"


def test_a_row_with_more_cells_than_the_header_says_how_to_fix_it(demo_engine: Engine):
    content = milestone_csv("A1.1-M3,in progress,45,,Réunion, puis visite")
    with pytest.raises(CommandError) as caught:
        run_import(demo_engine, "milestones", content)
    assert "Row 2 has 6 cells but the header row has 5" in caught.value.message
    assert "quotes" in caught.value.message


def workbook(*sheets: tuple[str, list[list[Any]]]) -> bytes:
    book = Workbook()
    assert book.active is not None
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_the_first_sheet_holding_data_is_read_and_an_empty_workbook_is_named(demo_engine: Engine):
    header: list[Any] = MILESTONE_HEADER.split(",")
    data = [header, ["A1.1-M3", "in progress", 45, None, "Started"]]
    content = workbook(("Sheet1", []), ("Progress", data))
    assert run_import(demo_engine, "milestones", content, file_name="f.xlsx").rows == 1
    with pytest.raises(CommandError, match="every sheet of the workbook is empty"):
        run_import(demo_engine, "milestones", workbook(("Sheet1", [])), file_name="f.xlsx")
    with pytest.raises(CommandError, match="The sheet 'Progress' has a header row but no data"):
        run_import(demo_engine, "milestones", workbook(("Progress", [header])), file_name="f.xlsx")


def test_repeated_rows_and_bad_cells_are_reported_together(demo_engine: Engine):
    content = milestone_csv(
        "A1.1-M3,in progress,1_0,,", "A1.3-M3,in progress,50,,", "A1.3-M3,in progress,50,,"
    )
    problem = refused(demo_engine, "milestones", content)
    assert [(p.row, p.column) for p in problem.problems] == [
        (2, "percent_complete"),
        (4, "milestone_code"),
    ]
    assert problem.message == "2 problems; nothing was imported."


def test_a_link_longer_than_its_column_or_a_nul_character_is_refused_on_every_database(
    other_engine: Engine,
):
    seed_database(other_engine, demo=True, figures=False)
    header = "indicator_code,quarter,breakdown,category,value,evidence_url"
    long_link = f"{header}\n3.2.a,2024Q1,total,,5,https://example.org/{'x' * 500}\n"
    problem = refused(other_engine, "indicator-results", long_link.encode())
    assert [(p.row, p.column) for p in problem.problems] == [(2, "evidence_url")]
    assert "520 characters long: shorten it to at most 500" in problem.problems[0].message
    nul = f"{header}\n3.2.a\x00,2024Q1,total,,5,\n".encode("utf-16")
    with pytest.raises(CommandError, match="NUL character"):
        run_import(other_engine, "indicator-results", nul)
    assert counts(other_engine)["indicatorresult"] == 0
