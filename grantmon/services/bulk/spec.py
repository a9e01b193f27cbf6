"""What a bulk file of each data type holds, and how a refused write points at a row and column."""

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
from sqlmodel import Session

from grantmon.i18n import N_, Lazy
from grantmon.services.core.access import Actor
from grantmon.services.core.commands import CommandError
from grantmon.services.core.entry_rules import NumberRange, parse_day, parse_number

HEADER_ROW = 1


@dataclass(frozen=True)
class Problem:
    """Why one cell of the file (row as a spreadsheet numbers it, column by header) was refused."""

    row: int
    column: str
    message: str


class RowProblems(Exception):
    """The problems one group of rows ran into; nothing of theirs is kept."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


@dataclass(frozen=True)
class Column:
    """One column of a data type's file: its header, what to enter, whether it may be blank."""

    name: str
    help: Lazy  # translated when a guide is written, in the reader's language
    required: bool = True


@dataclass(frozen=True)
class GoAhead:
    """How the person tells an import to go ahead anyway, in the words of where they are."""

    import_again: str = N_("ask to import it again on purpose")
    unusual_checked: str = N_("confirm that the unusual values are checked and import again")


ANYWHERE = GoAhead()  # words that fit any place; the screen and the command line pass their own


@dataclass(frozen=True)
class WriteContext:
    """Who writes, on which session, as of which day, and whether unusual values were checked."""

    session: Session
    actor: Actor
    today: date
    confirm_unusual: bool = False
    go_ahead: GoAhead = ANYWHERE


Locate = Callable[[str, pd.DataFrame], tuple[int, str]]


@dataclass(frozen=True)
class DataType:
    """A kind of figures that can go through a file.

    Rows sharing `group_by` are written by one command call (one form's worth of figures);
    `unique_by` columns may not repeat in a file (compared as `comparable` reads them, so
    10.5 and 10.50 are the same amount); `repeat_advice` says what to do about a repeat.
    Groups are written in the order of their `write_order` columns, whatever the file's order.
    """

    name: str
    title: Lazy  # str() of it is in the reader's language
    columns: tuple[Column, ...]
    group_by: tuple[str, ...]
    unique_by: tuple[str, ...]
    export: Callable[[Session, Actor], pd.DataFrame]
    write_group: Callable[[WriteContext, pd.DataFrame], None]
    comparable: Mapping[str, Callable[[str], Any]] = dataclasses.field(default_factory=dict)
    repeat_advice: str = N_("Keep one of the two rows.")
    write_order: tuple[str, ...] = ()

    @property
    def headers(self) -> list[str]:
        """The column headers, in file order."""
        return [c.name for c in self.columns]


def refusal_as_problems(error: CommandError, rows: pd.DataFrame, locate: Locate) -> RowProblems:
    """A command's refusal turned into problems on the rows and columns it concerns."""
    first = int(rows.index[0])
    if not error.field_errors:
        return RowProblems([Problem(first, "", error.message)])
    problems = []
    for field, message in error.field_errors.items():
        row, column = locate(field, rows)
        problems.append(Problem(row, column, message))
    return RowProblems(problems)


def run_command(rows: pd.DataFrame, locate: Locate, command: Callable[[], Any]) -> None:
    """Call one command for these rows; its refusal becomes row problems."""
    try:
        command()
    except CommandError as error:
        raise refusal_as_problems(error, rows, locate) from error


def cell_problems(rows: pd.DataFrame, parsers: dict[str, Callable[[str], Any]]) -> dict:
    """Each row's cells parsed by column, or RowProblems naming every cell that could not be."""
    parsed: dict[int, dict[str, Any]] = {}
    problems = []
    for number, cells in zip(rows.index, rows.to_dict("records"), strict=True):
        parsed[int(number)] = {}
        for column, parse in parsers.items():
            try:
                parsed[int(number)][column] = parse(str(cells[column]))
            except ValueError as error:
                problems.append(Problem(int(number), column, str(error)))
    if problems:
        raise RowProblems(problems)
    return parsed


def optional_day(text: str) -> date | None:
    """A date in ISO (2025-03-31) or dd/mm/yyyy, or None when blank."""
    return parse_day(text) if text.strip() else None


def optional_whole(allowed: NumberRange) -> Callable[[str], int | None]:
    """A parser of a whole number within `allowed`, None when blank (for cell_problems)."""

    def parse(text: str) -> int | None:
        number = parse_number(text, allowed)
        return None if number is None else int(number)

    return parse


def blank_as_none(text: str) -> str | None:
    """The text, or None when blank."""
    return text.strip() or None


def first_row_of(rows: pd.DataFrame) -> int:
    """The spreadsheet row number of the group's first row."""
    return int(rows.index[0])


def row_where(rows: pd.DataFrame, **values: str) -> int:
    """The first row whose columns hold these values (the group's first row if none)."""
    match = rows
    for column, value in values.items():
        match = match[match[column].str.strip() == value]
    return int((match if len(match) else rows).index[0])
