"""What ResourceSync (``resourcesync``) and the change feed (``activity``) both read:
the published history (``ctlib.history``) as far as the served generation, cut into
numbered parts of a given size.

A part is named by its generation and its number within it, never by its position in
the whole feed: a URL once given names the same changes for ever, whatever later
ingests add after it.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from ...history.versions import Change, History, Published
from ..core.errors import NotFound
from ..core.generational import PerGeneration


@dataclass(frozen=True)
class Part:
    generation: Published
    number: int
    """From 1, within its generation."""
    start: int
    """How many changes come before its first one in the whole feed."""
    size: int


class PublishedChanges:
    """The history of the generations published up to the served one, each
    generation's changes counted once (per worker, per served generation)."""

    def __init__(self, history: History, served: str):
        self.history = history
        # generation ids are times: a later one is written before it is served
        self.generations = [g for g in history.generations() if g.id <= served]
        self._counts: dict[str, int] = {}

    @property
    def latest(self) -> Published | None:
        return self.generations[-1] if self.generations else None

    def count(self, generation: str) -> int:
        if generation not in self._counts:
            self._counts[generation] = len(self.history.changes(generation))
        return self._counts[generation]

    def total(self) -> int:
        return sum(self.count(g.id) for g in self.generations)

    def parts(self, size: int) -> list[Part]:
        """Every part, oldest first; a generation that changed nothing has none."""
        found, start = [], 0
        for generation in self.generations:
            count = self.count(generation.id)
            for number, first in enumerate(range(0, count, size), 1):
                found.append(Part(generation, number, start + first, min(size, count - first)))
            start += count
        return found

    def generation(self, generation: str) -> Published:
        for published in self.generations:
            if published.id == generation:
                return published
        raise NotFound(f"no published generation is called {generation!r}; the change "
                       "list index (/resourcesync/changelist.xml) and /activity/ name them")

    def part(self, generation: str, number: int, size: int) -> tuple[Part, list[Change]]:
        """The part and its changes; NotFound names what exists."""
        self.generation(generation)
        for part in self.parts(size):
            if part.generation.id == generation and part.number == number:
                first = (number - 1) * size
                return part, self.history.changes(generation)[first:first + size]
        raise NotFound(f"generation {generation} has {-(-self.count(generation) // size)} "
                       f"parts of changes, not a part {number}")


def published_changes() -> PublishedChanges:
    """The served generation's, opened once per worker and generation."""
    ctx = current_app.extensions["ctlib"]
    opened = current_app.extensions.setdefault(
        "ctlib_history", PerGeneration(lambda snapshot: PublishedChanges(
            History.open(ctx.config.data_dir), snapshot.generation)))
    return opened.of(ctx.published.snapshot())
