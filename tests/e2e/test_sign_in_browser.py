"""Sign-in through two real OpenID Connect providers, in Chromium: npm's oidc-provider (through
a single [auth] section with client_kwargs, and a named one) and oidc-provider-mock (named)."""

import json
import os
import secrets
import shutil
import subprocess
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlmodel import Session

from data_model.db import make_engine
from grantmon.services.core.audit import audit_log
from grantmon.services.core.users import bind_user, unbound_users
from tests.conftest import skip_or_fail
from tests.e2e.conftest import (
    ROOT,
    free_port,
    screenshot,
    seeded_database,
    shown_with_address,
    start_dashboard,
)
from tests.e2e.test_screens_browser import wait_for_screen
from tests.pages.audit_rows import ADMIN

pytestmark = pytest.mark.browser
provider_mock = pytest.importorskip("oidc_provider_mock")

NODE_PROVIDER = ROOT / "tests" / "e2e" / "oidc_node"
CLIENT_SECRET = secrets.token_hex(16)
# People at the providers: their ID token claims (roles come from the dashboard's users table).
PEOPLE: dict[str, dict] = {
    "manager.iom@example.org": {"email_verified": True, "groups": ["iom"]},
    "admin@example.org": {"email_verified": True},
    "donor@example.org": {"email_verified": True},
    "stranger@example.net": {"email_verified": True},
    # Someone who typed the administrator's address at the provider without owning it.
    "impostor": {"email": "admin@example.org", "email_verified": False},
}


def claims(login: str) -> dict:
    return {"email": login, "name": login.split("@")[0], **PEOPLE[login]}


@pytest.fixture(scope="module")
def ports() -> dict[str, int]:
    """The ports of the dashboards, registered with the providers before they start."""
    return {"single": free_port(), "named": free_port(), "down": free_port()}


def callback(port: int) -> str:
    return f"http://localhost:{port}/oauth2callback"


