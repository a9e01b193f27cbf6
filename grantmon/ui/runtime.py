"""Cached reads and screen pieces, keyed by the data version, the actor and their inputs."""

import copy
import threading
import weakref
from collections.abc import Callable
from typing import Any, TypeVar

import pandas as pd
import pyarrow as pa
import streamlit as st
from cachetools import LRUCache, cached
from sqlalchemy import Engine
from sqlmodel import Session

from data_model.db import has_schema
from grantmon.i18n import current_language
from grantmon.services.core import database
from grantmon.services.core.access import Actor
from grantmon.services.core.commands import take_notices
from grantmon.services.core.kept import forget_also, note_read

T = TypeVar("T")


@st.cache_resource(show_spinner=False)
def engine() -> Engine:
    """The process-wide engine."""
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
    # The database's address goes with it, so two databases never share a cached value.
    st.session_state[VERSION_KEY] = (str(engine().url), current_data_version())


def _run_data_version() -> tuple[str, int]:
    if VERSION_KEY not in st.session_state:
        refresh_data_version()
    database_url, version = st.session_state[VERSION_KEY]
    return str(database_url), int(version)


def keyed_cache(size: int) -> Any:
    """Keep a function's results for this process, by its first argument (a string key)."""
    # Not st.cache_*: the key is already one string, and Streamlit's wrapper inspects the
    # function's signature on every call, which adds up over the 50-80 reads of one rerun.
    return cached(LRUCache(maxsize=size), key=lambda key, *_: key, lock=threading.Lock())


@keyed_cache(2000)
def _cached(key: str, query: Callable, actor: Actor, params: dict[str, Any]) -> Any:
    # Kept as objects, each caller getting its own copy (see load): st.cache_data would pickle
    # every result on the way in and out, which costs tens of ms for a table of thousands of rows.
    note_read(query, actor, params)
    with Session(engine()) as session:
        return query(session=session, actor=actor, **params)


def _key(function: Callable, actor: Actor, params: dict[str, Any]) -> str:
    # One string: the function, the database and its data version, the actor, the language
    # (reads and tables hold words and formatted figures) and the parameters (all plain values
    # with exact reprs); hashing it is far cheaper than hashing each argument.
    # A read declared for some roles is wrapped (core.access.readable_by): name what it wraps.
    code = getattr(function, "__wrapped__", function).__code__
    name = f"{code.co_filename}:{function.__qualname__}"
    return repr((name, _run_data_version(), actor, current_language(), sorted(params.items())))


# id of a loaded table -> (a weak reference to it, the key it was loaded with)
_ORIGINS: dict[int, tuple[weakref.ref, str]] = {}


def _remember_origin(value: Any, key: str) -> None:
    if isinstance(value, pd.DataFrame):
        ident = id(value)
        # The entry goes when the table does, before its id can be reused.
        _ORIGINS[ident] = (weakref.ref(value, lambda _: _ORIGINS.pop(ident, None)), key)


def origin_of(value: Any) -> str | None:
    """The key a table was loaded with, while it is that very (unchanged) object."""
    entry = _ORIGINS.get(id(value))
    return entry[1] if entry is not None and entry[0]() is value else None


def load(query: Callable[..., T], actor: Actor, **params: Any) -> T:
    """Run a service query, or reuse its result while no write has happened since."""
    key = _key(query, actor, params)
    value = copy.deepcopy(_cached(key, query, actor, params))  # a page may change its copy
    _remember_origin(value, key)
    return value  # type: ignore[no-any-return]


@keyed_cache(500)
def _kept(key: str, build: Callable, actor: Actor, params: dict[str, Any]) -> Any:
    return build(actor=actor, **params)


def kept(build: Callable[..., T], actor: Actor, **params: Any) -> T:
    """A finished piece of a screen (a table), built once per data version, actor and inputs."""
    # Tables a screen builds from its reads (formatting hundreds of rows) cost more than a
    # cached rerun may take. They are shared by every session that would build the very same
    # one, so nothing may change a kept piece after it is built.
    return _kept(_key(build, actor, params), build, actor, params)  # type: ignore[no-any-return]


def ready_to_send(table: pd.DataFrame) -> pa.Table:
    """A table converted once to what st.dataframe sends (Arrow), instead of on every rerun."""
    return pa.Table.from_pandas(table, preserve_index=False)


def forget_kept() -> None:
    """Drop the loaded data and the kept pieces (benchmarks measure a cold start with it)."""
    _cached.cache_clear()
    _kept.cache_clear()


forget_also(forget_kept)


NOTICES_KEY = "grantmon_notices"


def write(command: Callable[..., T], actor: Actor, **params: Any) -> T:
    """Run a service command in its own session (it commits or rolls back by itself).

    What the write did besides what was asked (e.g. a submitted quarter taken back to 'in
    progress') is kept for the next screen drawn, which says it (pending_notices).
    """
    try:
        with Session(engine()) as session:
            done = command(session=session, actor=actor, **params)
            st.session_state.setdefault(NOTICES_KEY, []).extend(take_notices(session))
            return done
    finally:
        refresh_data_version()  # what the rest of this rerun reads includes the write


def carry_choices(*keys: str) -> None:
    """Hand the sidebar's choices from the last run to this run's widgets with these keys."""
    # A widget's identity includes the script Streamlit says it is running, and on the first run
    # after the server starts (its folder navigation) that differs from every later run: without
    # this, the first choice made in that session is dropped for the default.
    for key in keys:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def pending_notices() -> list[str]:
    """The notices of this person's last writes, each given once."""
    return list(st.session_state.pop(NOTICES_KEY, []))
