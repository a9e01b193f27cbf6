"""The IPTT workbook and CSV: values equal the database, donors see no small cell, no formulas."""

import csv
import io
from dataclasses import replace
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import text
from sqlmodel import Session

from data_model import Role
from grantmon.services.core.access import Actor
from grantmon.services.core.filters import filter_options
from grantmon.services.core.formula_guard import neutralised
from grantmon.services.results.iptt import iptt_csv, iptt_notes, iptt_table, iptt_xlsx

TODAY = date(2026, 12, 7)  # the demo's today

DONOR = Actor(email="donor@example.org", role=Role.DONOR)
VIEWER = Actor(email="viewer@example.org", role=Role.VIEWER)
TOTALS = text(
    "SELECT i.code, r.quarter, SUM(r.value) FROM indicatorresult r "
    "JOIN indicator i ON i.id = r.indicator_id WHERE r.region_code = 'all' AND r.sex = 'all' "
    "AND r.age_band = 'all' AND r.nationality_group = 'all' AND r.status = 'approved' "
    "GROUP BY i.code, r.quarter"
)


def workbook(engine, actor, **change):
    with Session(engine) as session:
        filters = replace(filter_options(session=session, actor=actor).defaults(), **change)
        table = iptt_table(session=session, actor=actor, filters=filters, today=TODAY)
        notes = iptt_notes(session=session, actor=actor, filters=filters)
    return table, load_workbook(io.BytesIO(iptt_xlsx(table, notes=notes)))


def sheet_rows(book):
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_quarterly_actuals_equal_sql_totals_for_donor(demo_engine):
    _, book = workbook(demo_engine, DONOR)
    with demo_engine.connect() as connection:
        expected = {(c, q): float(v) for c, q, v in connection.execute(TOTALS)}
    rows = sheet_rows(book)
    cells = {(r["Indicator code"], r["Quarter"]): r["Actual (quarter)"] for r in rows}
    shown = {key: value for key, value in cells.items() if isinstance(value, int | float)}
    hidden = {key for key, value in cells.items() if value == "■ suppressed"}
    assert shown == pytest.approx({k: v for k, v in expected.items() if k not in hidden})
    assert hidden and hidden <= set(expected)  # a suppressed cell is a reported one
    assert len(rows) == len({(r["Indicator code"], r["Quarter"]) for r in rows})


def test_layout_frozen_header_and_number_formats(demo_engine):
    _, book = workbook(demo_engine, DONOR)
    sheet = book.worksheets[0]
    assert sheet.freeze_panes == "E2"
    headers = [c.value for c in sheet[1]]
    for name in ("Baseline", "Target to date", "Actual to date", "Achieved (% of target)"):
        assert name in headers
    assert any(h.startswith("Sex: ") for h in headers)  # disaggregations in columns
    percent = sheet.cell(row=2, column=headers.index("Achieved (% of target)") + 1)
    assert percent.number_format == "0%"
    assert "Approved figures only." in [
        r[0] for r in book.worksheets[1].iter_rows(values_only=True)
    ]


def test_donor_export_holds_no_small_cell(demo_engine):
    table, _ = workbook(demo_engine, DONOR)
    counts = [c for c in table.columns if ": " in c or c.startswith("Actual")]
    victims = table[table["Unit"].isin(["victims", "plans"])]
    values = [v for c in counts for v in victims[c] if isinstance(v, float)]
    assert values, "the victim indicators should have figures"
    assert not [v for v in values if 1 <= v <= 5]
    plans = table[(table["Indicator code"] == "2.2.a") & (table["Quarter"] == "2024Q1")]
    # Percent achieved of a hidden count (2 of a target of 4) would give the count back.
    assert plans[["Actual to date", "Achieved (% of target)"]].iloc[0].tolist() == [
        "■ suppressed",
        "■ suppressed",
    ]


def test_a_donor_sees_no_share_of_a_few_plans(demo_engine):
    table, _ = workbook(demo_engine, DONOR)
    share = table[table["Indicator code"] == "2.2.b"]
    # Each quarter's share is of 2 to 9 completed plans: every one would give a small count.
    assert set(share["Actual (quarter)"].dropna()) == {"■ suppressed"}
    assert set(share["Achieved (% of target)"].dropna()) == {"■ suppressed"}


def test_iom_staff_see_the_true_figures_marked(demo_engine):
    table, _ = workbook(demo_engine, VIEWER)
    plans = table[(table["Indicator code"] == "2.2.a") & (table["Quarter"] == "2024Q1")]
    assert plans["Actual (quarter)"].iloc[0] == "2 ■"


def test_changing_the_period_changes_the_rows(demo_engine):
    everything, _ = workbook(demo_engine, VIEWER)
    one, _ = workbook(demo_engine, VIEWER, start="2025Q1", end="2025Q1")
    assert set(one["Quarter"]) == {"2025Q1"}
    assert len(one) < len(everything)
    assert "Figures not yet approved" in everything.columns  # IOM staff see drafts, marked


def test_formula_injection_is_neutralised():
    import pandas as pd

    formulas = ['=HYPERLINK("x")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\tx"]
    table = pd.DataFrame({"Indicator": [*formulas, "ok", "-2"]})  # -2: a number, runs nothing
    book = load_workbook(io.BytesIO(iptt_xlsx(table, notes=["=cmd|' /C calc'!A0"])))
    cells = [c.value for c in book.worksheets[0]["A"]][1:]
    assert all(c.startswith("'") for c in cells[:5]) and cells[5:] == ["ok", "-2"]
    assert book.worksheets[0]["A2"].data_type == "s"  # stored as text, not a formula
    assert book.worksheets[1]["A1"].value.startswith("'")
    rows = list(csv.reader(io.StringIO(iptt_csv(table).decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == [neutralised(v) for v in table["Indicator"]]
    assert all(r[0].startswith("'") for r in rows[1:6])
