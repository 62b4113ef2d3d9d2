"""How the change feeds cut the published history into parts (web/harvest/changes.py),
on hand-built lists of the history's records."""

import pytest

from ctlib.history.versions import Change, Published
from ctlib.web.core.errors import NotFound
from ctlib.web.harvest.changes import PublishedChanges

GENERATIONS = [Published("20260101T000000000000Z", "2026-01-01T00:00:00Z", None),
               Published("20260102T000000000000Z", "2026-01-02T00:00:00Z",
                         "20260101T000000000000Z"),
               Published("20260103T000000000000Z", "2026-01-03T00:00:00Z",
                         "20260102T000000000000Z"),
               Published("20260104T000000000000Z", "2026-01-04T00:00:00Z",
                         "20260103T000000000000Z")]


class Listed:
    """The two questions PublishedChanges asks of a history, answered from lists."""

    def __init__(self, changes: dict[str, list[Change]]):
        self._changes = changes

    def generations(self):
        return GENERATIONS

    def changes(self, generation: str):
        return self._changes.get(generation, [])


def changes(count: int, published: str) -> list[Change]:
    return [Change(f"r{n:03}", "created", "ab" * 32, 100, published) for n in range(count)]


@pytest.fixture
def history():
    return Listed({GENERATIONS[0].id: changes(5, GENERATIONS[0].published),
                   GENERATIONS[2].id: changes(2, GENERATIONS[2].published),
                   GENERATIONS[3].id: changes(1, GENERATIONS[3].published)})


def test_parts_are_numbered_within_their_generation_and_count_from_the_whole_feed(history):
    parts = PublishedChanges(history, GENERATIONS[2].id).parts(2)
    assert [(p.generation.id, p.number, p.start, p.size) for p in parts] == [
        (GENERATIONS[0].id, 1, 0, 2), (GENERATIONS[0].id, 2, 2, 2), (GENERATIONS[0].id, 3, 4, 1),
        (GENERATIONS[2].id, 1, 5, 2)]


def test_a_generation_later_than_the_served_one_is_not_listed(history):
    published = PublishedChanges(history, GENERATIONS[2].id)
    assert published.latest == GENERATIONS[2] and published.total() == 7
    with pytest.raises(NotFound, match="no published generation"):
        published.part(GENERATIONS[3].id, 1, 2)


def test_a_part_holds_its_slice_of_the_generation_s_changes(history):
    part, listed = PublishedChanges(history, GENERATIONS[3].id).part(GENERATIONS[0].id, 2, 2)
    assert part.start == 2 and [c.record for c in listed] == ["r002", "r003"]


def test_a_part_past_the_last_one_says_how_many_there_are(history):
    with pytest.raises(NotFound, match="has 3 parts of changes, not a part 4"):
        PublishedChanges(history, GENERATIONS[3].id).part(GENERATIONS[0].id, 4, 2)
