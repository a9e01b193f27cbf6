"""Every kind of audit row, written through the commands that write them."""

from datetime import UTC, date, datetime

from sqlalchemy import Engine
from sqlmodel import Session

from data_model import Role
from grantmon.services.bulk.importer import DATA_TYPES, export_data, import_file
from grantmon.services.core.access import Actor
from grantmon.services.core.sessions import check_sign_in, end_sign_in, sign_in_key
from grantmon.services.core.users import UserCreate, add_user, remove_user

ADMIN = Actor(email="admin@example.org", role=Role.ADMIN)


def import_exports(
    engine: Engine, source: Engine, names: tuple[str, ...] = tuple(DATA_TYPES)
) -> None:
    """Round-trip imports: each data type exported from `source`, imported here."""
    for name in names:
        with Session(source) as session:
            content = export_data(session=session, actor=ADMIN, name=name, fmt="csv")
        with Session(engine) as session:
            import_file(session=session, actor=ADMIN, name=name, file_name=f"{name}.csv",
                        content=content, today=date.today(), confirm_unusual=True)  # fmt: skip


def sessions_and_users(engine: Engine) -> None:
    """A sign-in and its sign-out (no before or after), a person given access and removed."""
    claims = {"iss": "https://id.example", "sub": "a", "nonce": "audit-rows"}
    key = sign_in_key(claims)
    with Session(engine) as session:
        now = datetime.now(UTC)
        check_sign_in(session=session, actor=ADMIN, key=key, provider="default", issued=now)
    with Session(engine) as session:
        end_sign_in(session=session, actor=ADMIN, key=key)
    with Session(engine) as session:
        add_user(session=session, actor=ADMIN, user=UserCreate(email="new@example.org",
                 role="viewer"))  # fmt: skip
    with Session(engine) as session:
        remove_user(session=session, actor=ADMIN, email="new@example.org")


def every_kind(engine: Engine) -> None:
    """In a database with figures: an import of updates, sessions, users given and removed."""
    # Only the milestones: the demo's approved quarters refuse figures (the plan-only database
    # of tests/pages/test_audit_log.py takes all five types, as creations).
    import_exports(engine, engine, names=("milestones",))
    sessions_and_users(engine)
