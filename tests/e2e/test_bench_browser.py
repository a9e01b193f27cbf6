"""`grantmon bench`'s browser part: screens loaded in headless Chromium beside tiny apps."""

import pytest

from grantmon.cli.bench_browser import browser_lines, run_browser_bench
from grantmon.cli.bench_servers import browser_missing
from tests.conftest import skip_or_fail
from tests.e2e.conftest import seeded_database

pytestmark = pytest.mark.browser


def test_the_browser_part_prints_each_screen_beside_the_one_chart_app(tmp_path):
    if missing := browser_missing():
        skip_or_fail(missing)
    result = run_browser_bench(seeded_database(tmp_path), tmp_path / "apps", 1, ["budget"])
    lines = browser_lines(result)
    assert "/ one-chart" in lines[1] and "switch ms" in lines[1]
    rows = {line.split()[0]: line.split() for line in lines[2:]}
    assert [s["screen"] for s in result["screens"]] == ["overview", "budget"]
    assert int(rows["budget"][1]) >= 2  # its charts were found and waited for
    assert float(rows["one-chart"][-1]) == 1.0 and float(rows["budget"][3]) > 0
    assert any(line.startswith("cold first visit") and "ratio" in line for line in lines)
