"""The API's gate without a server: local mode answers this machine only, and still needs a
token; the rate limit refills over the minute."""

import pytest
from starlette.testclient import TestClient

from grantmon.api.app import api_app
from grantmon.api.gate import RateLimit, Serving
from tests.api.conftest import issue


@pytest.mark.parametrize(
    "address, client_host, status",
    [
        ("127.0.0.1", "127.0.0.1", 200),
        ("0.0.0.0", "127.0.0.1", 403),
        ("127.0.0.1", "10.1.2.3", 403),
    ],
)
def test_local_mode_answers_this_machine_only(demo_engine, address, client_host, status):
    token = issue(demo_engine, "donor@example.org")
    serving = Serving(local_mode=lambda: True, address=lambda: address)
    with TestClient(
        api_app(engine=lambda: demo_engine, serving=serving), client=(client_host, 5000)
    ) as test:
        reply = test.get("/award", headers={"Authorization": f"Bearer {token}"})
    assert reply.status_code == status


def test_local_mode_still_needs_a_token(demo_engine):
    serving = Serving(local_mode=lambda: True, address=lambda: "127.0.0.1")
    with TestClient(
        api_app(engine=lambda: demo_engine, serving=serving), client=("127.0.0.1", 5000)
    ) as test:
        assert test.get("/award").status_code == 401


def test_with_sign_in_any_address_may_call_with_a_token(demo_engine):
    token = issue(demo_engine, "viewer@example.org")
    serving = Serving(local_mode=lambda: False, address=lambda: "0.0.0.0")
    with TestClient(
        api_app(engine=lambda: demo_engine, serving=serving), client=("10.1.2.3", 5000)
    ) as test:
        assert test.get("/award", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_the_rate_limit_refills_evenly_over_the_minute():
    limit = RateLimit(per_minute=2)
    assert [limit.wait_for(1, now=0.0) for _ in range(3)] == [0, 0, 30]
    assert limit.wait_for(2, now=0.0) == 0  # another token has its own
    assert limit.wait_for(1, now=29.0) == 1 and limit.wait_for(1, now=31.0) == 0
