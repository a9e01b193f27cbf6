"""The resources: each a thin wrapper over a service read a screen makes, with the same actor,
so a donor's token gets what the donor's screens show and not one figure more."""

import inspect
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, Literal

import pandas as pd
from fastapi import APIRouter, Path, Query, Request, Response
from sqlmodel import Session

from grantmon.api.gate import Refusal
from grantmon.api.params import (
    Database,
    Paging,
    Reader,
    Since,
    View,
    require,
    unchanged_since,
)
from grantmon.api.replies import (
    Page,
    next_link,
    object_reply,
    rows_reply,
    streamed_csv,
    table_reply,
    wants_csv,
)
from grantmon.i18n import t
from grantmon.services.budget.reads import budget_lines, budget_summary, quarterly_spending
from grantmon.services.core.access import Actor
from grantmon.services.core.audit import audit_log
from grantmon.services.core.award import award_partners, award_summary
from grantmon.services.core.filters import Filters, filter_options
from grantmon.services.core.privacy import privacy_notice
from grantmon.services.core.users import active_users
from grantmon.services.milestones.reads import milestone_timeline
from grantmon.services.progress.as_of import as_of
from grantmon.services.publication.iati import iati_activities
from grantmon.services.regions.reads import centre_occupancy, centre_points, region_metrics
from grantmon.services.reintegration.reads import (
    breakdown,
    funnel,
    quarterly_trend,
    sustainability_scores,
)
from grantmon.services.results.indicators import (
    indicator_disaggregations,
    indicator_tracking,
    quarterly_figures,
    results_framework,
)
from grantmon.services.results.rows import ROW_COLUMNS, result_row_chunks, result_rows

router = APIRouter()
Stage = Literal["identified", "referred", "assisted", "plans_started", "plans_completed"]
# Every resource and the read behind it: the index lists those the caller's role may read.
RESOURCES: dict[str, Callable[..., Any]] = {
    "/filters": filter_options,
    "/award": award_summary,
    "/award/partners": award_partners,
    "/framework": results_framework,
    "/indicators": indicator_tracking,
    "/indicators/quarters": quarterly_figures,
    "/indicators/{code}/disaggregations": indicator_disaggregations,
    "/indicator-results": result_rows,
    "/milestones": milestone_timeline,
    "/regions": region_metrics,
    "/centres": centre_points,
    "/centres/occupancy": centre_occupancy,
    "/reintegration": quarterly_trend,
    "/reintegration/funnel": funnel,
    "/reintegration/breakdown": breakdown,
    "/reintegration/sustainability": sustainability_scores,
    "/budget": budget_summary,
    "/budget/lines": budget_lines,
    "/expenditures": quarterly_spending,
    "/users": active_users,
    "/audit": audit_log,
    "/iati.xml": iati_activities,
}


def _meta(session: Session, actor: Actor, filters: Filters | None) -> dict[str, Any]:
    """What a reader needs beside the rows: the filters applied, the date every comparison is
    measured at (as on the screens) and the privacy rule."""
    meta: dict[str, Any] = {"privacy": privacy_notice(actor=actor)}
    if filters is not None:
        meta["filters"] = filters.to_params()
        moment = as_of(session=session, actor=actor, filters=filters, today=date.today())
        meta["as_of"] = moment.day.isoformat()
    return meta


def _takes_today(read: Callable[..., Any]) -> bool:
    """Whether a read measures at the as-of date, and so needs the day it is read on."""
    return "today" in inspect.signature(inspect.unwrap(read)).parameters


def table(
    request: Request,
    session: Session,
    actor: Actor,
    read: Callable[..., pd.DataFrame],
    page: Page,
    changed: Any = None,
    filters: Filters | None = None,
    **inputs: Any,
) -> Response:
    """A read's table, paged; with `updated_since` (changed), empty when nothing was written
    since then."""
    require(read, actor)
    if filters is not None:
        inputs["filters"] = filters
    if _takes_today(read):
        inputs.setdefault("today", date.today())
    found = read(session=session, actor=actor, **inputs)
    if unchanged_since(session, actor, changed):
        found = found.iloc[0:0]
    return table_reply(request, found, page, _meta(session, actor, filters))


