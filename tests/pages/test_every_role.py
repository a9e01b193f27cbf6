"""Every screen renders for every role allowed to open it, once every kind of audit row exists
(sign-ins without before or after, creations, updates, imports); the others are not registered."""

from collections.abc import Iterator

import pytest

from grantmon.services.core.access import Actor
from grantmon.ui.navigation import screens
from tests.pages import audit_rows
from tests.pages.apptest import run_page
from tests.pages.conftest import app_on_demo_data

ROLES = {
    "admin@example.org": "administrator",
    "me.officer@example.org": "m&e officer",
    "manager.ilo@example.org": "programme manager",
    "viewer@example.org": "viewer",
    "donor@example.org": "donor",
}
CASES = [(email, screen) for email in ROLES for screen in screens()]


@pytest.fixture(scope="module")
def audited_app(tmp_path_factory) -> Iterator[None]:
    """One seeded SQLite database for the whole matrix (the services tests cover PostgreSQL)."""
    with app_on_demo_data(tmp_path_factory.mktemp("roles"), audit_rows.every_kind):
        yield


@pytest.mark.parametrize(
    "email, screen", CASES, ids=[f"{e.split('@')[0]}-{s.name}" for e, s in CASES]
)
def test_screen_for_role(audited_app, email, screen):
    page = f"pages/{screen.name}.py"
    if not screen.allowed(Actor(email=email, role=ROLES[email])):
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            run_page(page, view_as=email)
        return
    app = run_page(page, view_as=email)
    assert app.title[0].value == screen.title
