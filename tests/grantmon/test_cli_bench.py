"""`grantmon bench` renders every screen and writes the figures it prints to JSON."""

import json
from dataclasses import asdict

from grantmon.cli import main
from grantmon.cli.bench_briefing import briefing_lines, briefing_timing
from grantmon.cli.bench_run import SCREENS
from tests.conftest import forget_app_caches


def test_bench_writes_a_row_for_every_screen(app_database, tmp_path, capsys):
    url = app_database.url.render_as_string(hide_password=False)
    out = tmp_path / "bench.json"
    quick = ["--runs", "1", "--no-briefing", "--no-browser"]  # those have tests of their own
    code = main(["bench", "--database", url, *quick, "--json", str(out)])
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
    code = main(["bench", "--database", url, "--runs", "1", "--no-briefing", "--no-browser"])
    assert code == 0
    assert not (tmp_path / "data").exists()


def test_briefing_bench_times_the_command_line_and_the_app(app_database):
    timing = briefing_timing(app_database)
    assert timing.charts == 6  # the default pack: a key chart from each screen
    times = (timing.cli_pdf_s, timing.cli_pptx_s, timing.app_first_s, timing.app_after_write_s)
    times += (timing.app_again_s,)
    assert all(seconds > 0 for seconds in times) and timing.chart_seconds > 0
    printed = "\n".join(briefing_lines(asdict(timing)))
    assert "command line (new process): PDF" in printed and "after a write" in printed
