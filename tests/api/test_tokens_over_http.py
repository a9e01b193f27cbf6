"""Tokens against running servers: a revoked token fails on its next call on every server, a
person's withdrawn access stops their tokens, and each token has a rate limit."""

from collections.abc import Iterator

import httpx
import pytest
from sqlmodel import Session

from grantmon.services.core.access import LOCAL_ACTOR
from grantmon.services.core.tokens import holder_of, revoke_token
from grantmon.services.core.users import UserCreate, add_user, remove_user
from tests.api.conftest import Api, issue, serving_api

RATE = 4  # calls a minute on the second server


@pytest.fixture(scope="module")
def second(api: Api, tmp_path_factory) -> Iterator[str]:
    """Another server on the same database, with a low rate limit."""
    log = tmp_path_factory.mktemp("second") / "server.log"
    with serving_api(api.database_url, log, GRANTMON_API_REQUESTS_PER_MINUTE=str(RATE)) as url:
        yield url


def call(url: str, token: str, path: str = "/award") -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"}
    return httpx.get(f"{url}/api/v1{path}", headers=headers, timeout=60)


def token_id(api: Api, token: str) -> int:
    with Session(api.engine) as session:
        found = holder_of(session, token)
    assert found is not None
    return found.token_id


def test_a_revoked_token_fails_on_its_next_call_on_both_servers(api: Api, second: str):
    token = issue(api.engine, "viewer@example.org")
    assert call(api.url, token).status_code == 200
    assert call(second, token).status_code == 200
    with Session(api.engine) as session:
        revoke_token(session=session, actor=LOCAL_ACTOR, token_id=token_id(api, token))
    for url in (second, api.url):
        refused = call(url, token)
        assert refused.status_code == 401 and "data" not in refused.json()


def test_withdrawn_access_stops_the_persons_tokens_at_once(api: Api, second: str):
    email = f"analyst.{api.database_url[:6].strip(':/')}@example.org"
    with Session(api.engine) as session:
        add_user(session=session, actor=LOCAL_ACTOR, user=UserCreate(email=email, role="viewer"))
    token = issue(api.engine, email)
    assert call(second, token, "/indicators").status_code == 200
    with Session(api.engine) as session:
        remove_user(session=session, actor=LOCAL_ACTOR, email=email)
    assert call(second, token, "/indicators").status_code == 401
    assert call(api.url, token, "/indicators").status_code == 401


def test_too_many_calls_get_429_with_retry_after(api: Api, second: str):
    token = issue(api.engine, "donor@example.org")
    replies = [call(second, token) for _ in range(RATE + 1)]
    assert [r.status_code for r in replies[:RATE]] == [200] * RATE
    assert replies[-1].status_code == 429
    assert 1 <= int(replies[-1].headers["Retry-After"]) <= 60 // RATE
    assert call(api.url, token).status_code == 200  # a limit per server, the other one counts anew
    other = issue(api.engine, "donor@example.org")
    assert call(second, other).status_code == 200  # and per token
