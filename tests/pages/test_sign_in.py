"""With [auth] configured, nobody sees a figure before signing in with a verified address and
a role, a sign-in lives on the server, and a misconfiguration is named to whoever deploys."""

import itertools
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session, col, select
from streamlit import config
from streamlit.testing.v1 import AppTest

from data_model import AuditEntry
from tests.conftest import forget_app_caches
from tests.e2e.conftest import seeded_database
from tests.pages.apptest import DASHBOARD
from tests.pages.visible_text import as_read

GOOD_SECRET = "4f3c2b1a" * 8
PROVIDER = {
    "client_id": "grantmon",
    "client_secret": "s",
    "server_metadata_url": "http://localhost:1/x",
}
SINGLE = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": GOOD_SECRET,
    **PROVIDER,
}
NAMED = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": GOOD_SECRET,
    "microsoft": {
        **PROVIDER,
        "label": "Microsoft",
        "allowed_domains": ["example.org"],
        "verified_email_claim": "xms_edov",
        "client_kwargs": {"prompt": "login"},
    },
    "embassy": {**PROVIDER, "allowed_domains": ["state.gov"], "client_kwargs": {"prompt": "login"}},
}
NONCES = itertools.count()


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> Iterator[str]:
    """One seeded SQLite database for the module."""
    with pytest.MonkeyPatch.context() as patch:
        url = seeded_database(tmp_path_factory.mktemp("sign-in"))
        patch.setenv("DATABASE_URL", url)
        forget_app_caches()
        yield url
    forget_app_caches()


def claims(email: str, **extra) -> dict:
    """st.user right after a sign-in: the ID token's claims, and the provider's name."""
    return {"is_logged_in": True, "email": email, "email_verified": True,
            "iss": "http://localhost:1", "aud": "grantmon", "sub": email,
            "iat": int(time.time()), "nonce": f"n-{next(NONCES)}", "provider": "default",
            **extra}  # fmt: skip


def dashboard(auth: dict | None = None, user: dict | None = None, url: str = "") -> AppTest:
    app = AppTest.from_file(DASHBOARD, default_timeout=60)
    app.secrets["auth"] = auth or SINGLE
    if user:
        app.user = user  # type: ignore[attr-defined]
    if url:
        app.context = {"url": url}
    return app.run()


def sign_ins(database: str, action: str) -> int:
    from data_model.db import make_engine

    engine = make_engine(database)
    with Session(engine) as session:
        query = select(col(AuditEntry.id)).where(col(AuditEntry.action) == action)
        found = len(session.exec(query).all())
    engine.dispose()
    return found


def test_a_visitor_sees_only_the_sign_in_button(database):
    app = dashboard()
    assert [button.label for button in app.button] == ["Sign in"]
    assert not app.metric and not app.dataframe


# Signing in through each form with real providers: tests/e2e/test_sign_in_browser.py.
def test_one_provider_under_auth_with_client_kwargs_has_one_button(database):
    app = dashboard({**SINGLE, "client_kwargs": {"prompt": "login", "scope": "openid email"}})
    assert [button.label for button in app.button] == ["Sign in"]


def test_named_providers_with_client_kwargs_have_one_button_each(database):
    app = dashboard(NAMED)
    assert [b.label for b in app.button] == ["Sign in with Microsoft", "Sign in with Embassy"]


def test_a_provider_name_streamlit_refuses_is_named_instead_of_a_broken_button(database):
    shared = {key: SINGLE[key] for key in ("redirect_uri", "cookie_secret")}
    app = dashboard({**shared, "iom_entra": PROVIDER})
    assert "[auth.iom_entra] has an underscore" in as_read(app.error[0].value)
    assert not app.button


@pytest.mark.parametrize("secret", ["change-me", "short"])
def test_a_placeholder_cookie_secret_is_refused(database, secret):
    app = dashboard({**SINGLE, "cookie_secret": secret})
    assert "placeholder or short cookie_secret" in as_read(app.error[0].value)
    assert not app.button


@pytest.mark.parametrize("verified", [False, "false", None])
def test_an_unverified_address_gets_no_role(database, verified):
    app = dashboard(user=claims("admin@example.org", email_verified=verified))
    assert app.title[0].value == "Sign-in refused"
    assert "has not verified the e-mail address admin@example.org" in as_read(app.error[0].value)
    assert not app.metric and not app.dataframe
    assert not any("administrator" in as_read(caption.value) for caption in app.caption)


@pytest.mark.parametrize("domains", [["example.org"], "example.org"])
def test_a_provider_limited_to_domains_refuses_other_domains(database, domains):
    auth = {**NAMED, "microsoft": {**NAMED["microsoft"], "allowed_domains": domains}}
    user = claims("donor@example.net", provider="microsoft", xms_edov=True)
    app = dashboard(auth, user)
    assert "Addresses at example.net cannot sign in" in as_read(app.error[0].value)
    assert "(allowed: example.org)" in as_read(app.error[0].value)
    assert not app.metric


def test_entra_ids_verified_domain_claim_stands_for_email_verified(database):
    user = claims("donor@example.org", provider="microsoft", email_verified=None, xms_edov=True)
    assert "Victims assisted" in [m.label for m in dashboard(NAMED, user).metric]
    unverified = claims("donor@example.org", provider="microsoft", xms_edov=False)
    assert dashboard(NAMED, unverified).title[0].value == "Sign-in refused"


def test_a_signed_in_email_without_a_role_sees_no_data(database):
    app = dashboard(user=claims("stranger@example.net"))
    assert app.title[0].value == "No access yet"
    assert not app.metric and not app.dataframe


