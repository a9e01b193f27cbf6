"""`grantmon import` and `grantmon export data`: figures in CSV or Excel files.

    grantmon import FILE --type TYPE [--force] [--confirm-unusual] [--as EMAIL]
    grantmon export data --type TYPE --out FILE.csv|FILE.xlsx --as EMAIL

A refused import writes nothing, prints a row-by-row report and exits with code 1; unusable
arguments exit with code 2. A data file holds figures not yet approved, for entry: it is never
the donor's, so it is written only for a person named with --as, and a workbook carries the
internal mark on every printed page (a CSV file keeps exactly the columns an import reads).
"""

import argparse
import io
import sys
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import Engine
from sqlmodel import Session

from data_model import Role
from grantmon.cli.export import BadInput, save_file, writable_path
from grantmon.cli.language import add_language_option
from grantmon.i18n import N_, t
from grantmon.services.bulk.files import FORMATS
from grantmon.services.bulk.importer import DATA_TYPES, export_data, import_file
from grantmon.services.bulk.spec import GoAhead
from grantmon.services.core.access import Actor, ReadRefused
from grantmon.services.core.commands import CommandError, take_notices
from grantmon.services.core.users import actor_for_email
from grantmon.vocabulary import INTERNAL

COMMAND_LINE = Actor(email="grantmon (command line)", role=Role.ADMIN)
GO_AHEAD = GoAhead(
    import_again=N_("run the command again with --force"),
    unusual_checked=N_("run the command again with --confirm-unusual"),
)


def _actor(session: Session, email: str | None) -> Actor:
    if email is None:
        return COMMAND_LINE
    actor = actor_for_email(session=session, actor=COMMAND_LINE, email=email)
    if actor is None:
        raise BadInput(f"no active user {email!r}: add them with `grantmon users add`")
    return actor


def _report(error: CommandError) -> int:
    print(f"grantmon import: {error.message}", file=sys.stderr)
    for problem in getattr(error, "problems", []):
        where = f"row {problem.row}" + (f", column {problem.column}" if problem.column else "")
        print(f"  {where}: {problem.message}", file=sys.stderr)
    return 1


def cmd_import(args: argparse.Namespace, engine: Engine) -> int:
    """Import a file of figures: every row, or none."""
    path = Path(args.file)
    if not path.is_file():
        print(f"grantmon import: {args.file} is not a file", file=sys.stderr)
        return 2
    with Session(engine) as session:
        try:
            result = import_file(
                session=session,
                actor=_actor(session, args.as_email),
                name=args.type,
                file_name=path.name,
                content=path.read_bytes(),
                today=date.today(),
                force=args.force,
                confirm_unusual=args.confirm_unusual,
                go_ahead=GO_AHEAD,
            )
        except BadInput as error:
            print(f"grantmon import: {error}", file=sys.stderr)
            return 2
        except CommandError as error:  # ImportRefused too, with its problems
            return _report(error)
        notices = take_notices(session)
    print(f"Imported {result.rows} rows of {args.type} from {path.name}.")
    for notice in notices:
        print(notice)
    return 0


def cmd_export_data(args: argparse.Namespace, engine: Engine) -> int:
    """Write the stored figures of a data type to a file that can be edited and imported."""
    try:
        out, fmt = writable_path(args.out, FORMATS)
        if args.as_email is None:
            raise BadInput(
                "a data file holds figures not yet approved and is internal, not for the donor: "
                "say whose figures with --as EMAIL (an administrator or programme manager)"
            )
        with Session(engine) as session:
            data = export_data(
                session=session, actor=_actor(session, args.as_email), name=args.type, fmt=fmt
            )
        save_file(out, marked_workbook(data) if fmt == "xlsx" else data)
    except BadInput as error:
        print(f"grantmon export: {error}", file=sys.stderr)
        return 2
    except (CommandError, ReadRefused) as error:
        print(f"grantmon export: {error.message}", file=sys.stderr)
        return 2
    print(f"{args.type} written to {out}, {t(INTERNAL)}.")
    return 0


def marked_workbook(data: bytes) -> bytes:
    """The workbook with the internal mark in every sheet's printed header (cells unchanged)."""
    book = load_workbook(io.BytesIO(data))
    for sheet in book.worksheets:
        sheet.oddHeader.center.text = t(INTERNAL)
    book.properties.title = t(INTERNAL)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _type_and_actor(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--type", required=True, choices=list(DATA_TYPES), help="the data type")
    parser.add_argument(
        "--as",
        dest="as_email",
        help="the user's email the work is done as (import: default an administrator; export: "
        "required)",
    )


def register(commands: Any) -> None:
    """Add `import` to the grantmon command's subparsers."""
    command = commands.add_parser("import", help="import figures from a CSV or Excel file")
    command.add_argument("file", help="the .csv or .xlsx file")
    _type_and_actor(command)
    command.add_argument("--force", action="store_true", help="import a file imported before")
    command.add_argument(
        "--confirm-unusual",
        action="store_true",
        help="accept results far outside an indicator's history (checked by you)",
    )
    command.set_defaults(handler=cmd_import)


def register_export(kinds: Any) -> None:
    """Add `export data` to the export command's kinds."""
    data = kinds.add_parser("data", help="stored figures as .csv or .xlsx, ready to import")
    _type_and_actor(data)
    data.add_argument("--out", required=True, help="the file to write (.csv or .xlsx)")
    add_language_option(data)
    data.set_defaults(handler=cmd_export_data)
