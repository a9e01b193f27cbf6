"""Cached reads through the service layer, keyed by the data version and the actor."""

from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st
from sqlalchemy import Engine
from sqlmodel import Session

from data_model.db import has_schema
from services import database
from services.access import Actor

T = TypeVar("T")


@st.cache_resource(show_spinner=False)
def engine() -> Engine:
    """The process-wide engine (the only cached resource)."""
    return database.default_engine()


VERSION_KEY = "_data_version"
_SCHEMA_READY: set[str] = set()  # database URLs whose tables were found (they do not go away)


def schema_ready() -> bool:
    """Whether the migrations have created the tables; a yes is remembered by the process."""
    url = str(engine().url)
    if url not in _SCHEMA_READY and has_schema(engine()):
        _SCHEMA_READY.add(url)
    return url in _SCHEMA_READY


def current_data_version() -> int:
    """The database's data version, read fresh (one tiny query)."""
    with Session(engine()) as session:
        return database.data_version(session)


def refresh_data_version() -> None:
    """Read the data version once for this rerun; every load of the rerun is keyed by it."""
    # Once per rerun, not once per load: a write on any server still shows at the next rerun.
    st.session_state[VERSION_KEY] = current_data_version()


def _run_data_version() -> int:
    if VERSION_KEY not in st.session_state:
        refresh_data_version()
    return int(st.session_state[VERSION_KEY])


@st.cache_data(show_spinner=False, max_entries=2000)
def _cached(key: str, _query: Callable, _actor: Actor, _params: dict[str, Any]) -> Any:
    with Session(engine()) as session:
        return _query(session=session, actor=_actor, **_params)


def load(query: Callable[..., T], actor: Actor, **params: Any) -> T:
    """Run a service query, or reuse its result while no write has happened since."""
    # The key is one string: the query, the data version, the actor and the parameters (all
    # plain values with exact reprs); hashing it is far cheaper than hashing each argument.
    name = f"{query.__module__}.{query.__qualname__}"
    key = repr((name, _run_data_version(), actor, sorted(params.items())))
    return _cached(key, query, actor, params)  # type: ignore[no-any-return]


def write(command: Callable[..., T], actor: Actor, **params: Any) -> T:
    """Run a service command in its own session (it commits or rolls back by itself)."""
    try:
        with Session(engine()) as session:
            return command(session=session, actor=actor, **params)
    finally:
        refresh_data_version()  # what the rest of this rerun reads includes the write
