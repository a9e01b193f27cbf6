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
from grantmon.services.core.providers import auth_in_file, needs_binding, providers_in
from grantmon.services.core.users import (
    UserCreate,
    active_users,
    add_user,
    bind_user,
    remove_user,
    unbound_users,
)
from grantmon.settings import PROJECT_ROOT

# The command line is run by whoever administers the server.
CONSOLE = Actor(email="grantmon command line", role=Role.ADMIN)
SECRETS = PROJECT_ROOT / ".streamlit" / "secrets.toml"  # what `grantmon run` serves with


def configured_providers() -> list[str]:
    """The names of the identity providers of the server's secrets (none in local mode)."""
    return [provider.name for provider in providers_in(auth_in_file(SECRETS))]


def unbound_beside_open_providers(engine: Engine) -> list[str]:
    """People bound to no provider while several are configured and one vouches for any
    address (the server then refuses to start); empty when all is well."""
    if not needs_binding(providers_in(auth_in_file(SECRETS))):
        return []
    with Session(engine) as session:
        return unbound_users(session=session, actor=CONSOLE)


def cmd_add(args: argparse.Namespace, engine: Engine) -> int:
    """Give a person a role."""
    try:
        user = UserCreate(
            email=args.email,
            role=args.role,
            partner=args.partner,
            region=args.region,
            all_partners=args.all_partners,
            provider=args.provider,
        )
        with Session(engine) as session:
            add_user(session=session, actor=CONSOLE, user=user, providers=configured_providers())
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


def cmd_bind(args: argparse.Namespace, engine: Engine) -> int:
    """Bind a person to the one provider that may sign them in."""
    try:
        with Session(engine) as session:
            bind_user(
                session=session,
                actor=CONSOLE,
                email=args.email,
                provider=args.provider,
                providers=configured_providers(),
            )
    except CommandError as error:
        print(f"grantmon: {error.message}", file=sys.stderr)
        return 2
    print(f"{args.email} now signs in through {args.provider} only.")
    return 0


def cmd_list(args: argparse.Namespace, engine: Engine) -> int:
    """Print every active user with role and scope (and provider, when bound)."""
    with Session(engine) as session:
        users = active_users(session=session, actor=CONSOLE)
    for row in users.itertuples():
        scope = " ".join(v for v in (_partner_scope(row), row.region_code) if isinstance(v, str))
        bound = f"\tvia {row.provider}" if isinstance(row.provider, str) else ""
        print(f"{row.email}\t{row.role}\t{scope}".rstrip() + bound)
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
    add.add_argument(
        "--provider",
        help="the identity provider ([auth.NAME]) that alone may sign them in (default: the "
        "only one; required when several are configured)",
    )
    add.set_defaults(handler=cmd_add)
    bind = users.add_parser("bind", help="bind a person to the provider that may sign them in")
    bind.add_argument("email")
    bind.add_argument("--provider", required=True)
    bind.set_defaults(handler=cmd_bind)
    users.add_parser("list", help="list who may sign in").set_defaults(handler=cmd_list)
    remove = users.add_parser("remove", help="withdraw access")
    remove.add_argument("email")
    remove.set_defaults(handler=cmd_remove)
