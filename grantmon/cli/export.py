"""`grantmon export ...`: the briefing pack and the indicator table, for scheduled use.

    grantmon export briefing --format pdf|pptx [--period 2025Q3] [--role donor] [--lang fr]
        --out FILE
    grantmon export iptt [--period 2025Q3] [--role donor] [--lang fr] --out FILE.xlsx|FILE.csv
    grantmon export iati --out FILE.xml

Both are the donor's view unless another role is asked for with --role; a file for another role
holds figures the donor does not see and is marked "internal, not for the donor" (every page and
slide of a pack, every row of the table). The IATI file is always the donor's view, checked
against the IATI 2.03 activity schema before it is written (a file that fails is never written).

Bad input (unknown period, format or role, an output path that cannot be written) ends in one
clear line on stderr and exit code 2, before any work is done.
"""

import argparse
import os
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from data_model import Role
from grantmon.cli.language import add_language_option
from grantmon.i18n import t
from grantmon.services.core.access import Actor
from grantmon.services.core.filters import Filters, filter_options
from grantmon.vocabulary import INTERNAL

BRIEFING_FORMATS = ("pdf", "pptx")
IPTT_FORMATS = ("xlsx", "csv")
ROLES = {"admin": Role.ADMIN, "me-officer": Role.ME_OFFICER, "manager": Role.MANAGER}
ROLES |= {"viewer": Role.VIEWER, "donor": Role.DONOR}


class BadInput(ValueError):
    """A command-line value that cannot be used; its message is the one line the user sees."""


def _actor(role: str) -> Actor:
    if role not in ROLES:
        raise BadInput(f"unknown role {role!r}: use one of {', '.join(ROLES)}")
    return Actor(email="grantmon export (command line)", role=ROLES[role])


def _filters(session: Session, actor: Actor, period: str | None) -> Filters:
    """Every quarter of the award up to `period` (default: up to the current quarter)."""
    options = filter_options(session=session, actor=actor)
    defaults = options.defaults()
    if period is None:
        return defaults
    if period not in options.quarters:
        raise BadInput(
            f"unknown period {period!r}: use a quarter of the award, "
            f"{options.quarters[0]} to {options.quarters[-1]}"
        )
    return replace(defaults, end=period)


def writable_path(out: str, formats: tuple[str, ...], fmt: str | None = None) -> tuple[Path, str]:
    """The output path and its format, or BadInput before any work is done."""
    path = Path(out)
    kind = (fmt or path.suffix.lstrip(".")).lower()
    if kind not in formats:
        raise BadInput(f"unknown format {kind or out!r}: use {' or '.join(formats)}")
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir() or not folder.is_dir() or not os.access(folder, os.W_OK):
        raise BadInput(f"cannot write {out}: the folder does not exist or is not writable")
    return path, kind


def save_file(path: Path, data: bytes) -> None:
    """Write the file, or BadInput in one line."""
    try:
        path.write_bytes(data)
    except OSError as error:
        raise BadInput(f"cannot write {path}: {error.strerror}") from error


def cmd_export_briefing(args: argparse.Namespace, engine: Engine) -> int:
    """Build the briefing pack (default charts) and write it as PDF or PowerPoint."""
    from grantmon.charts.images import image_browser, stop_image_browser

    try:
        path, kind = writable_path(args.out, BRIEFING_FORMATS, args.format)
        actor = _actor(args.role)
        with Session(engine) as session:
            filters = _filters(session, actor, args.period)
        # Started only once the input holds, so that a refusal never leaves a browser
        # half-started; it starts in the background while the pack's modules load.
        image_browser()
        from grantmon.services.briefing.files import briefing_pdf, briefing_pptx, default_audience
        from grantmon.services.briefing.pack import collect_briefing

        with Session(engine) as session:
            pack = collect_briefing(
                session=session,
                actor=actor,
                filters=filters,
                today=date.today(),
                prepared_for=args.prepared_for or default_audience(actor),
            )
        save_file(path, briefing_pdf(pack) if kind == "pdf" else briefing_pptx(pack))
    except BadInput as error:
        stop_image_browser()  # before exit removes its profile folder under it
        return _refuse(error)
    print(f"Briefing pack written to {path} ({len(pack.charts)} charts){_marked(actor)}.")
    return 0


def cmd_export_iptt(args: argparse.Namespace, engine: Engine) -> int:
    """Write the indicator tracking table as an Excel workbook or CSV (from the file suffix)."""
    from grantmon.services.results.iptt import (
        iptt_csv,
        iptt_for_file,
        iptt_notes,
        iptt_table,
        iptt_xlsx,
    )

    try:
        path, kind = writable_path(args.out, IPTT_FORMATS)
        actor = _actor(args.role)
        with Session(engine) as session:
            filters = _filters(session, actor, args.period)
            table = iptt_table(session=session, actor=actor, filters=filters, today=date.today())
            table = iptt_for_file(table, actor)
            notes = iptt_notes(session=session, actor=actor, filters=filters)
        save_file(path, iptt_xlsx(table, notes=notes) if kind == "xlsx" else iptt_csv(table))
    except BadInput as error:
        return _refuse(error)
    print(f"Indicator tracking table written to {path} ({len(table)} rows){_marked(actor)}.")
    return 0


def cmd_export_iati(args: argparse.Namespace, engine: Engine) -> int:
    """Write the award as one IATI 2.03 activity file, validated against the schema."""
    from grantmon.services.publication.iati import InvalidIati, iati_activities

    try:
        path, _ = writable_path(args.out, ("xml",))
        with Session(engine) as session:
            document = iati_activities(session=session, actor=_actor("donor"))
        save_file(path, document)
    except InvalidIati as error:
        print(
            f"grantmon export: the file does not validate, nothing written: {error}",
            file=sys.stderr,
        )
        return 1
    except BadInput as error:
        return _refuse(error)
    print(f"IATI activity file (2.03, validated) written to {path}.")
    return 0


def _marked(actor: Actor) -> str:
    return "" if actor.is_donor else f", marked {t(INTERNAL)}"


def _refuse(error: BadInput) -> int:
    print(f"grantmon export: {error}", file=sys.stderr)
    return 2


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--period", help="last quarter to include, e.g. 2025Q3 (default: now)")
    parser.add_argument(
        "--role",
        default="donor",
        help=f"whose view to export: {', '.join(ROLES)} (donor; any other is marked internal)",
    )
    parser.add_argument("--out", required=True, help="the file to write")
    add_language_option(parser)


def register(commands: Any) -> Any:
    """Add `export briefing` and `export iptt`; return the export kinds to add more to."""
    export = commands.add_parser("export", help="briefing pack and indicator table files")
    kinds = export.add_subparsers(dest="export", required=True)
    briefing = kinds.add_parser("briefing", help="briefing pack as PDF or PowerPoint")
    briefing.add_argument("--format", default="pdf", help="pdf or pptx (default pdf)")
    briefing.add_argument(
        "--prepared-for",
        help="the pack's audience (default: U.S. Embassy Rabat and J/TIP; IOM staff for a role "
        "other than donor)",
    )
    _common(briefing)
    briefing.set_defaults(handler=cmd_export_briefing)
    iptt = kinds.add_parser("iptt", help="indicator tracking table as .xlsx or .csv")
    _common(iptt)
    iptt.set_defaults(handler=cmd_export_iptt)
    iati = kinds.add_parser("iati", help="the award as an IATI 2.03 activity file (.xml)")
    iati.add_argument("--out", required=True, help="the .xml file to write")
    iati.set_defaults(handler=cmd_export_iati)
    return kinds
