"""`--lang fr` on the exports: a French briefing pack, IPTT and data file; CSV stays tidy."""

import csv
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pptx import Presentation
from pypdf import PdfReader

from grantmon.services.core.privacy import SUPPRESSED_MARK

NNBSP = "\u202f"


def grantmon(*args: str, database_url: str, **env: str) -> subprocess.CompletedProcess:
    """Run the grantmon command in a child process, as a scheduler would."""
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from grantmon.cli import main; sys.exit(main())",
            *args,
        ],
        env={**os.environ, "DATABASE_URL": database_url, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def url(tmp_path_factory) -> str:
    from tests.e2e.conftest import seeded_database

    return seeded_database(tmp_path_factory.mktemp("cli-french"))


def test_a_french_briefing_pack_as_pdf_and_powerpoint(url, tmp_path):
    pdf, pptx = tmp_path / "pack.pdf", tmp_path / "pack.pptx"
    for fmt, out in (("pdf", pdf), ("pptx", pptx)):
        done = grantmon("export", "briefing", "--format", fmt, "--lang", "fr", "--role", "donor",
                        "--out", str(out), database_url=url)  # fmt: skip
        assert done.returncode == 0, done.stderr
    # The PDF's text layer gives French's narrow no-break spaces back as plain spaces.
    text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    for french in ("Dossier de synthèse", "Chiffres clés", "Fonds dépensés", "Jalons en retard",
                   "Tableau de suivi des indicateurs", "Notes sur les données",
                   "Ambassade des États-Unis à Rabat", "500 000 $US"):  # fmt: skip
        assert french in text, french
    assert re.search(r"Dépensé en T[1-4] 20\d\d", text)  # quarters as T3 2026
    for english in ("Key figures", "Funds spent", "Late milestones", "Notes on the data"):
        assert english not in text, english
    deck = Presentation(str(pptx))
    titles = [slide.shapes.title.text for slide in deck.slides if slide.shapes.title]
    assert "Chiffres clés" in titles and "Tableau de suivi des indicateurs" in titles
    notes = "\n".join(slide.notes_slide.notes_text_frame.text for slide in deck.slides)
    # The chart images were drawn in French: their titles and legends are in the notes.
    assert "Dépenses face au temps écoulé, et résultats" in notes
    assert "Budget dépensé" in notes and "Budget spent" not in notes


def test_a_french_iptt_workbook_has_french_headers_and_status_words(url, tmp_path):
    out = tmp_path / "iptt.xlsx"
    done = grantmon("export", "iptt", "--lang", "fr", "--out", str(out), database_url=url)
    assert done.returncode == 0, done.stderr
    book = load_workbook(io.BytesIO(out.read_bytes()))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    headers = list(rows[0])
    for header in ("Code de l'indicateur", "Cible à ce jour", "Réalisé à ce jour", "Statut",
                   "Atteint (% de la cible)"):  # fmt: skip
        assert header in headers, header
    statuses = {row[headers.index("Statut")] for row in rows[1:]}
    # The donor's view by default: a status that would bound a hidden figure is hidden too.
    assert statuses <= {"en bonne voie", "meilleur que la cible", "moins bon que la cible",
                        "pas de données", "masqué"}  # fmt: skip
    assert "en bonne voie" in statuses
    assert any(h.startswith(f"Sexe{NNBSP}: ") for h in headers)
    assert [sheet.title for sheet in book.worksheets] == ["Suivi des indicateurs", "Notes"]


def shown(cell: str) -> bool:
    """A cell with a figure: neither empty nor hidden from the donor (the default view)."""
    return bool(cell) and not cell.startswith(SUPPRESSED_MARK)


def test_csv_stays_machine_readable_and_tidy_in_french(url, tmp_path):
    out = tmp_path / "iptt.csv"
    # GRANTMON_LOCALE is the default language of the command line.
    done = grantmon("export", "iptt", "--out", str(out), database_url=url, GRANTMON_LOCALE="fr")
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    actuals = [r["Réalisé (trimestre)"] for r in rows if shown(r["Réalisé (trimestre)"])]
    shares = [r["Atteint (% de la cible)"] for r in rows if shown(r["Atteint (% de la cible)"])]
    assert actuals and all("," not in a and not a.endswith(".0") for a in actuals)
    counts = [r["Réalisé (trimestre)"] for r in rows if r["Unité"] == "personnes"]
    assert all(c.isdigit() for c in counts if shown(c))  # 18, not 18.0
    assert all(len(s.split(".")[-1]) <= 1 for s in shares)  # 105.9, not 1.0588235294117647
    assert any(80 <= float(s) <= 150 for s in shares)  # a percentage, not a share of 1


def test_export_data_takes_a_language_and_keeps_the_codes_that_import(url, tmp_path):
    out = tmp_path / "milestones.xlsx"
    done = grantmon("export", "data", "--as", "admin@example.org", "--type", "milestones",
                    "--lang", "fr", "--out", str(out), database_url=url)  # fmt: skip
    assert done.returncode == 0, done.stderr
    sheet = load_workbook(io.BytesIO(out.read_bytes())).worksheets[0]
    assert sheet.title == "Données"
    header = [c.value for c in sheet[1]]
    assert header[:2] == ["milestone_code", "status"]  # file columns are codes in any language
    statuses = {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert statuses <= {"not started", "in progress", "completed", "cancelled"}


def test_an_unknown_language_is_refused_before_any_work(url, tmp_path):
    done = grantmon("export", "iptt", "--lang", "de", "--out", str(tmp_path / "x.csv"),
                    database_url=url)  # fmt: skip
    assert done.returncode == 2
    assert "invalid choice: 'de'" in done.stderr
    assert not Path(tmp_path / "x.csv").exists()


def test_an_import_template_explains_its_columns_in_french():
    from grantmon.i18n import use_language
    from grantmon.services.bulk.importer import template

    with use_language("fr"):
        book = load_workbook(io.BytesIO(template("milestones", "xlsx")))
    data, guide = book.worksheets
    assert data.title == "Données" and data["A1"].value == "milestone_code"
    rows = list(guide.iter_rows(values_only=True))
    assert rows[0] == ("Colonne", "Que saisir")
    explained = dict(rows[1:])
    assert explained["percent_complete"] == "Un nombre entier de 0 à 100."
    assert explained["notes"] == "Ce qui s'est passé (texte simple). (Peut rester vide.)"


def test_a_refused_import_is_reported_in_french_by_row_and_column(demo_engine):
    from datetime import date

    from sqlmodel import Session

    from grantmon.i18n import use_language
    from grantmon.services.bulk.importer import ImportRefused, import_file, problems_table
    from grantmon.services.core.access import LOCAL_ACTOR

    header = (
        b"milestone_code,status,percent_complete,actual_completion_date,notes,evidence_url,reason"
    )
    content = header + b"\nA1.1-M1,fini,50,,,,\nXX-9,completed,12,5,,,,\n"
    with use_language("fr"), Session(demo_engine) as session:
        with pytest.raises(ImportRefused) as refused:
            import_file(session=session, actor=LOCAL_ACTOR, name="milestones",
                        file_name="jalons.csv", content=content, today=date.today())  # fmt: skip
        report = problems_table(refused.value.problems)
    assert "rien n'a été importé" in refused.value.message
    assert list(report.columns) == ["Ligne", "Colonne", "Problème"]
    assert not report["Problème"].str.contains(r"\b(?:the|must|Unknown|Enter)\b").any()
    assert 3 in set(report["Ligne"])
