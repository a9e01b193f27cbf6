"""Users and their roles, the append-only audit log, and the data version."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from data_model.common import utc_now


class Role(StrEnum):
    """What a person may see and change."""

    ADMIN = "administrator"
    ME_OFFICER = "m&e officer"
    MANAGER = "programme manager"
    VIEWER = "viewer"
    DONOR = "donor"


class User(SQLModel, table=True):
    """A person allowed into the dashboard, with a role and an optional partner/region scope."""

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True)
    display_name: str = Field(default="", max_length=200)
    role: str = Field(max_length=20)
    partner_id: int | None = Field(default=None, foreign_key="partner.id")
    region_code: str | None = Field(default=None, foreign_key="region.iso_code", max_length=5)
    active: bool = True
    created_at: datetime = Field(default_factory=utc_now)
    language: str | None = Field(default=None, max_length=5)  # chosen in the dashboard: en, fr
    # The identity provider ([auth] or [auth.NAME]) that alone may sign this person in.
    provider: str | None = Field(default=None, max_length=40)


class AuditEntry(SQLModel, table=True):
    """One change: who, when, what before and after, and why. Rows are only ever added."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utc_now, index=True)
    actor: str = Field(max_length=254, index=True)
    action: str = Field(max_length=40)
    entity: str = Field(max_length=40, index=True)
    entity_id: str = Field(default="", max_length=254)  # may be an e-mail address
    before: str | None = Field(default=None, sa_column=Column(Text))
    after: str | None = Field(default=None, sa_column=Column(Text))
    reason: str = Field(default="", max_length=2000)


class DataVersion(SQLModel, table=True):
    """A counter every write bumps, so every server process can tell its caches are stale."""

    id: int = Field(default=1, primary_key=True)
    version: int = 0
    changed_at: datetime = Field(default_factory=utc_now)


class ImportBatch(SQLModel, table=True):
    """One file imported in bulk: its fingerprint recognises the same file imported twice."""

    id: int | None = Field(default=None, primary_key=True)
    data_type: str = Field(max_length=30)
    file_name: str = Field(max_length=255)
    sha256: str = Field(max_length=64, index=True)
    rows: int = Field(ge=0)
    imported_by: str = Field(max_length=254)
    imported_at: datetime = Field(default_factory=utc_now)
    forced: bool = False


class SignInSession(SQLModel, table=True):
    """One sign-in through the identity provider, kept so that it can end on the server."""

    # The identity cookie lives in the browser for 30 days and is checked by nobody: this row
    # is what sign-out, withdrawn access and the idle and maximum ages end.
    id: str = Field(primary_key=True, max_length=64)  # a digest of the ID token's identity
    email: str = Field(max_length=254, index=True)
    provider: str = Field(default="", max_length=40)
    started_at: datetime = Field(default_factory=utc_now)
    last_seen_at: datetime = Field(default_factory=utc_now)
    ended_at: datetime | None = None
    end_reason: str | None = Field(default=None, max_length=20)


class ApiToken(SQLModel, table=True):
    """A key to the read API for one user: it acts as that user, until it expires or is revoked."""

    # Only a digest of the secret is kept: the token itself is shown once, when it is issued.
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    secret_sha256: str = Field(max_length=64, unique=True)
    label: str = Field(default="", max_length=100)
    created_by: str = Field(max_length=254)
    created_at: datetime = Field(default_factory=utc_now)
    expires_at: datetime
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None
    revoked_by: str | None = Field(default=None, max_length=254)
