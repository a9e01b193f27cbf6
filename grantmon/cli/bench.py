"""`grantmon bench`: time every screen, optionally on freshly generated data (seed/scale.py)."""

import argparse
import json
from pathlib import Path

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
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print(f"Wrote {args.json}")
    return 0


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
    bench.set_defaults(handler=cmd_bench)
