"""`grantmon bench` renders every screen and writes the figures it prints to JSON."""

import json

from grantmon.cli import main
from grantmon.cli.bench_run import SCREENS
from tests.conftest import forget_app_caches


def test_bench_writes_a_row_for_every_screen(app_database, tmp_path, capsys):
    url = app_database.url.render_as_string(hide_password=False)
    out = tmp_path / "bench.json"
    code = main(["bench", "--database", url, "--runs", "1", "--no-briefing", "--json", str(out)])
    assert code == 0
    result = json.loads(out.read_text(encoding="utf-8"))
    assert [s["screen"] for s in result["screens"]] == list(SCREENS)
    for screen in result["screens"]:
        assert screen["first_ms"] > 0 and screen["floor_ms"] > 0 and screen["reads"] > 0
        # The server's script run is part of AppTest's whole run, never more.
        assert 0 < screen["cached_ms"] <= screen["cached_apptest_ms"]
        assert screen["first_ms"] <= screen["first_apptest_ms"]
        assert screen["peak_rss_mb"] > 0
    assert all(ms > 0 for ms in result["machine_loop_ms"])
    printed = capsys.readouterr().out
    assert all(screen in printed for screen in SCREENS) and result["database"] == "sqlite"
    assert "machine speed" in printed and "folder navigation (a server's first request" in printed
    assert all(isinstance(s["folder_navigation_ms"], float) for s in result["screens"])


def test_bench_on_a_named_database_leaves_no_default_database_behind(
    app_database, tmp_path, monkeypatch
):
    # Run where a stray default database would show: the data folder set to an empty one here.
    url = app_database.url.render_as_string(hide_password=False)
    monkeypatch.delenv("DATABASE_URL")
    monkeypatch.setenv("GRANTMON_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    forget_app_caches()
    code = main(["bench", "--database", url, "--runs", "1", "--no-briefing"])
    assert code == 0
    assert not (tmp_path / "data").exists()
