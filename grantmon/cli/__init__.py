"""The `grantmon` command (its commands are in grantmon.cli.commands).

The entry point starts what a command will wait for before it imports the rest: a briefing
pack's image browser takes 2-3 s to start, about as long as the imports, so both overlap.
"""

import sys
from itertools import pairwise


def _warm_for(argv: list[str]) -> None:
    """Start the chart-image browser in the background if the command draws a briefing pack."""
    if ("export", "briefing") in pairwise(argv):
        from grantmon.charts.images import image_browser

        image_browser()


def main(argv: list[str] | None = None) -> int:
    """Run one command (see grantmon.cli.commands.main)."""
    _warm_for(sys.argv[1:] if argv is None else argv)
    from grantmon.cli.commands import main as run_command

    return run_command(argv)