def test_a_signed_in_donor_sees_the_overview_and_no_local_mode_banner(database):
    app = dashboard(user=claims("donor@example.org"))
    assert not app.exception
    assert "Victims assisted" in [metric.label for metric in app.metric]
    assert not any("Local mode" in as_read(info.value) for info in app.info)


def test_page_loads_of_one_sign_in_are_audited_once_and_sign_out_ends_it(database):
    before = sign_ins(database, "sign-in")
    user = claims("viewer@example.org")
    for _ in range(3):  # three tabs, or reloads, of the same sign-in
        app = dashboard(user=user)
        assert "Signed in as viewer@example.org (viewer)" in [as_read(c.value) for c in app.caption]
    assert sign_ins(database, "sign-in") == before + 1
    signed_out = sign_ins(database, "sign-out")
    app.sidebar.button(key="sign-out").click().run()
    assert sign_ins(database, "sign-out") == signed_out + 1
    replayed = dashboard(user=user)  # the same cookie, kept from before the sign-out
    assert replayed.title[0].value == "Please sign in again"
    assert not replayed.metric and [b.label for b in replayed.button] == ["Sign in"]


def test_a_browser_at_another_host_than_the_redirect_uri_is_told_where_to_go(database):
    app = dashboard(url="http://127.0.0.1:8501/update_milestones")
    assert "Sign-in only works at the address registered" in app.warning[0].value
    assert "http://localhost:8501" in app.warning[0].value
    assert not app.button  # a sign-in from here would only come back to this screen
    same = dashboard(url="http://localhost:8501/update_milestones")
    assert not same.warning and [b.label for b in same.button] == ["Sign in"]


@pytest.fixture
def server_address() -> Iterator:
    """Set server.address for one test, as a command line or config.toml would."""
    saved = config.get_option("server.address")
    yield lambda value: config.set_option("server.address", value)
    config.set_option("server.address", saved)


@pytest.mark.parametrize("address", [None, "", "0.0.0.0", "::", "10.0.0.11"])
def test_local_mode_refuses_an_address_that_binds_beyond_this_machine(
    database, server_address, address
):
    server_address(address)
    app = AppTest.from_file(DASHBOARD, default_timeout=60).run()
    assert "Refusing to serve without sign-in" in as_read(app.error[0].value)
    assert not app.metric


@pytest.mark.parametrize("address", ["127.0.0.1", "localhost", "::1"])
def test_local_mode_serves_the_loopback_address(database, server_address, address):
    server_address(address)
    app = AppTest.from_file(DASHBOARD, default_timeout=60).run()
    assert not app.error and app.metric


def example_forms() -> tuple[dict, dict]:
    """The two forms of .streamlit/secrets.example.toml (the second is commented out there)."""
    text = (Path(DASHBOARD).parent / ".streamlit" / "secrets.example.toml").read_text()
    single = tomllib.loads(text)["auth"] | {"cookie_secret": GOOD_SECRET}
    commented = text[text.index("# [auth.") :].splitlines()
    named = tomllib.loads("\n".join(line.removeprefix("#").removeprefix(" ") for line in commented))
    shared = {key: single[key] for key in ("redirect_uri", "cookie_secret")}
    return single, {**shared, **named["auth"]}


def test_both_forms_of_the_example_secrets_work_as_the_readme_says(database):
    single, named = example_forms()
    assert [b.label for b in dashboard(single).button] == ["Sign in"]
    app = dashboard(named)
    assert [b.label for b in app.button] == [
        "Sign in with IOM (Microsoft)",
        "Sign in with US Embassy",
    ]
    entra = claims("admin@iom.int", provider="microsoft", email_verified=None, xms_edov=True)
    assert dashboard(named, entra).title[0].value == "No access yet"  # verified, no role yet


def test_several_providers_one_of_them_open_are_refused_while_people_are_unbound(database):
    open_embassy = {**NAMED, "embassy": {**PROVIDER}}
    app = dashboard(open_embassy)
    problem = as_read(app.error[0].value)
    assert "Embassy names no allowed_domains" in problem and "admin@example.org" in problem
    assert not app.button


def bound(database: str, email: str, provider: str, configured: list[str]) -> None:
    from data_model.db import make_engine
    from grantmon.services.core.access import LOCAL_ACTOR
    from grantmon.services.core.users import UserCreate, add_user

    engine = make_engine(database)
    with Session(engine) as session:
        user = UserCreate(email=email, role="administrator", provider=provider)
        add_user(session=session, actor=LOCAL_ACTOR, user=user, providers=configured)
    engine.dispose()


def test_a_person_bound_to_one_provider_is_refused_through_another(database):
    bound(database, "bound.admin@example.org", "embassy", ["microsoft", "embassy"])
    user = claims("bound.admin@example.org", provider="microsoft", xms_edov=True)
    app = dashboard(NAMED, user)
    assert app.title[0].value == "Sign-in refused"
    assert "signs in through Embassy only, not through Microsoft" in as_read(app.error[0].value)
    assert not app.metric and not app.dataframe


def test_a_cookie_naming_another_person_than_its_sign_in_is_refused_in_words(database):
    user = claims("viewer@example.org")
    assert "Victims assisted" in [m.label for m in dashboard(user=user).metric]
    refused = sign_ins(database, "refuse session")
    app = dashboard(user={**user, "email": "admin@example.org"})
    assert app.title[0].value == "Please sign in again"
    assert "This sign-in was refused" in as_read(app.info[0].value)
    assert not app.metric and sign_ins(database, "refuse session") == refused + 1
