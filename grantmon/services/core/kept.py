"""Results computed once per database, data version and inputs, shared by sessions.

Every store of such results in the process is known here, those the screens keep too (they
register with `forget_also`), so that one call empties them all: a benchmark's cold start.
"""

import threading
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import Any, Generic, TypeVar

from cachetools import LRUCache
from sqlmodel import Session

from grantmon.services.core.database import data_version

T = TypeVar("T")
_EVERY_STORE: list["PerDataVersion"] = []
_FORGET_ALSO: list[Callable[[], None]] = []
Read = tuple[Callable[..., Any], Any, dict[str, Any]]  # a service read, its actor and inputs
_NOTEBOOKS: list[list[Read]] = []


class PerDataVersion(Generic[T]):
    """An LRU store keyed by database, data version and inputs: any write makes it stale."""

    def __init__(self, size: int) -> None:
        self._values: LRUCache[tuple, T] = LRUCache(maxsize=size)
        self._lock = threading.Lock()  # session threads share the store
        _EVERY_STORE.append(self)

    def get(self, session: Session, inputs: Hashable, compute: Callable[[], T]) -> T:
        """The stored value for these inputs at the current data version, computed if missing."""
        key = self._key(session, inputs)  # before computing: a write meanwhile makes it stale
        with self._lock:
            found = self._values.get(key)
        if found is None:
            found = compute()
            with self._lock:
                self._values[key] = found
        return found

    def known(self, session: Session, inputs: Hashable) -> T | None:
        """The stored value for these inputs at the current data version, if there is one."""
        key = self._key(session, inputs)
        with self._lock:
            return self._values.get(key)

    @staticmethod
    def _key(session: Session, inputs: Hashable) -> tuple:
        return (str(session.get_bind().engine.url), data_version(session), inputs)

    def clear(self) -> None:
        """Forget every stored value."""
        with self._lock:
            self._values.clear()


def forget_also(clear: Callable[[], None]) -> None:
    """Have forget_computed also empty another store of this process (a screen's cache)."""
    _FORGET_ALSO.append(clear)


def forget_computed() -> None:
    """Empty every store (benchmarks measure a cold start with it)."""
    for store in _EVERY_STORE:
        store.clear()
    for clear in _FORGET_ALSO:
        clear()


@contextmanager
def noting_reads() -> Iterator[list[Read]]:
    """Note each service read computed afresh while the block runs (benchmarks time them)."""
    notebook: list[Read] = []
    _NOTEBOOKS.append(notebook)
    try:
        yield notebook
    finally:
        _NOTEBOOKS.remove(notebook)


def note_read(query: Callable[..., Any], actor: Any, params: dict[str, Any]) -> None:
    """Tell whoever is noting reads that a cache is computing this one."""
    for notebook in _NOTEBOOKS:
        notebook.append((query, actor, params))
