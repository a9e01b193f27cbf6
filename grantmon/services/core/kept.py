"""Results a service computes once per database, data version and inputs, shared by sessions."""

import threading
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from cachetools import LRUCache
from sqlmodel import Session

from grantmon.services.core.database import data_version

T = TypeVar("T")
_EVERY_STORE: list["PerDataVersion"] = []


class PerDataVersion(Generic[T]):
    """An LRU store keyed by database, data version and inputs: any write makes it stale."""

    def __init__(self, size: int) -> None:
        self._values: LRUCache[tuple, T] = LRUCache(maxsize=size)
        self._lock = threading.Lock()  # session threads share the store
        _EVERY_STORE.append(self)

    def get(self, session: Session, inputs: Hashable, compute: Callable[[], T]) -> T:
        """The stored value for these inputs at the current data version, computed if missing."""
        key = (str(session.get_bind().engine.url), data_version(session), inputs)
        with self._lock:
            found = self._values.get(key)
        if found is None:
            found = compute()
            with self._lock:
                self._values[key] = found
        return found

    def clear(self) -> None:
        """Forget every stored value."""
        with self._lock:
            self._values.clear()


def forget_computed() -> None:
    """Empty every store (benchmarks measure a cold start with it)."""
    for store in _EVERY_STORE:
        store.clear()
