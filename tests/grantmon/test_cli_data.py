"""`grantmon import` and `grantmon export data`: files in and out, a report by row on failure."""

from openpyxl import load_workbook
from sqlalchemy import text

from grantmon.cli.commands import build_parser
from grantmon.services.bulk.importer import DATA_TYPES
from tests.grantmon.test_cli_export import grantmon
from tests.services.test_bulk_import import counts
from tests.services.test_damaged_workbooks import DAMAGED, damaged


def url_of(engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def milestone_status(engine, code: str) -> tuple:
    with engine.connect() as connection:
        return tuple(
            connection.execute(
                text("SELECT status, percent_complete FROM milestone WHERE code = :c"), {"c": code}
            ).one()
        )


EXPORT = ("export", "data", "--as", "admin@example.org")


def cli(engine, *argv: str) -> int:
    """Run a grantmon command in this process on the engine, as `grantmon ...` would."""
    args = build_parser().parse_args(list(argv))
    return args.handler(args, engine)


def test_every_export_loads_into_a_plan_only_database_without_confirming_anything(
    demo_engine, other_engine, tmp_path, capsys
):
    assert cli(other_engine, "seed", "--plan-only") == 0
    for name in DATA_TYPES:
        for fmt in ("csv", "xlsx"):
            out = tmp_path / f"{name}.{fmt}"
            assert cli(demo_engine, *EXPORT, "--type", name, "--out", str(out)) == 0
        loaded = cli(other_engine, "import", str(tmp_path / f"{name}.csv"), "--type", name)
        assert loaded == 0, capsys.readouterr().err
        assert f"rows of {name}" in capsys.readouterr().out
        again = tmp_path / f"{name}-again.csv"
        assert cli(other_engine, *EXPORT, "--type", name, "--out", str(again)) == 0
        assert again.read_bytes() == (tmp_path / f"{name}.csv").read_bytes(), name
    assert milestone_status(other_engine, "A1.2-M3") == milestone_status(demo_engine, "A1.2-M3")


def test_refusals_name_the_command_line_options_not_the_screens_boxes(
    demo_engine, tmp_path, capsys
):
    results = tmp_path / "results.csv"
    results.write_text(
        "indicator_code,quarter,breakdown,category,value\n"
        "1.1.a,2026Q4,total,,670\n1.1.a,2026Q4,sex,female,600\n1.1.a,2026Q4,sex,male,70\n"
    )
    assert cli(demo_engine, "import", str(results), "--type", "indicator-results") == 1
    unusual = capsys.readouterr().err
    assert "run the command again with --confirm-unusual" in unusual
    assert "tick" not in unusual and "unusual values are checked" not in unusual
    confirmed = ("import", str(results), "--type", "indicator-results", "--confirm-unusual")
    assert cli(demo_engine, *confirmed) == 0
    assert cli(demo_engine, *confirmed) == 1
    repeated = capsys.readouterr().err
    assert "already imported" in repeated and "run the command again with --force" in repeated
    assert "Import again" not in repeated


def test_a_refused_import_reports_each_row_and_changes_nothing(demo_engine, tmp_path):
    url = url_of(demo_engine)
    before = milestone_status(demo_engine, "A1.1-M3")
    bad = tmp_path / "progress.csv"
    bad.write_text(
        "milestone_code,status,percent_complete\nA1.1-M3,in progress,60\nA1.3-M3,started,x\n",
        encoding="utf-8",
    )
    result = grantmon("import", str(bad), "--type", "milestones", database_url=url)
    assert result.returncode == 1
    assert "row 3, column percent_complete" in result.stderr
    assert "row 3, column status" in result.stderr
    assert milestone_status(demo_engine, "A1.1-M3") == before

    good = tmp_path / "progress-2.csv"
    good.write_text("milestone_code,status,percent_complete\nA1.1-M3,in progress,60\n")
    assert grantmon("import", str(good), "--type", "milestones", database_url=url).returncode == 0
    again = grantmon("import", str(good), "--type", "milestones", database_url=url)
    assert again.returncode == 1 and "already imported" in again.stderr
    forced = grantmon("import", str(good), "--type", "milestones", "--force", database_url=url)
    assert forced.returncode == 0
    assert milestone_status(demo_engine, "A1.1-M3") == ("in progress", 60)

    nobody = grantmon(
        "import", str(good), "--type", "milestones", "--as", "nobody@x.org", database_url=url
    )
    assert nobody.returncode == 2 and "no active user" in nobody.stderr
    missing = grantmon(
        "import", str(tmp_path / "none.csv"), "--type", "milestones", database_url=url
    )
    assert missing.returncode == 2 and "is not a file" in missing.stderr


def test_a_data_file_is_written_only_for_a_person_named_and_marked_internal(
    demo_engine, tmp_path, capsys
):
    out = tmp_path / "results.xlsx"
    assert cli(demo_engine, "export", "data", "--type", "indicator-results", "--out", str(out)) == 2
    assert "--as EMAIL" in capsys.readouterr().err and not out.exists()
    assert cli(demo_engine, *EXPORT, "--type", "indicator-results", "--out", str(out)) == 0
    assert "INTERNAL, NOT FOR THE DONOR" in capsys.readouterr().out
    book = load_workbook(out)
    assert book.worksheets[0].oddHeader.center.text == "INTERNAL, NOT FOR THE DONOR"
    assert book.worksheets[0].cell(1, 1).value == "indicator_code"  # the file still imports


def test_exporting_figures_as_a_donor_is_refused_in_one_line(demo_engine, tmp_path, capsys):
    out = tmp_path / "reintegration.csv"
    argv = ("export", "data", "--type", "reintegration", "--out", str(out))
    assert cli(demo_engine, *argv, "--as", "donor@example.org") == 2
    refused = capsys.readouterr().err
    assert refused.startswith("grantmon export: Your role (donor) does not let you see")
    assert len(refused.strip().splitlines()) == 1 and not out.exists()
    assert cli(demo_engine, *argv, "--as", "manager.iom@example.org") == 0 and out.exists()


def test_a_damaged_workbook_of_every_type_is_refused_in_words_and_writes_nothing(
    demo_engine, tmp_path, capsys
):
    before = counts(demo_engine)
    for name in DATA_TYPES:
        good = tmp_path / f"{name}.xlsx"
        assert cli(demo_engine, *EXPORT, "--type", name, "--out", str(good)) == 0
        for damage in ("unexpected dimension attribute", "empty worksheet part"):
            bad = tmp_path / f"{name}-damaged.xlsx"
            bad.write_bytes(damaged(good.read_bytes(), damage))
            capsys.readouterr()
            assert cli(demo_engine, "import", str(bad), "--type", name) == 1, (name, damage)
            refused = capsys.readouterr().err
            assert refused.startswith(f"grantmon import: {DAMAGED}"), (name, damage, refused)
            assert len(refused.strip().splitlines()) == 1, refused
    assert counts(demo_engine) == before


def test_a_damaged_workbook_is_refused_by_the_command_without_a_traceback(demo_engine, tmp_path):
    good = tmp_path / "milestones.xlsx"
    assert cli(demo_engine, *EXPORT, "--type", "milestones", "--out", str(good)) == 0
    bad = tmp_path / "progress.xlsx"
    bad.write_bytes(damaged(good.read_bytes(), "unexpected dimension attribute"))
    argv = ("import", str(bad), "--type", "milestones", "--as", "admin@example.org")
    result = grantmon(*argv, database_url=url_of(demo_engine))
    assert result.returncode == 1
    assert result.stderr.startswith(f"grantmon import: {DAMAGED}"), result.stderr
    assert "Traceback" not in result.stderr
