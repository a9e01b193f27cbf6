"""A damaged workbook of any type is refused in words and writes nothing."""

import io
import re
import zipfile
from collections.abc import Callable

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine

from grantmon.services.bulk.importer import DATA_TYPES
from grantmon.services.core.commands import CommandError
from tests.services.test_bulk_import import counts, exported, run_import

SHEET = "xl/worksheets/sheet1.xml"
DIMENSION = re.compile(rb'<dimension ref="[^"]*"/>')
DAMAGED = "This workbook is damaged or is not an Excel .xlsx file"
Change = Callable[[bytes], bytes | None]
# What a spreadsheet tool, a cut-off download or a hand edit leaves in a sheet's part (None: gone).
DAMAGES: dict[str, Change] = {
    "unexpected dimension attribute": lambda xml: DIMENSION.sub(
        b'<dimension ref="A1:C3" old="x"/>', xml
    ),
    "dimension without its range": lambda xml: DIMENSION.sub(b"<dimension/>", xml),
    "empty worksheet part": lambda xml: b"",
    "worksheet cut short": lambda xml: xml[: len(xml) // 2],
    "missing worksheet part": lambda xml: None,
}


def rewritten(workbook: bytes, change: Change, part: str = SHEET) -> bytes:
    """The workbook with one part changed (or left out), every other part as it was."""
    source, out = zipfile.ZipFile(io.BytesIO(workbook)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as copy:
        for info in source.infolist():
            content = source.read(info)
            new = change(content) if info.filename == part else content
            assert info.filename != part or new != content, "the change changed nothing"
            if new is not None:
                copy.writestr(info, new)
    return out.getvalue()


def damaged(workbook: bytes, damage: str) -> bytes:
    """The workbook with its first sheet's part damaged as DAMAGES names it."""
    return rewritten(workbook, DAMAGES[damage])


@pytest.mark.parametrize("damage", list(DAMAGES))
def test_a_damaged_workbook_of_every_type_is_refused_and_writes_nothing(
    demo_engine: Engine, damage: str
):
    before = counts(demo_engine)
    for name in DATA_TYPES:
        content = damaged(exported(demo_engine, name, "xlsx"), damage)
        with pytest.raises(CommandError, match=DAMAGED):
            run_import(demo_engine, name, content, file_name=f"{name}.xlsx")
    assert counts(demo_engine) == before


def test_a_workbook_claiming_more_cells_than_it_holds_imports_the_cells_it_holds(
    demo_engine: Engine,
):
    # Trusted, a wrong size would pad every row with blank columns the header does not name.
    content = exported(demo_engine, "milestones", "xlsx")
    rows = load_workbook(io.BytesIO(content)).worksheets[0].max_row - 1
    oversized = rewritten(content, lambda xml: DIMENSION.sub(b'<dimension ref="A1:ZZ900"/>', xml))
    assert run_import(demo_engine, "milestones", oversized, file_name="m.xlsx").rows == rows
