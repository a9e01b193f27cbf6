"""`grantmon export`: files written for scheduled use; bad input is one line and exit 2."""

import csv
import io
import os
import subprocess
import sys

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader


def grantmon(*args: str, database_url: str) -> subprocess.CompletedProcess:
    """Run the grantmon command in a child process, as a scheduler would."""
    env = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "-m", "grantmon.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def url(demo_engine) -> str:
    return demo_engine.url.render_as_string(hide_password=False)


def test_iptt_xlsx_and_csv_for_a_period(url, tmp_path):
    out = tmp_path / "iptt.xlsx"
    result = grantmon(
        "export",
        "iptt",
        "--period",
        "2025Q3",
        "--role",
        "donor",
        "--out",
        str(out),
        database_url=url,
    )
    assert result.returncode == 0, result.stderr
    rows = list(
        load_workbook(io.BytesIO(out.read_bytes())).worksheets[0].iter_rows(values_only=True)
    )
    quarters = {row[rows[0].index("Quarter")] for row in rows[1:]}
    assert max(quarters) == "2025Q3"
    csv_out = tmp_path / "iptt.csv"
    assert grantmon("export", "iptt", "--out", str(csv_out), database_url=url).returncode == 0
    assert csv_out.read_text(encoding="utf-8-sig").startswith("Outcome,Output,Indicator code")


def test_briefing_pdf(url, tmp_path):
    out = tmp_path / "pack.pdf"
    result = grantmon(
        "export",
        "briefing",
        "--format",
        "pdf",
        "--role",
        "donor",
        "--out",
        str(out),
        database_url=url,
    )
    assert result.returncode == 0, result.stderr
    assert "Key figures" in PdfReader(out).pages[1].extract_text()


@pytest.mark.parametrize(
    "args, expected",
    [
        (["briefing", "--format", "pdf", "--period", "2031Q1"], "unknown period '2031Q1'"),
        (["briefing", "--format", "docx"], "unknown format 'docx'"),
        (["briefing", "--role", "ambassador"], "unknown role 'ambassador'"),
        (["iptt"], "unknown format"),  # --out given below without .xlsx or .csv
    ],
)
def test_bad_input_is_one_line_and_exit_2(url, tmp_path, args, expected):
    result = grantmon("export", *args, "--out", str(tmp_path / "out.txt"), database_url=url)
    assert result.returncode == 2
    assert expected in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out.txt").exists()


def test_unwritable_path_is_refused(url, tmp_path):
    out = tmp_path / "missing-folder" / "iptt.xlsx"
    result = grantmon("export", "iptt", "--out", str(out), database_url=url)
    assert result.returncode == 2
    assert "cannot write" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_briefing_pack_is_the_donors_unless_another_role_is_asked_for(url, tmp_path):
    donors, staff = tmp_path / "donor.pdf", tmp_path / "viewer.pdf"
    assert grantmon("export", "briefing", "--out", str(donors), database_url=url).returncode == 0
    words = "\n".join(page.extract_text() for page in PdfReader(donors).pages)
    assert "U.S. Embassy" in words and "INTERNAL" not in words
    assert "Only approved figures are included." in words
    asked = grantmon(
        "export", "briefing", "--role", "viewer", "--out", str(staff), database_url=url
    )
    assert asked.returncode == 0 and "INTERNAL, NOT FOR THE DONOR" in asked.stdout
    pages = [page.extract_text() for page in PdfReader(staff).pages]
    assert all("INTERNAL, NOT FOR THE DONOR" in text for text in pages)
    assert "U.S. Embassy" not in pages[0] and "IOM staff (internal)" in pages[0]


def test_an_iptt_for_another_role_marks_every_row(url, tmp_path):
    donors, staff = tmp_path / "donor.csv", tmp_path / "viewer.csv"
    assert grantmon("export", "iptt", "--out", str(donors), database_url=url).returncode == 0
    assert "INTERNAL" not in donors.read_text(encoding="utf-8-sig")
    asked = grantmon("export", "iptt", "--role", "viewer", "--out", str(staff), database_url=url)
    assert asked.returncode == 0
    rows = list(csv.reader(io.StringIO(staff.read_text(encoding="utf-8-sig"))))
    assert rows[0][-1] == "Classification"
    assert len(rows) > 1 and {row[-1] for row in rows[1:]} == {"INTERNAL, NOT FOR THE DONOR"}
