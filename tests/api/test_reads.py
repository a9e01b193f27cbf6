"""The API over HTTP against a running server, for every role: the same figures as the service
reads the screens make, JSON or CSV, paged, with the dashboard's filters and their errors."""

import inspect
import io
from datetime import date

import pandas as pd
import pytest
from lxml import etree
from sqlmodel import Session

from grantmon.api.replies import plain_rows
from grantmon.api.resources import RESOURCES
from grantmon.services.core.access import Actor, may_read
from grantmon.services.core.filters import Filters, filter_options
from grantmon.services.publication.iati import activity_schema
from grantmon.services.regions.reads import region_metrics
from grantmon.services.reintegration.reads import breakdown, quarterly_trend
from grantmon.services.results.indicators import (
    indicator_disaggregations,
    indicator_tracking,
    quarterly_figures,
)
from tests.api.conftest import PEOPLE, Api

ROLES = list(PEOPLE)
FILTERS = {"from": "2025Q1", "to": "2026Q2", "region": "MA-04"}


def actor(api: Api, role: str) -> Actor:
    partner = 1 if role == "programme manager" else None  # IOM, as the demo gives
    return Actor(email=PEOPLE[role], role=role, partner_id=partner)


def read(api: Api, function, role: str = "donor", **inputs) -> pd.DataFrame:
    with Session(api.engine) as session:
        return function(session=session, actor=actor(api, role), **inputs)


def same_rows(served: list[dict], table: pd.DataFrame) -> None:
    """The served rows are the read's rows, value for value."""
    expected = pd.json_normalize(plain_rows(table))
    got = pd.json_normalize(served)
    assert list(got.columns) == list(expected.columns)
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reads_what_its_reads_allow_and_no_more(api: Api, role):
    index = api.json("/", role)
    assert index["role"] == role
    for path, function in RESOURCES.items():
        path = path.replace("{code}", "1.1.a")
        reply = api.get(path, role)
        allowed = may_read(function, actor(api, role))
        assert (path in str(index["resources"]) or "{code}" in str(index)) or not allowed
        assert reply.status_code == (200 if allowed else 403), (path, reply.text)
        if not allowed:  # no detail of the data, only the refusal
            assert set(reply.json()) == {"status", "errors", "message"}


@pytest.mark.parametrize(
    "path, function, inputs",
    [
        ("/indicators", indicator_tracking, {}),
        ("/indicators/quarters", quarterly_figures, {}),
        ("/indicators/1.1.a/disaggregations", indicator_disaggregations, {"code": "1.1.a"}),
        ("/regions", region_metrics, {}),
        ("/reintegration", quarterly_trend, {}),
        ("/reintegration/breakdown", breakdown, {"by": "age_band", "stage": "assisted"}),
    ],
)
def test_a_donors_token_gets_the_donors_screens_figures(api: Api, path, function, inputs):
    params = {**FILTERS, **{k: v for k, v in inputs.items() if k != "code"}}
    served = api.json(path, "donor", limit=10_000, **params)
    filters = Filters(start="2025Q1", end="2026Q2", region="MA-04")
    if "today" in inspect.signature(inspect.unwrap(function)).parameters:
        inputs = {**inputs, "today": date.today()}  # measured at the as-of date, as served
    same_rows(served["data"], read(api, function, "donor", filters=filters, **inputs))
    assert served["filters"] == FILTERS and "suppressed" in served["privacy"]


def test_staff_see_figures_the_donor_does_not(api: Api):
    donor = pd.DataFrame(api.json("/indicators/quarters", "donor", limit=10_000)["data"])
    viewer = pd.DataFrame(api.json("/indicators/quarters", "viewer", limit=10_000)["data"])
    assert (viewer["unapproved"] > 0).any() and (donor["unapproved"] == 0).all()
    assert donor["actual"].isna().sum() > viewer["actual"].isna().sum()  # suppressed cells


def test_csv_by_accept_or_suffix_reads_in_pandas_as_the_json(api: Api):
    as_json = pd.DataFrame(api.json("/expenditures", "donor")["data"])
    by_suffix = api.get("/expenditures.csv", "donor")
    by_accept = api.get("/expenditures", "donor", headers={"Accept": "text/csv"})
    assert by_suffix.headers["content-type"].startswith("text/csv")
    assert by_suffix.content == by_accept.content
    table = pd.read_csv(io.BytesIO(by_suffix.content))
    pd.testing.assert_frame_equal(table, as_json, check_dtype=False)


def test_following_next_links_gives_every_row_once(api: Api):
    whole = api.json("/indicators/quarters", "viewer", limit=10_000)
    rows, path, params = [], "/indicators/quarters", {"limit": 25}
    while True:
        page = api.json(path, "viewer", **params)
        rows += page["data"]
        if page["next"] is None:
            break
        assert page["next"].startswith("/api/v1/indicators/quarters?")
        path, params = (
            page["next"].removeprefix("/api/v1").split("?")[0],
            dict(pair.split("=") for pair in page["next"].split("?")[1].split("&")),
        )
    assert rows == whole["data"] and len(rows) == whole["total"] > 25


