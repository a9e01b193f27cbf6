"""How a read's result goes out: JSON by default, CSV when asked for (Accept: text/csv or a
`.csv` suffix), in pages with a `next` link."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

import orjson
import pandas as pd
from fastapi import Request, Response
from fastapi.responses import StreamingResponse
from pydantic import BaseModel

from grantmon.services.core.formula_guard import frame_neutralised

CSV = "text/csv; charset=utf-8"
JSON = "application/json"
CSV_FLAG = "grantmon.csv"  # set on a request whose path ended in .csv
PATH_KEY = "grantmon.path"  # the path as the caller wrote it
DEFAULT_PAGE, LARGEST_PAGE = 1000, 10_000


@dataclass(frozen=True)
class Page:
    """Which rows to send: `limit` rows (None: all of them) from `cursor` on."""

    limit: int | None
    cursor: int


def wants_csv(request: Request) -> bool:
    """Whether the caller asked for CSV: a `.csv` suffix, or Accept naming text/csv first."""
    if request.scope.get(CSV_FLAG):
        return True
    accept = request.headers.get("accept", "")
    kinds = [part.split(";")[0].strip().lower() for part in accept.split(",")]
    return "text/csv" in kinds and ("application/json" not in kinds or kinds[0] == "text/csv")


def page_of(request: Request, limit: int | None, cursor: int) -> Page:
    """JSON comes in pages of 1,000 rows unless a limit is given; CSV whole unless it is."""
    if limit is None and not wants_csv(request):
        limit = DEFAULT_PAGE
    return Page(limit=limit, cursor=cursor)


def next_link(request: Request, cursor: int) -> str:
    """The path and query of the next page: the same call with `cursor` moved on."""
    query = [(k, v) for k, v in request.query_params.multi_items() if k != "cursor"]
    path = str(request.scope.get(PATH_KEY) or request.url.path)
    return f"{path}?{urlencode([*query, ('cursor', str(cursor))])}"


def plain_rows(table: pd.DataFrame) -> list[dict[str, Any]]:
    """The table's rows as plain values: missing ones as None, numbers as Python numbers."""
    plain = table.astype(object).where(table.notna(), None)
    return plain.to_dict(orient="records")  # type: ignore[return-value]


def _plain(value: Any) -> Any:
    """What orjson does not write itself: pandas times, decimals."""
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def _json(value: Any) -> bytes:
    options = orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS
    return orjson.dumps(value, default=_plain, option=options)


def csv_bytes(table: pd.DataFrame, header: bool = True) -> bytes:
    """UTF-8 CSV of a table (dot decimals, ISO dates and times), text a spreadsheet would run as a
    formula written as text."""
    text = frame_neutralised(table).to_csv(index=False, header=header)
    return text.encode("utf-8")


def table_reply(
    request: Request, table: pd.DataFrame, page: Page, meta: dict[str, Any] | None = None
) -> Response:
    """One page of a table (rows from the cursor on), JSON or CSV, with the next page's link."""
    end = len(table) if page.limit is None else page.cursor + page.limit
    rows = table.iloc[page.cursor : end]
    following = next_link(request, end) if end < len(table) else None
    return _reply(request, rows, following, len(table), meta)


def rows_reply(
    request: Request, rows: pd.DataFrame, following: str | None, meta: dict[str, Any]
) -> Response:
    """A page of rows already cut by the read (keyset paging), with the next page's link."""
    return _reply(request, rows, following, None, meta)


def _reply(
    request: Request,
    rows: pd.DataFrame,
    following: str | None,
    total: int | None,
    meta: dict[str, Any] | None,
) -> Response:
    headers = {"Link": f'<{following}>; rel="next"'} if following else {}
    if wants_csv(request):
        return Response(csv_bytes(rows), media_type=CSV, headers=headers)
    body: dict[str, Any] = {"data": plain_rows(rows), "next": following}
    if total is not None:
        body["total"] = total
    return Response(_json(body | (meta or {})), media_type=JSON, headers=headers)


def object_reply(request: Request, value: BaseModel | dict[str, Any]) -> Response:
    """One record: a JSON object, or a CSV of one row."""
    data = value.model_dump(mode="json") if isinstance(value, BaseModel) else value
    if wants_csv(request):
        return Response(csv_bytes(pd.json_normalize(data)), media_type=CSV)
    return Response(_json({"data": data}), media_type=JSON)


def streamed_csv(chunks: Iterable[pd.DataFrame], columns: list[str]) -> StreamingResponse:
    """A CSV written chunk by chunk as it is read: memory holds one chunk, whatever the size."""

    def lines() -> Iterator[bytes]:
        yield csv_bytes(pd.DataFrame(columns=columns))  # the header, even for no rows
        for chunk in chunks:
            yield csv_bytes(chunk, header=False)

    return StreamingResponse(lines(), media_type=CSV)


def error_reply(status: int, errors: list[dict[str, str]], headers: dict | None = None) -> Response:
    """A refusal as JSON: what went wrong, by parameter where one is at fault."""
    body = {"status": status, "errors": errors, "message": errors[0]["message"]}
    return Response(_json(body), status_code=status, media_type=JSON, headers=headers)


def utc(moment: datetime | None) -> datetime | None:
    """A time as UTC (a time given without its zone is taken as UTC)."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
