"""`grantmon export`: files written for scheduled use; bad input is one line and exit 2."""

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
