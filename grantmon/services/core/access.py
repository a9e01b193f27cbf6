"""Who is acting, and what their role lets them see and change."""

from dataclasses import dataclass

from data_model import Role
from grantmon.i18n import N_

UNAPPROVED_READERS = frozenset({Role.ADMIN, Role.ME_OFFICER, Role.MANAGER, Role.VIEWER})
DATA_ENTRY_ROLES = frozenset({Role.ADMIN, Role.MANAGER})


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


# Every page, slide or row of a file made for another role than the donor's says so.
INTERNAL = N_("INTERNAL, NOT FOR THE DONOR")

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
