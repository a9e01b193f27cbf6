"""Benchmark every screen on the configured database: `grantmon bench` without the pack.

    python scripts/bench_pages.py [--runs 5]

Kept for habit; `grantmon bench --help` has the options (scale, database, JSON).
"""

import sys

from grantmon.cli import main

if __name__ == "__main__":
    sys.exit(main(["bench", "--no-briefing", *sys.argv[1:]]))
