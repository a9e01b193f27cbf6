"""Who is acting, and what their role lets them see."""

from dataclasses import dataclass

from data_model import Role

UNAPPROVED_READERS = frozenset({Role.ADMIN, Role.ME_OFFICER, Role.MANAGER, Role.VIEWER})


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
    def may_see_unapproved(self) -> bool:
        """IOM staff may include figures not yet approved, marked as such."""
        return self.role in UNAPPROVED_READERS


LOCAL_ACTOR = Actor(email="local user", role=Role.ADMIN)
