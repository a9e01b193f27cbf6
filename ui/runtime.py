"""Cached reads through the service layer, keyed by the data version and the actor."""

from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st
from sqlalchemy import Engine
from sqlmodel import Session

from services import database
from services.access import Actor

T = TypeVar("T")


@st.cache_resource(show_spinner=False)
def engine() -> Engine:
    """The process-wide engine (the only cached resource)."""
    return database.default_engine()


def current_data_version() -> int:
    """The database's data version, read on every rerun (one tiny query)."""
    with Session(engine()) as session:
        return database.data_version(session)


@st.cache_data(show_spinner=False, max_entries=2000)
def _cached(name: str, version: int, actor: Actor, params: tuple, _query: Callable) -> Any:
    with Session(engine()) as session:
        return _query(session=session, actor=actor, **dict(params))


def load(query: Callable[..., T], actor: Actor, **params: Any) -> T:
    """Run a service query, or reuse its result while no write has happened since."""
    name = f"{query.__module__}.{query.__qualname__}"
    params_key = tuple(sorted(params.items()))
    return _cached(name, current_data_version(), actor, params_key, query)  # type: ignore[no-any-return]


def write(command: Callable[..., T], actor: Actor, **params: Any) -> T:
    """Run a service command in its own session (it commits or rolls back by itself)."""
    with Session(engine()) as session:
        return command(session=session, actor=actor, **params)