def test_every_stored_result_pages_and_streams_the_same_rows(api: Api):
    streamed = pd.read_csv(io.BytesIO(api.get("/indicator-results.csv", "viewer").content))
    ids, params = [], {"limit": 100}
    while True:
        page = api.json("/indicator-results", "viewer", **params)
        ids += [row["id"] for row in page["data"]]
        if not page["next"]:
            break
        params["cursor"] = int(page["next"].split("cursor=")[1])
    assert list(streamed["id"]) == ids and len(ids) > 500
    regional = api.json("/indicator-results", "viewer", region="MA-04", limit=10_000)["data"]
    assert {row["region_code"] for row in regional} == {"MA-04"}


def test_updated_since_sends_only_what_changed_since(api: Api):
    everything = api.json("/milestones", "viewer", limit=10_000)["data"]
    assert (
        everything and api.json("/milestones", "viewer", updated_since="2999-01-01")["data"] == []
    )
    assert api.json("/indicators", "donor", updated_since="2999-01-01T00:00:00Z")["data"] == []
    assert len(api.json("/indicators", "donor", updated_since="2000-01-01")["data"]) > 5


@pytest.mark.parametrize(
    "params, parameter",
    [
        ({"region": "MA-99"}, "region"),
        ({"region": "ma-04"}, "region"),
        ({"from": "2026Q2", "to": "2025Q1"}, "from"),
        ({"to": "2030Q1"}, "to"),
        ({"from": "2025-01"}, "from"),
        ({"partner": "WHO"}, "partner"),
        ({"component": "<script>"}, "component"),
        ({"limit": "1e400"}, "limit"),
        ({"limit": "NaN"}, "limit"),
        ({"limit": "0"}, "limit"),
        ({"limit": "100001"}, "limit"),
        ({"cursor": "-1"}, "cursor"),
        ({"updated_since": "yesterday"}, "updated_since"),
        ({"regoin": "MA-04"}, "regoin"),
    ],
)
def test_junk_parameters_get_a_400_naming_the_parameter(api: Api, params, parameter):
    reply = api.get("/indicators", "donor", **params)
    assert reply.status_code == 400, reply.text
    assert parameter in [error.get("parameter") for error in reply.json()["errors"]]


def test_a_missing_unknown_or_query_token_is_refused_without_data(api: Api):
    missing = api.get("/indicators", None)
    unknown = api.get("/indicators", None, headers={"Authorization": "Bearer gmt_guess"})
    basic = api.get("/indicators", None, headers={"Authorization": "Basic YWRtaW46YWRtaW4="})
    in_query = api.get("/indicators", None, access_token=api.tokens["donor"])
    assert [r.status_code for r in (missing, unknown, basic)] == [401, 401, 401]
    assert missing.headers["www-authenticate"].startswith("Bearer")
    assert in_query.status_code == 400 and "Authorization: Bearer" in in_query.json()["message"]
    for reply in (missing, unknown, basic, in_query):
        assert "data" not in reply.json()


def test_a_viewer_gets_403_on_an_administrators_resource(api: Api):
    for path in ("/users", "/audit"):
        assert api.get(path, "viewer").status_code == 403
        assert api.get(path, "administrator").status_code == 200
    assert api.get("/indicator-results", "donor").status_code == 403


def test_errors_speak_the_callers_language(api: Api):
    reply = api.get("/indicators", "donor", region="MA-99", headers={"Accept-Language": "fr"})
    assert reply.status_code == 400 and "n'est pas" in reply.json()["message"]


def test_the_iati_file_is_served_valid_to_any_reader(api: Api):
    reply = api.get("/iati.xml", "viewer")
    assert reply.headers["content-type"].startswith("application/xml")
    document = etree.fromstring(reply.content)
    assert activity_schema().validate(document)
    assert document.findtext(".//iati-identifier") == "XM-DAC-47066-JTIP-MA-2024"


def test_the_openapi_document_describes_every_resource(api: Api):
    reply = httpx_openapi(api)
    paths = set(reply["paths"])
    assert {p for p in RESOURCES if not p.endswith(".xml")} <= paths | {"/iati.xml"}
    parameters = {p["name"] for p in reply["paths"]["/indicators"]["get"]["parameters"]}
    assert {"from", "to", "region", "partner", "component", "limit", "cursor"} <= parameters


def httpx_openapi(api: Api) -> dict:
    import httpx

    reply = httpx.get(f"{api.url}/api/v1/openapi.json", timeout=30)
    assert reply.status_code == 200
    return reply.json()


def test_filter_values_are_those_of_the_sidebar(api: Api):
    with Session(api.engine) as session:
        options = filter_options(session=session, actor=actor(api, "donor"))
    assert api.json("/filters")["data"] == options.model_dump(mode="json")
