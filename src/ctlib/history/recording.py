"""The canonical descriptions of records, read from a generation's store as the web
serves them, for the history to compare with what it holds."""

from __future__ import annotations

from typing import Iterable, Iterator

import pyoxigraph as ox

from ..describe import canonical_ntriples, describe
from ..rdf.uris import Uris


def canonical_descriptions(store: ox.Store, uris: Uris, licence: str | None,
                           records: Iterable[str]) -> Iterator[tuple[str, bytes | None]]:
    """(record, its canonical N-Triples), None for a record withdrawn or not there."""
    for record in records:
        found = describe(store, str(uris.record(record)), uris.document("record", record),
                         uris.dataset, licence)
        yield record, None if found is None or found.withdrawn else \
            canonical_ntriples(found.triples)