def _filtered_table(path: str, summary: str, read: Callable[..., pd.DataFrame], about: str) -> None:
    """Serve a read's table in the dashboard's filters, paged, as `path`."""

    def endpoint(
        request: Request,
        actor: Reader,
        session: Database,
        filters: View,
        page: Paging,
        since: Since,
    ) -> Response:
        return table(request, session, actor, read, page, since, filters)

    endpoint.__name__ = read.__name__
    router.add_api_route(path, endpoint, methods=["GET"], summary=summary, description=about)


@router.get("/", summary="The resources your token may read")
def index(actor: Reader) -> dict[str, Any]:
    """Each resource's path, for the role of the token."""
    readable = [path for path, read in RESOURCES.items() if _may(read, actor)]
    return {"role": actor.role, "resources": readable, "openapi": "/api/v1/openapi.json"}


def _may(read: Callable[..., Any], actor: Actor) -> bool:
    try:
        require(read, actor)
    except Refusal:
        return False
    return True


@router.get("/filters", summary="The values each filter takes")
def filters_resource(request: Request, actor: Reader, session: Database) -> Response:
    """Quarters, regions, partners and components, as the dashboard's sidebar offers them."""
    return object_reply(request, filter_options(session=session, actor=actor))


@router.get("/award", summary="The award")
def award(request: Request, actor: Reader, session: Database) -> Response:
    """Donor, recipient, amount, period (and whether it is assumed), with its source."""
    return object_reply(request, award_summary(session=session, actor=actor))


@router.get("/award/partners", summary="The award's partners")
def partners(request: Request, actor: Reader, session: Database, page: Paging) -> Response:
    """Each partner's role, component, amount and period, with the source of each."""
    code = award_summary(session=session, actor=actor).code
    return table(request, session, actor, award_partners, page, code=code)


@router.get("/framework", summary="The results framework")
def framework(request: Request, actor: Reader, session: Database, page: Paging) -> Response:
    """Outcomes, outputs and indicators with standard codes, baselines and targets."""
    return table(request, session, actor, results_framework, page)


_filtered_table(
    "/indicators",
    "Indicator tracking table",
    indicator_tracking,
    "One row per indicator: target and actual to date, percent achieved, status; with a "
    "region filter, the region's figure beside each indicator reported by region.",
)
_filtered_table(
    "/indicators/quarters",
    "Indicator results by quarter",
    quarterly_figures,
    "Per indicator and quarter of the period: target, actual and their values to date.",
)


@router.get("/indicators/{code}/disaggregations", summary="One indicator's breakdown")
def disaggregations(
    request: Request,
    actor: Reader,
    session: Database,
    filters: View,
    page: Paging,
    since: Since,
    code: Annotated[str, Path(max_length=20, description="indicator code, e.g. 1.1.a")],
) -> Response:
    """By sex, age band, nationality group and region, over the window of its total."""
    codes = set(results_framework(session=session, actor=actor)["code"])
    if code not in codes:
        raise Refusal(404, t("There is no indicator {code}.", code=code))
    read = indicator_disaggregations
    return table(request, session, actor, read, page, since, filters, code=code)


@router.get("/indicator-results", summary="Every stored indicator result (IOM staff)")
def indicator_results(
    request: Request, actor: Reader, session: Database, filters: View, page: Paging, since: Since
) -> Response:
    """Each stored cell of each quarter, as entered, with its status; CSV streams them all."""
    require(result_rows, actor)
    if wants_csv(request) and page.limit is None:
        return _all_results(request, actor, filters, since)
    limit = page.limit or 1000
    rows = result_rows(
        session=session,
        actor=actor,
        filters=filters,
        after=page.cursor,
        limit=limit + 1,  # one more tells whether a next page exists
        updated_since=since,
    )
    following = next_link(request, int(rows["id"].iloc[limit - 1])) if len(rows) > limit else None
    return rows_reply(request, rows.iloc[:limit], following, _meta(session, actor, filters))


def _all_results(request: Request, actor: Actor, filters: Filters, since: Any) -> Response:
    engine = request.app.state.gate.engine

    def chunks() -> Any:
        # Its own session: the call's session closes when the response starts streaming.
        with Session(engine()) as session:
            yield from result_row_chunks(
                session=session, actor=actor, filters=filters, updated_since=since
            )

    return streamed_csv(chunks(), ROW_COLUMNS)


