"""One page of a record collection: its records, and where the first, previous, next
and last pages start.

A page is named by the identifier it follows (``after=``), never by an offset: records
added or withdrawn by a re-ingest move nothing that comes after them, so a harvester
following next links from one generation to the next skips nothing and sees nothing
twice. First, next and last pages are aligned on the page size from the start of the
list; a page reached by an arbitrary ``after`` still has an exact next page, and its
previous page is the ``limit`` records before it (the first page, if fewer precede).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timezone
from urllib.parse import quote

from werkzeug.datastructures import MultiDict

from ...published.records import IndexedRecord, RecordIndex, Selection
from ..core.errors import BadRequest
from ..core.languages import PARAMETER as LANGUAGE_PARAMETER
from ..core.parameters import whole_number

DEFAULT_SIZE = 100
MAX_SIZE = 1000
PARAMETERS = ("modified_since", "limit", "after")
"""Every parameter a collection takes, in the order its links write them."""


@dataclass(frozen=True)
class PageRequest:
    """What a client asked for, normalised: equal requests give the same links and ETag."""

    modified_since: str | None = None
    """UTC, to the second, as the registry writes modification times."""
    limit: int | None = None
    """The page size the client named; None means the default."""
    after: str | None = None

    @property
    def size(self) -> int:
        return self.limit or DEFAULT_SIZE

    def selection(self, members: frozenset[str] | None) -> Selection:
        return Selection(modified_from=self.modified_since, members=members)

    def at(self, after: str | None) -> PageRequest:
        """The same list and page size, starting after ``after``."""
        return replace(self, after=after)

    def filters(self) -> str:
        """The query naming the whole (filtered) collection: no page position or size."""
        return _query([("modified_since", self.modified_since)])

    def query(self) -> str:
        """The query naming exactly this page. It always names the page size, so that no
        page, not even the first, has the IRI of the collection it is a view of."""
        return _query([("modified_since", self.modified_since), ("limit", str(self.size)),
                       ("after", self.after)])


def parse_request(args: MultiDict) -> PageRequest:
    """A page request from query parameters; BadRequest naming what is wrong. Unknown
    parameters are refused rather than ignored: a mistyped ``modifed_since`` would
    otherwise turn an incremental harvest into a full one without a word. ``lang``
    chooses the language of the page, as on every page."""
    unknown = sorted(set(args) - set(PARAMETERS) - {LANGUAGE_PARAMETER})
    if unknown:
        raise BadRequest(f"unknown parameter {unknown[0]!r}; a collection takes "
                         f"{', '.join(PARAMETERS)}")
    for name in PARAMETERS:
        if len(args.getlist(name)) > 1:
            raise BadRequest(f"{name} is given {len(args.getlist(name))} times; give it once")
    value = {name: args.get(name) or None for name in PARAMETERS}  # empty form fields: unset
    return PageRequest(
        modified_since=_instant(value["modified_since"]) if value["modified_since"] else None,
        limit=whole_number("limit", value["limit"], 1, MAX_SIZE) if value["limit"] else None,
        after=value["after"])


def _instant(value: str) -> str:
    """An ISO 8601 date-time (UTC when it names no offset) or a date (its midnight, UTC),
    cut to the second: a harvester's last-harvest time rounds down, so it may see a record
    again but never misses one."""
    try:
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        utc = moment.astimezone(timezone.utc).replace(microsecond=0, tzinfo=None)
    except (ValueError, OverflowError):  # overflow: an offset moving it past year 1 or 9999
        raise BadRequest(f"modified_since={value!r} is not an ISO 8601 date-time; give one like "
                         "2024-05-01T12:00:00Z, or a date like 2024-05-01") from None
    return utc.isoformat() + "Z"


def _query(pairs: list[tuple[str, str | None]]) -> str:
    given = [f"{name}={quote(value, safe=':')}" for name, value in pairs if value is not None]
    return "?" + "&".join(given) if given else ""


@dataclass(frozen=True)
class Page:
    records: list[IndexedRecord]
    total: int
    """Records in the whole (filtered) collection."""
    start: int
    """How many records of the collection come before this page's first."""
    first: PageRequest
    last: PageRequest
    previous: PageRequest | None
    next: PageRequest | None


def page_of(index: RecordIndex, asked: PageRequest,
            members: frozenset[str] | None = None) -> Page:
    selection = asked.selection(members)
    size = asked.size
    found = index.page(selection, asked.after, size + 1)
    records = found[:size]
    first = asked.at(None)
    total = index.count(selection)
    return Page(
        records=records, total=total,
        start=index.count(selection, up_to=asked.after) if asked.after is not None else 0,
        first=first,
        last=_last(index, selection, asked, total),
        previous=_previous(index, selection, asked),
        next=asked.at(records[-1].id) if len(found) > size else None)


def _previous(index: RecordIndex, selection: Selection, asked: PageRequest) -> PageRequest | None:
    if asked.after is None:
        return None
    before = index.tail(selection, asked.after, asked.size + 1)
    if not before:
        return None
    return asked.at(before[0].id if len(before) > asked.size else None)


def _last(index: RecordIndex, selection: Selection, asked: PageRequest,
          total: int) -> PageRequest:
    """The page holding the last records, aligned on the page size from the start."""
    on_last_page = (total - 1) % asked.size + 1 if total else 0
    if total <= on_last_page:
        return asked.at(None)
    return asked.at(index.tail(selection, None, on_last_page + 1)[0].id)
