"""Who is acting, and what their role lets them see and change."""

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

from data_model import Role
from grantmon.i18n import t
from grantmon.vocabulary import word

P = ParamSpec("P")
R = TypeVar("R")

UNAPPROVED_READERS = frozenset({Role.ADMIN, Role.ME_OFFICER, Role.MANAGER, Role.VIEWER})
DATA_ENTRY_ROLES = frozenset({Role.ADMIN, Role.MANAGER})
# Who a service read may be declared for (see readable_by).
EVERYONE = frozenset(Role)  # donors included: what they read passes through privacy
STAFF = EVERYONE - {Role.DONOR}  # true and unapproved figures, the entry grids, audit trails
ADMINISTRATORS = frozenset({Role.ADMIN})  # who has access, and the whole audit log


@dataclass(frozen=True)
class Actor:
    """The person a query or command runs for (hashable, so it can key a cache)."""

    email: str
    role: str
    partner_id: int | None = None
    region_code: str | None = None

    @property
    def is_donor(self) -> bool:
        """Donor readers see approved, suppressed figures only."""
        return self.role == Role.DONOR

    @property
    def enters_data(self) -> bool:
        """Administrators and programme managers keep figures current."""
        return self.role in DATA_ENTRY_ROLES

    @property
    def may_see_unapproved(self) -> bool:
        """IOM staff may include figures not yet approved, marked as such."""
        return self.role in UNAPPROVED_READERS


LOCAL_ACTOR = Actor(email="local user", role=Role.ADMIN)


def may_edit(actor: Actor, *, partner_id: int, region_codes: set[str]) -> bool:
    """Administrators edit everything; a programme manager only their partner's (and region's)."""
    if actor.role == Role.ADMIN:
        return True
    if actor.role != Role.MANAGER:
        return False
    if actor.partner_id is not None and actor.partner_id != partner_id:
        return False
    return actor.region_code is None or actor.region_code in region_codes


class ReadRefused(PermissionError):
    """A read was asked for by a role it is not declared for; the message names the read."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Readers:
    """A read's declaration: the roles that may call it, and the read in the user's words."""

    roles: frozenset[str]
    what: str


_READERS = "grantmon_readers"
_COMMAND = "grantmon_command"


def readable_by(
    roles: frozenset[str], what: str = ""
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Declare the roles that may call a service read; it refuses any other actor (ReadRefused).

    `what` names the read for the refusal (marked with N_); a read for everyone needs none.
    """
    if roles != EVERYONE and not what:
        raise ValueError("a read closed to some roles names itself in `what`")
    readers = Readers(frozenset(roles), what)

    def declare(read: Callable[P, R]) -> Callable[P, R]:
        if readers.roles == EVERYONE:  # nobody to refuse: the declaration alone
            setattr(read, _READERS, readers)
            return read
        position = list(inspect.signature(read).parameters).index("actor")

        @functools.wraps(read)
        def checked(*args: P.args, **kwargs: P.kwargs) -> R:
            actor = kwargs.get("actor", args[position] if position < len(args) else None)
            _refuse_unless_reader(readers, actor)
            return read(*args, **kwargs)

        setattr(checked, _READERS, readers)
        return checked

    return declare


def _refuse_unless_reader(readers: Readers, actor: Any) -> None:
    """Raise ReadRefused unless the actor's role is one the read is declared for."""
    role = actor.role if isinstance(actor, Actor) else None
    if role not in readers.roles:
        raise ReadRefused(
            t(
                "Your role ({role}) does not let you see {what}.",
                role=word(role) if role else t("none"),
                what=t(readers.what),
            )
        )


def readers_of(read: Callable[..., Any]) -> Readers | None:
    """The declaration of a service read, or None when it has none."""
    found = getattr(read, _READERS, None)
    return found if isinstance(found, Readers) else None


def may_read(read: Callable[..., Any], actor: Actor) -> bool:
    """Whether the actor may call this declared read: screens leave out what it would refuse."""
    readers = readers_of(read)
    if readers is None:
        raise TypeError(f"{read.__qualname__} declares no readers (readable_by)")
    return actor.role in readers.roles


def command(change: Callable[P, R]) -> Callable[P, R]:
    """Declare a write: it changes data inside a command that checks the actor's permission."""
    setattr(change, _COMMAND, True)
    return change


def is_command(function: Callable[..., Any]) -> bool:
    """Whether a function is declared a command (see command)."""
    return getattr(function, _COMMAND, False) is True
