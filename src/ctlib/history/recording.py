"""The canonical descriptions of records, read from a generation's store as the web
serves them, for the history to compare with what it holds."""

from __future__ import annotations

from typing import Iterable, Iterator

import pyoxigraph as ox

from ..describe import Found, canonical_ntriples, describe
from ..rdf.uris import Uris


def canonical_descriptions(store: ox.Store, uris: Uris, licence: str | None,
                           records: Iterable[str]) -> Iterator[tuple[str, bytes | None]]:
    """(record, its canonical N-Triples), None for a record withdrawn or not there."""
    found = Found(store)
    for record in records:
        description = describe(store, str(uris.record(record)),
                               uris.document("record", record), uris.dataset, licence, found)
        yield record, None if description is None or description.withdrawn else \
            canonical_ntriples(description.triples)