@router.get("/milestones", summary="Milestones")
def milestones(
    request: Request, actor: Reader, session: Database, filters: View, page: Paging, since: Since
) -> Response:
    """Milestones due in the period, with their state today, activity, component and partner;
    `updated_since` keeps those updated since."""
    require(milestone_timeline, actor)
    found = milestone_timeline(session=session, actor=actor, filters=filters, today=date.today())
    if since is not None:
        updated = pd.to_datetime(found["updated_at"], utc=True)
        found = found[updated >= pd.Timestamp(since)]
    return table_reply(request, found, page, _meta(session, actor, filters))


_filtered_table(
    "/regions",
    "Regions",
    region_metrics,
    "The 12 regions: victims assisted (per 100,000), centres open, milestones due.",
)
_filtered_table(
    "/centres",
    "Centres",
    centre_points,
    "Every centre in the filters, with position, capacity and status at the period's end.",
)
_filtered_table(
    "/centres/occupancy",
    "Centre occupancy",
    centre_occupancy,
    "Each centre's quarterly beds occupied and people accommodated.",
)
_filtered_table(
    "/reintegration",
    "Reintegration by quarter",
    quarterly_trend,
    "Per quarter and stage (identified ... plans completed): the count.",
)
_filtered_table(
    "/reintegration/funnel",
    "Reintegration funnel",
    funnel,
    "One row per stage over the period, with its share of those identified.",
)


@router.get("/reintegration/breakdown", summary="Reintegration breakdown")
def reintegration_breakdown(
    request: Request,
    actor: Reader,
    session: Database,
    filters: View,
    page: Paging,
    since: Since,
    by: Annotated[Literal["region", "age_band"], Query(description="rows")] = "region",
    stage: Annotated[Stage, Query(description="funnel stage")] = "assisted",
) -> Response:
    """One stage by region or age band, and sex, with totals."""
    return table(request, session, actor, breakdown, page, since, filters, by=by, stage=stage)


@router.get("/reintegration/sustainability", summary="Sustainability scores")
def reintegration_sustainability(
    request: Request,
    actor: Reader,
    session: Database,
    filters: View,
    page: Paging,
    since: Since,
    by: Annotated[Literal["all", "region"], Query(description="overall, or by region")] = "all",
) -> Response:
    """Mean scores (0-1) by dimension, weighted by plans completed."""
    read = sustainability_scores
    grouping = "region" if by == "region" else None
    return table(request, session, actor, read, page, since, filters, by=grouping)


@router.get("/budget", summary="Budget summary")
def budget(request: Request, actor: Reader, session: Database, filters: View) -> Response:
    """Budget, spent to the as-of date, burn against time elapsed then, projections."""
    require(budget_summary, actor)
    summary = budget_summary(session=session, actor=actor, filters=filters, today=date.today())
    return object_reply(request, summary)


_filtered_table(
    "/budget/lines",
    "Budget lines",
    budget_lines,
    "Every budget line (partner x cost category): budget, spent, plan to date, flag.",
)
_filtered_table(
    "/expenditures",
    "Expenditures by quarter",
    quarterly_spending,
    "Spending per quarter from the award's start, with the running total.",
)


@router.get("/users", summary="Who has access (administrators)")
def users(request: Request, actor: Reader, session: Database, page: Paging) -> Response:
    """Active users with their role, partner and region."""
    return table(request, session, actor, active_users, page)


@router.get("/audit", summary="The audit log (administrators)")
def audit(
    request: Request, actor: Reader, session: Database, page: Paging, since: Since
) -> Response:
    """The latest 500 changes (who, when, what, why), newest first."""
    day = since.date() if since is not None else None
    return table(request, session, actor, audit_log, page, since=day)


@router.get(
    "/iati.xml",
    summary="The award as one IATI 2.03 activity file",
    response_class=Response,
    responses={200: {"content": {"application/xml": {}}}},
)
def iati(actor: Reader, session: Database) -> Response:
    """The donor's view (approved figures, small counts suppressed), validated against the
    IATI 2.03 activity schema before it is sent."""
    require(iati_activities, actor)
    return Response(iati_activities(session=session, actor=actor), media_type="application/xml")
