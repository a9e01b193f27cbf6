"""Import a file of figures all-or-nothing, export them, and hand out templates."""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import Executable, select
from sqlmodel import Session, col

from data_model import ImportBatch
from data_model.common import utc_now
from grantmon.formatting import date_time, number
from grantmon.i18n import N_, t
from grantmon.services.bulk.centres import CENTRES
from grantmon.services.bulk.files import file_format, read_table, table_bytes
from grantmon.services.bulk.milestones import MILESTONES
from grantmon.services.bulk.reintegration import REINTEGRATION
from grantmon.services.bulk.results import INDICATOR_RESULTS
from grantmon.services.bulk.spec import (
    ANYWHERE,
    HEADER_ROW,
    DataType,
    GoAhead,
    Problem,
    RowProblems,
    WriteContext,
)
from grantmon.services.bulk.spending import EXPENDITURES
from grantmon.services.core.access import DATA_ENTRY_ROLES, Actor, command, readable_by
from grantmon.services.core.commands import (
    CommandError,
    NotAllowed,
    batch_of_commands,
    record_change,
)
from grantmon.services.core.sql import frame

DATA_TYPES = {
    d.name: d for d in (MILESTONES, INDICATOR_RESULTS, EXPENDITURES, CENTRES, REINTEGRATION)
}


class ImportRefused(CommandError):
    """The file was refused as a whole; `problems` lists every row and column at fault."""

    def __init__(self, message: str, problems: list[Problem]) -> None:
        super().__init__(message)
        self.problems = problems


@dataclass(frozen=True)
class ImportResult:
    """What an accepted file changed."""

    rows: int
    groups: int
    batch_id: int


def data_type(name: str) -> DataType:
    """The data type of that name, or a refusal listing the names."""
    if name not in DATA_TYPES:
        raise CommandError(
            t(
                "Unknown data type '{name}': use one of {names}.",
                name=name,
                names=", ".join(DATA_TYPES),
            )
        )
    return DATA_TYPES[name]


def _ensure_enters_data(actor: Actor) -> None:
    if not actor.enters_data:
        raise NotAllowed(t("Your role does not let you import or export figures for entry."))


def template(name: str, fmt: str) -> bytes:
    """An empty file of the data type (its header; in Excel, a Guide sheet on each column)."""
    kind = data_type(name)
    guide = [
        (c.name, str(c.help) + ("" if c.required else " " + t("(May be blank.)")))
        for c in kind.columns
    ]
    return table_bytes(pd.DataFrame(columns=kind.headers), fmt, guide=guide)


@readable_by(DATA_ENTRY_ROLES, N_("the figures exported for entry"))
def export_data(*, session: Session, actor: Actor, name: str, fmt: str) -> bytes:
    """The stored figures of the data type this actor may change, as a file to edit and import."""
    _ensure_enters_data(actor)
    kind = data_type(name)
    return table_bytes(kind.export(session, actor), fmt, guide=None)


def fingerprint(content: bytes) -> str:
    """The file's SHA-256, which recognises the same file imported again."""
    return hashlib.sha256(content).hexdigest()


def header_problems(table: pd.DataFrame, kind: DataType) -> list[Problem]:
    """Columns missing from the file, or not of this data type."""
    present = list(table.columns)
    problems = [
        Problem(HEADER_ROW, c.name, t("This required column is missing."))
        for c in kind.columns
        if c.required and c.name not in present
    ]
    problems += [
        Problem(
            HEADER_ROW,
            name or t("(blank)"),
            t("Unknown column: expected {names}.", names=", ".join(kind.headers)),
        )
        for name in present
        if name not in kind.headers
    ]
    if len(set(present)) != len(present):
        problems.append(Problem(HEADER_ROW, "", t("A column appears twice.")))
    return problems


def blank_problems(table: pd.DataFrame, kind: DataType) -> list[Problem]:
    """Required cells left blank."""
    return [
        Problem(int(str(number)), c.name, t("This cell must not be blank."))
        for c in kind.columns
        if c.required
        for number in table.index[table[c.name].str.strip() == ""]
    ]


def repeat_problems(table: pd.DataFrame, kind: DataType) -> list[Problem]:
    """Rows that repeat an earlier row's key, each naming the row it repeats."""
    if not kind.unique_by:
        return []
    keys = [
        [_comparable(text, kind.comparable.get(name)) for text in table[name]]
        for name in kind.unique_by
    ]
    first_of: dict[tuple, int] = {}
    problems = []
    for row, key in zip(table.index, zip(*keys, strict=True), strict=True):
        first = first_of.setdefault(key, int(str(row)))
        if first != row:
            message = t(
                "This row repeats row {first} (the same {columns}). {advice}",
                first=first,
                columns=", ".join(kind.unique_by),
                advice=t(kind.repeat_advice),
            )
            problems.append(Problem(int(str(row)), kind.unique_by[-1], message))
    return problems


def _comparable(text: str, read: Callable[[str], Any] | None) -> Any:
    # A cell as the import would read it, or its text if it cannot be read (refused later).
    if read is not None:
        try:
            return read(text)
        except ValueError:
            pass
    return text.strip()


