"""`grantmon bench`: time every screen, on the server and in a browser, and the read API,
optionally on freshly generated data (seed/scale.py)."""

import argparse
import json
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from data_model.db import has_schema, upgrade
from grantmon.cli.arguments import SCALE, SEED, add_database_option, whole_number


def cmd_bench(args: argparse.Namespace, engine: Engine) -> int:
    """Seed up to --scale blocks if asked, measure, print a table and write JSON."""
    from grantmon.cli.bench_run import run_bench, table
    from seed.run import seed_database
    from seed.scale import seed_scale

    if not has_schema(engine):
        upgrade(engine)
    if args.scale:
        seed_database(engine, demo=True)
        seed_scale(engine, args.scale, seed=args.random_seed)
    result = run_bench(engine, runs=args.runs, briefing=not args.no_briefing)
    result["scale"] = args.scale
    print(table(result))
    result["api"] = None if args.no_api else api_part(engine, args.runs)
    result["browser"] = None if args.no_browser else browser_part(engine, args.browser_runs)
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print(f"Wrote {args.json}")
    return 0


def api_part(engine: Engine, runs: int) -> dict[str, Any]:
    """Time the read API through a real server, print its lines."""
    from grantmon.cli.bench_api import api_lines, run_api_bench

    result = run_api_bench(engine, runs=runs)
    print("\n".join(api_lines(result)))
    return result


def browser_part(engine: Engine, runs: int) -> dict[str, Any] | None:
    """Time what a person waits for in a real browser, print its lines; None if it cannot run."""
    from grantmon.cli.bench_browser import browser_lines, run_browser_bench
    from grantmon.cli.bench_servers import browser_missing

    missing = browser_missing()
    if missing:
        print(f"Browser part skipped: {missing}; --no-browser leaves it out without this note.")
        return None
    url = engine.url.render_as_string(hide_password=False)
    with tempfile.TemporaryDirectory(prefix="grantmon-bench-") as folder:
        result = run_browser_bench(url, Path(folder), runs=runs)
    print("\n".join(browser_lines(result)))
    return result


def register(commands: argparse._SubParsersAction) -> None:
    """Add the bench subcommand."""
    bench = commands.add_parser("bench", help="time every screen and the briefing pack")
    bench.add_argument("--scale", type=SCALE, default=0, help="first generate N blocks of data")
    bench.add_argument("--random-seed", type=SEED, default=2024, help="seed of the --scale data")
    add_database_option(bench)  # also after the subcommand, as the benchmark notes give it
    bench.add_argument("--json", help="write the figures to this file")
    bench.add_argument(
        "--runs", type=whole_number(1000, least=1), default=5, help="cached re-runs per screen"
    )
    bench.add_argument("--no-briefing", action="store_true", help="skip the briefing pack")
    bench.add_argument(
        "--no-browser", action="store_true", help="skip the page loads in headless Chromium"
    )
    bench.add_argument("--no-api", action="store_true", help="skip the read API's timings")
    bench.add_argument(
        "--browser-runs",
        type=whole_number(100, least=1),
        default=5,
        help="page loads and sidebar switches per screen in the browser",
    )
    bench.set_defaults(handler=cmd_bench)
