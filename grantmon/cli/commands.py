"""The `grantmon` command's parser and handlers: database upgrade, seeding, serving, users,
API tokens, exports, benchmarks.

It stands beside grantmon.ui: it calls services and seed, never the user interface.
"""

import argparse
import os
import sys
from collections.abc import Callable

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from data_model.db import DatabaseConfigError, has_schema, upgrade
from grantmon.cli import backup as cli_backup
from grantmon.cli import bench as cli_bench
from grantmon.cli import data as cli_data
from grantmon.cli import export as cli_export
from grantmon.cli import tokens as cli_tokens
from grantmon.cli import users as cli_users
from grantmon.cli.arguments import SCALE, SEED, add_database_option, whole_number
from grantmon.cli.serve import address_to_open, auth_secrets, serve, streamlit_command
from grantmon.i18n import default_language, use_language
from grantmon.services.core.database import default_engine, engine_for
from grantmon.settings import PROJECT_ROOT, bound_address, get_settings, is_loopback
from seed.run import row_counts, seed_database

SERVER = PROJECT_ROOT / "grantmon" / "server" / "app.py"  # dashboard.py with headers, see there


def cmd_db_upgrade(args: argparse.Namespace, engine: Engine) -> int:
    """Apply every pending migration."""
    upgrade(engine)
    print("Database schema is up to date.")
    return 0


def cmd_seed(args: argparse.Namespace, engine: Engine) -> int:
    """Store the public facts (and the demo set with --demo); never overwrite a row."""
    if not has_schema(engine):
        upgrade(engine)
    demo = args.demo or args.plan_only or bool(args.scale)
    added = seed_database(engine, demo=demo, figures=not args.plan_only)
    if args.scale:
        from seed.scale import seed_scale

        added += seed_scale(engine, args.scale, seed=args.random_seed)
    with Session(engine) as session:
        total = sum(row_counts(session).values())
    print(f"Seeded: {added} rows added, {total} rows in the database.")
    return 0


def cmd_run(args: argparse.Namespace, engine: Engine) -> int:
    """Migrate, seed the demo into an empty database, and serve the dashboard."""
    address = bound_address(args.address)  # what Streamlit binds: "" means every interface
    if not is_loopback(address) and auth_secrets() is None:
        print(
            f"grantmon: refusing to serve on {address} without sign-in: configure "
            "[auth] in .streamlit/secrets.toml, or serve on 127.0.0.1.",
            file=sys.stderr,
        )
        return 2
    upgrade(engine)
    unbound = cli_users.unbound_beside_open_providers(engine)
    if unbound:
        print(
            "grantmon: refusing to serve: several identity providers are configured and one "
            "names no allowed_domains, so it could vouch for any address. Give each provider "
            "allowed_domains, or bind each person to their provider (grantmon users bind "
            f"EMAIL --provider NAME). Not bound: {', '.join(unbound)}.",
            file=sys.stderr,
        )
        return 2
    with Session(engine) as session:
        empty = row_counts(session)["award"] == 0
    if empty:
        seed_database(engine, demo=True)
    auth = auth_secrets() or {}
    where = address_to_open(auth.get("redirect_uri"), address, args.port)
    print(f"Serving the grant monitor on {where}", flush=True)  # before the server's own lines
    return serve(
        streamlit_command(SERVER, address, args.port),
        cwd=PROJECT_ROOT,
        # The server opens the database this command migrated, --database included.
        env={**os.environ, "DATABASE_URL": engine.url.render_as_string(hide_password=False)},
    )


def build_parser() -> argparse.ArgumentParser:
    """The command-line grammar."""
    settings = get_settings()
    parser = argparse.ArgumentParser(prog="grantmon", description="Grant monitor")
    add_database_option(parser)
    commands = parser.add_subparsers(dest="command", required=True)
    db = commands.add_parser("db", help="database schema").add_subparsers(dest="db", required=True)
    db.add_parser("upgrade", help="apply migrations").set_defaults(handler=cmd_db_upgrade)
    seed = commands.add_parser("seed", help="store the public facts about the grant")
    seed.add_argument("--demo", action="store_true", help="add the demo data set")
    seed.add_argument(
        "--scale", type=SCALE, default=0, help="add N generated blocks (seed/scale.py)"
    )
    seed.add_argument("--random-seed", type=SEED, default=2024, help="seed of the --scale data")
    seed.add_argument(
        "--plan-only",
        action="store_true",
        help="add only the demo's plan (no figures), to load figures from files",
    )
    seed.set_defaults(handler=cmd_seed)
    run = commands.add_parser("run", help="serve the dashboard")
    run.add_argument("--port", type=whole_number(65535, least=1), default=settings.server_port)
    run.add_argument("--address", default=settings.server_address)
    run.set_defaults(handler=cmd_run)
    cli_users.register(commands)
    cli_tokens.register(commands)
    cli_data.register_export(cli_export.register(commands))
    cli_data.register(commands)
    cli_bench.register(commands)
    cli_backup.register(commands)
    return parser


def chosen_engine(args: argparse.Namespace) -> Engine:
    """The engine of --database if given, else of the configured database."""
    # Only the database in use is opened: opening the default one as well would create
    # an empty data/grantmon.db beside a command that never uses it.
    named: str | None = getattr(args, "database", None)
    return engine_for(named) if named else default_engine()


def main(argv: list[str] | None = None) -> int:
    """Run one command; database problems end in one clear line and exit code 2."""
    args = build_parser().parse_args(argv)
    handler: Callable[[argparse.Namespace, Engine], int] = args.handler
    try:
        with use_language(getattr(args, "lang", None) or default_language()):
            return handler(args, chosen_engine(args))
    except DatabaseConfigError as error:
        print(f"grantmon: {error}", file=sys.stderr)
    except SQLAlchemyError as error:
        print(f"grantmon: database error: {str(error).splitlines()[0]}", file=sys.stderr)
    return 2