def _groups(table: pd.DataFrame, kind: DataType) -> list[pd.DataFrame]:
    if not kind.group_by:
        return [table.loc[[n]] for n in table.index]
    keys = table[list(kind.group_by)].apply(lambda c: c.str.strip())
    by = list(kind.group_by) if len(kind.group_by) > 1 else kind.group_by[0]
    groups = [table.loc[index] for index in keys.groupby(by, sort=False).groups.values()]
    order = list(kind.write_order)
    return sorted(groups, key=lambda rows: [str(v).strip() for v in rows[order].iloc[0]])


def parse_file(
    file_name: str, content: bytes, kind: DataType
) -> tuple[pd.DataFrame, list[Problem]]:
    """The file's rows with every column of the type, and its blank or repeated rows.

    A file whose columns do not match the type is refused at once (ImportRefused).
    """
    table = read_table(file_name, content)
    problems = header_problems(table, kind)
    if problems:
        raise ImportRefused(t("The file's columns do not match the template."), problems)
    for column in kind.headers:
        if column not in table.columns:
            table[column] = ""
    return table[kind.headers], blank_problems(table, kind) + repeat_problems(table, kind)


def _refuse_if_imported(session: Session, digest: str, name: str, go_ahead: GoAhead) -> None:
    earlier = session.execute(
        select(ImportBatch)
        .where(col(ImportBatch.sha256) == digest, col(ImportBatch.data_type) == name)
        .order_by(col(ImportBatch.id))
    ).scalar()
    if earlier is not None:
        raise CommandError(
            t(
                "This file was already imported by {who} on {when} ({rows} rows), so nothing "
                "was imported. To import it again anyway, {how}.",
                who=earlier.imported_by,
                when=date_time(earlier.imported_at) + " UTC",
                rows=number(earlier.rows),
                how=t(go_ahead.import_again),
            )
        )


def _write_groups(
    context: WriteContext,
    kind: DataType,
    groups: list[pd.DataFrame],
    progress: Callable[[float], None],
) -> list[Problem]:
    problems: list[Problem] = []
    for done, rows in enumerate(groups, start=1):
        try:
            kind.write_group(context, rows)
        except RowProblems as refused:
            problems += refused.problems
        progress(done / len(groups))
    return problems


@command
def import_file(
    *,
    session: Session,
    actor: Actor,
    name: str,
    file_name: str,
    content: bytes,
    today: date,
    force: bool = False,
    confirm_unusual: bool = False,
    progress: Callable[[float], None] = lambda _: None,
    go_ahead: GoAhead = ANYWHERE,
) -> ImportResult:
    """Validate every row and write them all in one transaction, or write nothing and say why.

    `go_ahead` words how to import again or confirm unusual values where the person is.
    """
    _ensure_enters_data(actor)
    kind = data_type(name)
    file_format(file_name)
    digest = fingerprint(content)
    if not force:
        _refuse_if_imported(session, digest, name, go_ahead)
    table, problems = parse_file(file_name, content, kind)
    groups = _groups(table, kind)
    # Groups holding a blank or repeated row are not tried: the rest still are, so one
    # report lists every problem of the file.
    tried = [g for g in groups if not {p.row for p in problems} & set(g.index)]
    context = WriteContext(session, actor, today, confirm_unusual, go_ahead)
    try:
        with batch_of_commands(session, source=file_name):
            problems += _write_groups(context, kind, tried, progress)
        if problems:
            raise _refusal(problems)
        return _record_batch(
            session, actor, kind, file_name, digest, len(table), len(groups), force
        )
    except BaseException:
        session.rollback()
        raise


def _refusal(problems: list[Problem]) -> ImportRefused:
    problems = sorted(problems, key=lambda p: (p.row, p.column))
    message = t("{count} problems; nothing was imported.", count=len(problems))
    if len(problems) == 1:
        message = t("1 problem; nothing was imported.")
    return ImportRefused(message, problems)


def _record_batch(
    session: Session,
    actor: Actor,
    kind: DataType,
    file_name: str,
    digest: str,
    rows: int,
    groups: int,
    force: bool,
) -> ImportResult:
    batch = ImportBatch(
        data_type=kind.name,
        file_name=file_name[:255],
        sha256=digest,
        rows=rows,
        imported_by=actor.email,
        imported_at=utc_now(),
        forced=force,
    )
    session.add(batch)
    session.flush()
    record_change(
        session,
        actor=actor,
        action="import",
        entity="file",
        entity_id=batch.id,
        before=None,
        after={
            "data_type": kind.name,
            "file_name": batch.file_name,
            "rows": rows,
            "sha256": digest,
        },
        reason=t("Imported again on purpose.") if force else "",
    )
    session.commit()
    return ImportResult(rows=rows, groups=groups, batch_id=int(batch.id or 0))


def problems_table(problems: list[Problem]) -> pd.DataFrame:
    """The problems as a table of row, column and problem."""
    return pd.DataFrame(
        [(p.row, p.column, p.message) for p in problems],
        columns=[t("Row"), t("Column"), t("Problem")],
    )


@readable_by(DATA_ENTRY_ROLES, N_("the files imported"))
def recent_imports(*, session: Session, actor: Actor) -> pd.DataFrame:
    """The latest files imported (any type), newest first."""
    _ensure_enters_data(actor)
    query: Executable = (
        select(
            col(ImportBatch.imported_at),
            col(ImportBatch.data_type),
            col(ImportBatch.file_name),
            col(ImportBatch.rows),
            col(ImportBatch.imported_by),
            col(ImportBatch.forced),
        )
        .order_by(col(ImportBatch.id).desc())
        .limit(20)
    )
    return frame(session, query)
