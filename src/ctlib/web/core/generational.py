"""Something a web worker reads from the published generation's files (its search
index, its completions), kept until an ingest switches to another generation."""

from __future__ import annotations

import threading
from typing import Callable, Generic, TypeVar

T = TypeVar("T")


class PerGeneration(Generic[T]):
    def __init__(self, read: Callable[[object], T]):
        """``read(snapshot)`` makes the thing; it raises to say the generation has none."""
        self._read = read
        self._open: tuple[str, T] | None = None
        self._lock = threading.Lock()

    def of(self, snapshot) -> T:
        with self._lock:
            if self._open is None or self._open[0] != snapshot.generation:
                self._open = (snapshot.generation, self._read(snapshot))
            return self._open[1]