@pytest.fixture(scope="module")
def node_provider(ports) -> Iterator[str]:
    """npm oidc-provider 9 on localhost (installed by .ci/run: npm ci in tests/e2e/oidc_node)."""
    node = shutil.which("node")
    if node is None or not (NODE_PROVIDER / "node_modules" / "oidc-provider").exists():
        skip_or_fail("npm oidc-provider is not installed: `npm ci --prefix tests/e2e/oidc_node`.")
    port = free_port()
    redirects = [callback(p) for p in ports.values()]
    config = {
        "port": port,
        "clients": [{"client_id": "grantmon", "client_secret": CLIENT_SECRET,
                     "redirect_uris": redirects, "post_logout_redirect_uris": redirects}],
        "users": {login: claims(login) for login in PEOPLE},
    }  # fmt: skip
    process = subprocess.Popen(
        [str(node), "provider.mjs"],
        cwd=NODE_PROVIDER,
        env={**os.environ, "OIDC_CONFIG": json.dumps(config)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    while "listening on" not in (line := process.stdout.readline()):
        assert line, "the OpenID Connect provider did not start"
    yield f"http://localhost:{port}"
    process.terminate()
    process.wait(timeout=20)


@pytest.fixture(scope="module")
def mock_provider() -> Iterator[str]:
    """oidc-provider-mock on localhost, with the same people."""
    users = [
        provider_mock.User(sub=login, claims=claims(login)) for login in PEOPLE if "@" in login
    ]
    with provider_mock.run_server_in_thread(port=free_port(), user_claims=users) as server:
        yield f"http://localhost:{server.server_port}"


def provider_settings(url: str, **extra: str) -> str:
    lines = [
        'client_id = "grantmon"',
        f'client_secret = "{CLIENT_SECRET}"',
        f'server_metadata_url = "{url}/.well-known/openid-configuration"',
        *extra.values(),
    ]
    return "\n".join(lines)


# oidc-provider refuses Streamlit's default prompt=select_account; groups is its own scope.
NODE_KWARGS = 'client_kwargs = { prompt = "login", scope = "openid email profile groups" }'


def serve(
    folder: Path, port: int, secrets_toml: str, bindings: dict[str, str] | None = None
) -> tuple[subprocess.Popen, str]:
    """The dashboard on a seeded database with these secrets, people bound to providers."""
    (folder / ".streamlit").mkdir()
    shutil.copy(ROOT / ".streamlit" / "config.toml", folder / ".streamlit" / "config.toml")
    (folder / ".streamlit" / "secrets.toml").write_text(secrets_toml)
    DATABASES[f"http://localhost:{port}"] = database = seeded_database(folder)
    if bindings:
        bind_everyone(database, bindings)
    return start_dashboard(database, cwd=folder, port=port)


def bind_everyone(database: str, bindings: dict[str, str]) -> None:
    """Bind each demo person to a provider: the one named for them, else the first one."""
    engine = make_engine(database)
    providers = sorted(set(bindings.values()))
    with Session(engine) as session:
        for email in unbound_users(session=session, actor=ADMIN):
            provider = bindings.get(email, next(iter(bindings.values())))
            bind_user(session=session, actor=ADMIN, email=email, provider=provider,
                      providers=providers)  # fmt: skip
    engine.dispose()


DATABASES: dict[str, str] = {}  # each dashboard's database, by its address


def audited(app_url: str, action: str, who: str) -> int:
    """How many audit rows of this action and person the dashboard's database holds."""
    engine = make_engine(DATABASES[app_url])
    with Session(engine) as session:
        rows = audit_log(session=session, actor=ADMIN)
    engine.dispose()
    return int(((rows["action"] == action) & (rows["actor"] == who)).sum())


def shared(port: int) -> str:
    return f'redirect_uri = "{callback(port)}"\ncookie_secret = "{secrets.token_hex(32)}"'


@pytest.fixture(scope="module")
def single_app(node_provider, ports, tmp_path_factory) -> Iterator[str]:
    """One provider directly under [auth], with client_kwargs."""
    port = ports["single"]
    toml = f"[auth]\n{shared(port)}\n{provider_settings(node_provider, kwargs=NODE_KWARGS)}\n"
    process, url = serve(tmp_path_factory.mktemp("single"), port, toml)
    yield url
    process.terminate()
    process.wait(timeout=20)


@pytest.fixture(scope="module")
def named_app(node_provider, mock_provider, ports, tmp_path_factory) -> Iterator[str]:
    """Two named providers: [auth.iom] (oidc-provider, client_kwargs) and [auth.embassy]."""
    port = ports["named"]
    iom = provider_settings(node_provider, kwargs=NODE_KWARGS, label='label = "IOM"')
    embassy = provider_settings(mock_provider, label='label = "Embassy"')
    toml = f"[auth]\n{shared(port)}\n\n[auth.iom]\n{iom}\n\n[auth.embassy]\n{embassy}\n"
    # Neither provider names its domains: each person signs in through their own only.
    bindings = {"admin@example.org": "iom", "donor@example.org": "embassy"}
    process, url = serve(tmp_path_factory.mktemp("named"), port, toml, bindings)
    yield url
    process.terminate()
    process.wait(timeout=20)


def sign_in_at_node_provider(tab, login: str) -> None:
    """oidc-provider's own pages: any password, then consent."""
    tab.locator('input[name="login"]').fill(login)
    tab.locator('input[name="password"]').fill("any password")
    tab.get_by_role("button", name="Sign-in").click()
    tab.get_by_role("button", name="Continue").click()


def sign_in_at_mock(tab, login: str) -> None:
    """oidc-provider-mock's page: the subject, then Authorize."""
    tab.locator('input[name="sub"]').first.fill(login)
    tab.get_by_role("button", name="Authorize").click()


def test_a_deep_link_survives_signing_in_through_a_single_auth_section(browser, single_app):
    tab = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
    tab.goto(f"{single_app}/update_milestones?region=MA-04")
    tab.get_by_role("button", name="Sign in", exact=True).wait_for(timeout=30_000)
    screenshot(tab, "sign-in")
    tab.get_by_role("button", name="Sign in", exact=True).click()
    sign_in_at_node_provider(tab, "manager.iom@example.org")
    wait_for_screen(tab, "Update milestones")
    assert "/update_milestones?" in tab.url and "region=MA-04" in tab.url
    region = tab.get_by_role("combobox", name="Region", exact=True)
    assert region.input_value() == "Rabat-Salé-Kénitra"
    expect(
        tab.get_by_text(
            shown_with_address("Signed in as manager.iom@example.org (programme manager)")
        )
    ).to_be_visible()


def test_an_unverified_address_is_refused_whatever_it_claims(browser, single_app):
    tab = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
    tab.goto(single_app)
    tab.get_by_role("button", name="Sign in", exact=True).click()
    sign_in_at_node_provider(tab, "impostor")
    tab.get_by_role("heading", name="Sign-in refused").wait_for(timeout=30_000)
    expect(
        tab.get_by_text(shown_with_address("has not verified the e-mail address admin@example.org"))
    ).to_be_visible()
    assert tab.get_by_test_id("stMetric").count() == 0
    assert tab.get_by_text("administrator").count() == 0
    screenshot(tab, "sign-in-refused-unverified")


def test_a_browser_at_another_host_is_sent_to_the_redirect_uris_host(browser, single_app):
    tab = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
    wrong_host = single_app.replace("localhost", "127.0.0.1")
    tab.goto(f"{wrong_host}/update_milestones?region=MA-04")
    expect(tab.get_by_text("Sign-in only works at the address registered")).to_be_visible(
        timeout=30_000
    )
    link = tab.get_by_role("link", name="Open http://localhost")
    expect(link).to_have_attribute("href", f"{single_app}/update_milestones?region=MA-04")
    assert tab.get_by_role("button", name="Sign in", exact=True).count() == 0
    screenshot(tab, "sign-in-wrong-host")


def test_security_headers_keep_the_dashboard_out_of_other_sites_frames(single_app):
    with urllib.request.urlopen(f"{single_app}/overview") as response:
        headers = response.headers
    assert headers["X-Frame-Options"] == "SAMEORIGIN"
    assert headers["Content-Security-Policy"] == "frame-ancestors 'self'"
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_a_cookie_copied_before_sign_out_is_refused_afterwards(browser, named_app):
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    tab = context.new_page()
    tab.goto(named_app)
    tab.get_by_role("button", name="Sign in with Embassy").click()
    sign_in_at_mock(tab, "donor@example.org")
    wait_for_screen(tab, "Overview")
    expect(tab.get_by_test_id("stMetric").filter(has_text="Victims assisted")).to_be_visible()
    copied = context.cookies()
    tab.get_by_test_id("stSidebar").get_by_role("button", name="Sign out").click()
    tab.get_by_role("button", name="End session").click()  # the provider's own logout page
    tab.get_by_role("button", name="Sign in with Embassy").wait_for(timeout=30_000)
    thief = browser.new_context(viewport={"width": 1440, "height": 900})
    thief.add_cookies(copied)
    replay = thief.new_page()
    replay.goto(f"{named_app}/budget")
    replay.get_by_role("heading", name="Please sign in again").wait_for(timeout=30_000)
    expect(replay.get_by_text("You signed out.")).to_be_visible()
    replay.get_by_role("button", name="Sign in with Embassy").wait_for(timeout=30_000)
    assert replay.get_by_test_id("stMetric").count() == 0
    screenshot(replay, "sign-in-refused-after-sign-out")
    assert audited(named_app, "sign-out", "donor@example.org") == 1


def test_named_oidc_provider_signs_in_and_the_audit_log_tells_each_event(browser, named_app):
    tab = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
    tab.goto(named_app)
    tab.get_by_role("button", name="Sign in with IOM").click()
    sign_in_at_node_provider(tab, "admin@example.org")
    wait_for_screen(tab, "Overview")
    for _ in range(2):  # page loads and a second tab: the same sign-in, no new audit row
        tab.goto(f"{named_app}/audit_log")
        wait_for_screen(tab, "Audit log")
    tab.context.new_page().goto(f"{named_app}/budget")
    expect(tab.get_by_test_id("stDataFrame")).to_be_visible()
    screenshot(tab, "audit-log")
    assert audited(named_app, "sign-in", "admin@example.org") == 1


def test_an_address_without_a_role_sees_no_data(browser, named_app):
    tab = browser.new_context().new_page()
    tab.goto(named_app)
    tab.get_by_role("button", name="Sign in with Embassy").click()
    sign_in_at_mock(tab, "stranger@example.net")
    tab.get_by_text("No access yet").wait_for(timeout=30_000)
    assert tab.get_by_test_id("stMetric").count() == 0
    assert tab.get_by_test_id("stDataFrame").count() == 0


def test_a_forged_session_cookie_leads_back_to_sign_in(browser, named_app):
    context = browser.new_context()
    context.add_cookies([{"name": "_streamlit_user", "value": "forged", "url": named_app}])
    tab = context.new_page()
    tab.goto(named_app)
    tab.get_by_role("button", name="Sign in with Embassy").wait_for(timeout=30_000)
    assert tab.get_by_test_id("stMetric").count() == 0


def test_an_address_is_refused_through_a_provider_it_is_not_bound_to(browser, named_app):
    tab = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
    tab.goto(named_app)
    tab.get_by_role("button", name="Sign in with Embassy").click()
    sign_in_at_mock(tab, "admin@example.org")  # the embassy's provider vouches for it too
    tab.get_by_role("heading", name="Sign-in refused").wait_for(timeout=30_000)
    expect(
        tab.get_by_text(shown_with_address("admin@example.org signs in through IOM only"))
    ).to_be_visible()
    assert tab.get_by_test_id("stMetric").count() == 0
    screenshot(tab, "sign-in-refused-other-provider")
    assert audited(named_app, "sign-in", "admin@example.org") <= 1  # only through IOM, if at all


@pytest.fixture(scope="module")
def app_with_provider_down(ports, tmp_path_factory) -> Iterator[str]:
    """A dashboard whose provider does not answer (nothing listens on its port)."""
    port = ports["down"]
    dead = f"http://localhost:{free_port()}"
    toml = f"[auth]\n{shared(port)}\n{provider_settings(dead)}\n"
    process, url = serve(tmp_path_factory.mktemp("down"), port, toml)
    yield url
    process.terminate()
    process.wait(timeout=20)


def test_a_provider_that_cannot_be_reached_gets_a_clear_page_and_a_way_back(
    browser, app_with_provider_down
):
    tab = browser.new_context(viewport={"width": 1440, "height": 900}, locale="fr-FR").new_page()
    tab.goto(app_with_provider_down)
    tab.get_by_role("button", name="Se connecter", exact=True).click()
    tab.get_by_role("heading", name="La connexion n'est pas disponible pour le moment").wait_for(
        timeout=30_000
    )
    expect(tab.get_by_text("service de connexion de votre organisation")).to_be_visible()
    assert "Authentication error" not in tab.content()
    screenshot(tab, "sign-in-provider-down")
    tab.get_by_role("link", name="Retour au suivi de la subvention").click()
    tab.get_by_role("button", name="Se connecter", exact=True).wait_for(timeout=30_000)
