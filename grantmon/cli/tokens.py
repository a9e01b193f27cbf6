"""`grantmon tokens`: issue, list and revoke the read API's tokens from the command line."""

import argparse
import sys
from typing import Any

import pandas as pd
from sqlalchemy import Engine
from sqlmodel import Session

from grantmon.cli.users import CONSOLE
from grantmon.services.core.commands import CommandError
from grantmon.services.core.tokens import api_tokens, issue_token, parse_lifetime, revoke_token


def cmd_add(args: argparse.Namespace, engine: Engine) -> int:
    """Issue a token for a person with access; the token alone on the last line."""
    try:
        lifetime = parse_lifetime(args.expires)
        with Session(engine) as session:
            issued = issue_token(
                session=session,
                actor=CONSOLE,
                email=args.email,
                lifetime=lifetime,
                label=args.label or "",
            )
    except (ValueError, CommandError) as error:
        message = error.message if isinstance(error, CommandError) else str(error)
        print(f"grantmon: {message}", file=sys.stderr)
        return 2
    print(
        f"Token {issued.id} for {issued.email}, valid until {issued.expires_at:%Y-%m-%d %H:%M} "
        "UTC. It is shown only now: keep it secret, send it as Authorization: Bearer TOKEN."
    )
    print(issued.token)
    return 0


def _when(value: Any) -> str:
    return "-" if value is None or pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d")


def cmd_list(args: argparse.Namespace, engine: Engine) -> int:
    """One line per token, starting with its id: whose, state, expiry, last use, label."""
    with Session(engine) as session:
        tokens = api_tokens(session=session, actor=CONSOLE)
    for row in tokens.itertuples():
        fields = [str(row.id), row.email, row.role, row.state, f"expires {_when(row.expires_at)}"]
        fields += [f"last used {_when(row.last_used_at)}", row.label]
        print("\t".join(str(f) for f in fields).rstrip())
    return 0


def cmd_revoke(args: argparse.Namespace, engine: Engine) -> int:
    """Revoke one token at once, on every server."""
    try:
        with Session(engine) as session:
            email = revoke_token(session=session, actor=CONSOLE, token_id=args.id)
    except CommandError as error:
        print(f"grantmon: {error.message}", file=sys.stderr)
        return 2
    print(f"Token {args.id} of {email} is revoked.")
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    """Add `tokens add|list|revoke` to the grantmon command."""
    tokens = commands.add_parser("tokens", help="keys to the read API").add_subparsers(
        dest="tokens", required=True
    )
    add = tokens.add_parser("add", help="issue a token that acts as a person with access")
    add.add_argument("email")
    add.add_argument("--expires", default="90d", help="lifetime: 90d (default), 12h, 2w...")
    add.add_argument("--label", help="what the token is for, e.g. 'Power BI report'")
    add.set_defaults(handler=cmd_add)
    tokens.add_parser("list", help="every token, one per line").set_defaults(handler=cmd_list)
    revoke = tokens.add_parser("revoke", help="revoke a token at once")
    revoke.add_argument("id", type=int)
    revoke.set_defaults(handler=cmd_revoke)
