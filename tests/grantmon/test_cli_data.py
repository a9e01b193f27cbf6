"""`grantmon import` and `grantmon export data`: files in and out, a report by row on failure."""

from sqlalchemy import text

from tests.grantmon.test_cli_export import grantmon


def url_of(engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def milestone_status(engine, code: str) -> tuple:
    with engine.connect() as connection:
        return tuple(
            connection.execute(
                text("SELECT status, percent_complete FROM milestone WHERE code = :c"), {"c": code}
            ).one()
        )


def test_exported_figures_load_into_a_database_holding_only_the_plan(
    demo_engine, other_engine, tmp_path
):
    source, target = url_of(demo_engine), url_of(other_engine)
    assert grantmon("seed", "--plan-only", database_url=target).returncode == 0
    for name, fmt in (("milestones", "xlsx"), ("expenditures", "csv")):
        out = tmp_path / f"{name}.{fmt}"
        exported = grantmon(
            "export", "data", "--type", name, "--out", str(out), database_url=source
        )
        assert exported.returncode == 0, exported.stderr
        loaded = grantmon("import", str(out), "--type", name, database_url=target)
        assert loaded.returncode == 0, loaded.stderr
        assert f"rows of {name}" in loaded.stdout
    assert milestone_status(other_engine, "A1.2-M3") == milestone_status(demo_engine, "A1.2-M3")


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
