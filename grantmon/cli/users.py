"""`grantmon users`: give, list and withdraw access from the command line."""

import argparse
import sys
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Engine
from sqlmodel import Session

from data_model import Role
from grantmon.services.core.access import Actor
from grantmon.services.core.commands import CommandError
from grantmon.services.core.users import UserCreate, active_users, add_user, remove_user

# The command line is run by whoever administers the server.
CONSOLE = Actor(email="grantmon command line", role=Role.ADMIN)


def cmd_add(args: argparse.Namespace, engine: Engine) -> int:
    """Give a person a role."""
    try:
        user = UserCreate(
            email=args.email,
            role=args.role,
            partner=args.partner,
            region=args.region,
            all_partners=args.all_partners,
        )
        with Session(engine) as session:
            add_user(session=session, actor=CONSOLE, user=user)
    except ValidationError as error:
        print(
            f"grantmon: {error.errors()[0]['msg'].removeprefix('Value error, ')}", file=sys.stderr
        )
        return 2
    except CommandError as error:
        print(f"grantmon: {error.message}", file=sys.stderr)
        return 2
    print(f"{user.email} can now sign in as {user.role.value}.")
    return 0


def cmd_list(args: argparse.Namespace, engine: Engine) -> int:
    """Print every active user with role and scope."""
    with Session(engine) as session:
        users = active_users(session=session, actor=CONSOLE)
    for row in users.itertuples():
        scope = " ".join(v for v in (_partner_scope(row), row.region_code) if isinstance(v, str))
        print(f"{row.email}\t{row.role}\t{scope}".rstrip())
    return 0


def _partner_scope(row: Any) -> str | None:
    """The partner a user acts for; a manager without one manages every partner."""
    if isinstance(row.partner, str):
        return row.partner
    return "all partners" if row.role == Role.MANAGER else None


def cmd_remove(args: argparse.Namespace, engine: Engine) -> int:
    """Withdraw a person's access."""
    try:
        with Session(engine) as session:
            remove_user(session=session, actor=CONSOLE, email=args.email)
    except CommandError as error:
        print(f"grantmon: {error.message}", file=sys.stderr)
        return 2
    print(f"{args.email} can no longer sign in.")
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    """Add `users add|list|remove` to the grantmon command."""
    users = commands.add_parser("users", help="who may sign in").add_subparsers(
        dest="users", required=True
    )
    add = users.add_parser("add", help="give a person a role")
    add.add_argument("email")
    add.add_argument("--role", required=True, choices=[r.value for r in Role])
    add.add_argument("--partner", help="partner code (IOM, UNODC, ILO) for a programme manager")
    add.add_argument("--region", help="region code MA-01..MA-12 to limit a programme manager")
    add.add_argument(
        "--all-partners",
        action="store_true",
        help="a programme manager of every partner (instead of --partner)",
    )
    add.set_defaults(handler=cmd_add)
    users.add_parser("list", help="list who may sign in").set_defaults(handler=cmd_list)
    remove = users.add_parser("remove", help="withdraw access")
    remove.add_argument("email")
    remove.set_defaults(handler=cmd_remove)
