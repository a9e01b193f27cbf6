"""What every call shares: its actor, its database session, the dashboard's filters checked by
the screens' own code, paging, `updated_since`, and the refusal of unknown parameters."""

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Query, Request
from fastapi.dependencies.models import Dependant
from sqlmodel import Session

from grantmon.api.gate import Refusal
from grantmon.api.replies import LARGEST_PAGE, Page, page_of, utc
from grantmon.i18n import t
from grantmon.services.core.access import Actor, may_read
from grantmon.services.core.filters import FilterOptions, Filters, checked_filters, filter_options
from grantmon.services.core.provenance import data_as_of


class BadParameters(Exception):
    """Query parameters that cannot be used: each with its name and what to write instead."""

    def __init__(self, errors: list[dict[str, str]]) -> None:
        super().__init__(errors[0]["message"])
        self.errors = errors


def _declared(dependant: Dependant) -> set[str]:
    names = {field.alias for field in dependant.query_params}
    for inner in dependant.dependencies:
        names |= _declared(inner)
    return names


def refuse_unknown_parameters(request: Request) -> None:
    """A misspelt parameter would silently widen the answer: it is refused instead."""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return
    known = _declared(dependant)
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        raise BadParameters(
            [
                {
                    "parameter": name,
                    "message": t(
                        "Unknown parameter '{name}' (this resource takes: {known}).",
                        name=name,
                        known=", ".join(sorted(known)) or t("none"),
                    ),
                }
                for name in unknown
            ]
        )


def reader(request: Request) -> Actor:
    """The caller as an actor (token checked in the database), after the parameter names."""
    actor: Actor = request.app.state.gate.actor(request)
    refuse_unknown_parameters(request)
    return actor


def database(request: Request) -> Iterator[Session]:
    """A database session for the call."""
    with Session(request.app.state.gate.engine()) as session:
        yield session


Reader = Annotated[Actor, Depends(reader)]
Database = Annotated[Session, Depends(database)]


def require(read: Callable[..., Any], actor: Actor) -> None:
    """A 403 for a role the read is not declared for, before anything is read."""
    if not may_read(read, actor):
        raise Refusal(403, t("Your role does not let you read this resource."))


def _allowed(name: str, options: FilterOptions) -> str:
    if name in ("from", "to"):
        return t(
            "a quarter from {first} to {last}, 'from' not after 'to'",
            first=options.quarters[0],
            last=options.quarters[-1],
        )
    values = {"region": options.regions, "partner": options.partners}
    return ", ".join(["all", *values.get(name, options.components)])


def view(
    actor: Reader,
    session: Database,
    start: Annotated[
        str | None, Query(alias="from", description="first quarter, e.g. 2025Q1")
    ] = None,
    end: Annotated[str | None, Query(alias="to", description="last quarter, e.g. 2026Q2")] = None,
    region: Annotated[str | None, Query(description="region code MA-01..MA-12, or all")] = None,
    partner: Annotated[
        str | None, Query(description="partner code (IOM, UNODC, ILO), or all")
    ] = None,
    component: Annotated[str | None, Query(description="component name, or all")] = None,
) -> Filters:
    """The dashboard's filters, checked by the screens' own code: a bad value is a 400."""
    given = {"from": start, "to": end, "region": region, "partner": partner}
    given["component"] = component
    options = filter_options(session=session, actor=actor)
    filters, bad = checked_filters({k: v for k, v in given.items() if v is not None}, options)
    if bad:
        raise BadParameters(
            [
                {
                    "parameter": name,
                    "message": t(
                        "'{value}' is not a valid {name}: use {allowed}.",
                        value=given[name],
                        name=name,
                        allowed=_allowed(name, options),
                    ),
                }
                for name in bad
            ]
        )
    return filters


View = Annotated[Filters, Depends(view)]


def paging(
    request: Request,
    limit: Annotated[
        int | None, Query(ge=1, le=LARGEST_PAGE, description="rows per page (JSON: 1000)")
    ] = None,
    cursor: Annotated[int, Query(ge=0, description="where the page starts: follow `next`")] = 0,
) -> Page:
    """Which rows to send (JSON: pages of 1,000 with a `next` link; CSV: every row)."""
    return page_of(request, limit, cursor)


Paging = Annotated[Page, Depends(paging)]


def since(
    updated_since: Annotated[
        datetime | None,
        Query(description="only what changed at or after this time (ISO 8601, UTC if no zone)"),
    ] = None,
) -> datetime | None:
    """The time of an incremental pull, as UTC."""
    return utc(updated_since)


Since = Annotated[datetime | None, Depends(since)]


def unchanged_since(session: Session, actor: Actor, moment: datetime | None) -> bool:
    """Whether no figure was written at or after `moment` (a derived table is then the same)."""
    if moment is None:
        return False
    latest = utc(data_as_of(session=session, actor=actor))
    return latest is None or latest < moment
