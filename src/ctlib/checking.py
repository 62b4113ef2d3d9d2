"""Map and validate a batch of records: what each worker process does.

One pyshacl run per batch (the vocabulary's scheme memberships added to the data
graph, since pyshacl cannot see SKOS concepts passed as an ontology), each result
traced back to its record, field, source value and line.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace

from rdflib import Graph, URIRef

from .rdf import ntriples
from .rdf.fixed_store import FixedStore
from .rdf.mapping import MAPPING, MappedRecord, MappingContext, map_record
from .rdf.namespaces import DCTERMS, FOAF
from .rdf.uris import Uris
from .rdf.vocab import VocabIndex, scheme_membership
from .records.model import Problem, Record, Severity
from .records.typos import TypoFinder
from .search.index import Searchable, searchable
from .validation import Result, validate

FIELD_OF_PREDICATE = {row.predicate: row.field for row in MAPPING}
FIELD_OF_PREDICATE.update({DCTERMS.identifier: "id", FOAF.name: "authors"})
CREATOR = DCTERMS.creator


@dataclass
class Outcome:
    """A record after checking: its triples if it may be published, and its problems."""

    id: str | None
    title: str | None
    nt: str | None
    problems: list[Problem]
    searchable: Searchable | None = None

    @property
    def rejected(self) -> bool:
        return self.nt is None


class Checker:
    def __init__(self, vocab: Graph, shapes: Graph, uris: Uris, language: str,
                 languages: tuple[str, ...]):
        self.context = MappingContext(uris, VocabIndex(vocab, uris), language, languages)
        self.typos = TypoFinder(self.context.vocab.labels())
        self.shapes = shapes
        self.membership = tuple(scheme_membership(vocab))

    def check(self, records: list[Record]) -> list[Outcome]:
        mapped = [map_record(record, self.context) for record in records]
        data = Graph(FixedStore(itertools.chain(
            self.membership, *(item.triples for item in mapped))))
        results = validate(data, self.shapes).results
        problems = self._attribute(records, mapped, results)
        return [self._outcome(record, item, found)
                for record, item, found in zip(records, mapped, problems)]

    def _outcome(self, record: Record, item: MappedRecord, problems: list[Problem]) -> Outcome:
        found_first = record.problems + item.problems + \
            self.typos.problems(record, item.id, item.language.code)
        # A field whose value could not be read or matched has a violation already: the
        # shapes' complaint about the same field (no category, say) would only echo it.
        # A warning (control characters taken out) leaves a value the shapes must check.
        # Without a title there is no identifier either; the title problem says why.
        echoes = {p.field for p in found_first if p.severity is Severity.VIOLATION} | \
            ({"id"} if item.id is None else set())
        problems = [replace(p, record_id=item.id) for p in found_first] + \
            [p for p in problems if p.field not in echoes]
        rejected = item.id is None or any(p.severity is Severity.VIOLATION for p in problems)
        if rejected:
            return Outcome(item.id, record.first("title"), None, problems)
        return Outcome(item.id, record.first("title"), ntriples.lines(set(item.triples)),
                       problems, searchable(item.uri, item.triples))

    def _attribute(self, records, mapped, results: list[Result]) -> list[list[Problem]]:
        """Each SHACL result as a Problem of the record(s) it concerns."""
        position = {item.uri: i for i, item in enumerate(mapped)}
        creators: dict[URIRef, list[int]] | None = None  # built only if an agent fails
        found: list[list[Problem]] = [[] for _ in records]
        for result in results:
            if result.focus in position:
                owners = [position[result.focus]]
            else:
                creators = creators if creators is not None else _creators(mapped)
                owners = creators.get(result.focus, [])
            for i in owners:
                found[i].append(_problem(records[i], mapped[i], result))
        return found


def _creators(mapped: list[MappedRecord]) -> dict[URIRef, list[int]]:
    """Each agent with the positions of the records that name it as author."""
    creators: dict[URIRef, list[int]] = {}
    for i, item in enumerate(mapped):
        for _, predicate, agent in item.triples:
            if predicate == CREATOR:
                creators.setdefault(agent, []).append(i)
    return creators


def _problem(record: Record, item: MappedRecord, result: Result) -> Problem:
    origin = item.origins.get((result.path, result.value))
    if origin is not None:
        field, index = origin
        return Problem(record.where(field, index), item.id, field, record.all(field)[index],
                       result.rule, result.message, result.severity)
    field = FIELD_OF_PREDICATE.get(result.path)
    value = None if result.value is None else str(result.value)
    return Problem(record.where(field) if field else record.location, item.id, field, value,
                   result.rule, result.message, result.severity)
