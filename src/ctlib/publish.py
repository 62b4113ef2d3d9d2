"""Filling a new store generation: records, vocabularies, tombstones, and once the
store is complete its dumps and dataset facts (dataset/facts.py).

A new generation starts as a copy of the published one (a checkpoint of hard
links, so loaded graphs come along for free). Only what changed is written:
the records checked this time replace their earlier triples, withdrawn records
lose theirs, agents no record points to any more are dropped, and the vocabulary
and tombstone graphs are loaded anew. Unchanged records cost nothing here, and the
records graph's dumps are the previous generation's less what was deleted plus what
was checked (dumps.GraphText): a 1 % change does not read the whole store back.
"""

from __future__ import annotations

import os
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pyoxigraph
from pyoxigraph import NamedNode, RdfFormat
from rdflib import Graph, Literal

from .catalogue import Catalogue
from .dataset import facts, statistics
from .dumps import GraphText, quads_path
from .history import patches
from .history.recording import canonical_descriptions
from .history.versions import History
from .rdf import ntriples
from .rdf.namespaces import DCTERMS, FOAF, OWL, PROV, XSD
from .registry import Entry, Registry
from .search.index import IndexWriter, Searchable
from .sparql import completions, examples
from .store import Generation

DELETE_BATCH = 500
LOAD_EVERY = 30_000


def graph_names(catalogue: Catalogue) -> dict[str, str]:
    uris = catalogue.uris
    return {"records": str(uris.graph("records")), "meta": str(uris.graph("meta")),
            "vocab": str(uris.graph("vocab")) + "/"}


def owned_by_ingest(catalogue: Catalogue, graph: str) -> bool:
    """Graphs that ingest rewrites; any other named graph came from `ctlib load`."""
    names = graph_names(catalogue)
    return graph in (names["records"], names["meta"], statistics.graph(catalogue.uris).value) \
        or graph.startswith(names["vocab"])


def publish_statistics(catalogue: Catalogue, store, generation: Generation) -> None:
    """The statistics graph and the editor's completions of a generation whose facts
    are written, from one count. (A store that changed had its statistics graph cleared
    before its dumps were written: the graph is not part of the data.)"""
    statistics.clear(store, catalogue.uris)  # and not counted in it either
    counted = statistics.count(store, generation.search_path,
                               facts.DatasetFacts.read(generation.path).classes)
    completions.build(generation.completions_path, counted, generation.search_path,
                      examples.prefixes(catalogue.uris.base), catalogue.config.language)
    statistics.write(store, catalogue.uris, counted)


class GenerationWriter:
    """Writes an ingest's changes into a new generation.

    Checked records are appended to N-Triples files as they arrive; every LOAD_EVERY
    records a file is handed to a loader thread while the workers go on checking, and
    the rest is loaded at the end. Loading every batch of a thousand cost Oxigraph more
    in compaction (100k records: 75.9 s); loading all at the end left a core idle
    (61–64 s); loading in the main thread starved the workers (68 s).

    A triple about anything but the record itself (its authors) goes into the files
    once per ingest, so the files hold no triple twice. When the generation started
    empty, they are then exactly the records graph, and its dump is written from them:
    reading 1.3M quads back out of Oxigraph took 12.6 s of a 66 s first 100k ingest.
    Otherwise its dump is the previous one's less the subjects deleted (``gone``: the
    records replaced or withdrawn, the agents orphaned) plus the files.
    """

    def __init__(self, catalogue: Catalogue, generation: Generation, before: Registry,
                 previous: Generation | None):
        """``previous``: the published generation this one starts as a copy of."""
        self.catalogue = catalogue
        self.generation = generation
        self.before = before
        self.previous = previous
        self.store = pyoxigraph.Store(str(generation.store_path))
        self.records = NamedNode(graph_names(catalogue)["records"])
        self.loader = ThreadPoolExecutor(max_workers=1)
        self.loads: list[Future] = []
        self.checked_files: list[Path] = []
        self.shared_lines: set[str] = set()
        self.search = IndexWriter(generation.search_path, lambda: catalogue.concepts,
                                  self.previous.search_path if self.previous else None)
        self.gone: set[str] = set()
        """Subjects whose triples were deleted from the records graph (N-Triples terms)."""
        self.orphan_candidates: set[str] = set()
        """Agents that a deleted record named as creator: orphans unless another does."""
        self.added = 0
        self.written: list[str] = []
        self._start_file()

    def _start_file(self) -> None:
        self.checked_path = self.generation.path / f"checked-{len(self.loads)}.nt"
        self.checked_files.append(self.checked_path)
        self.checked = open(self.checked_path, "w", encoding="utf-8")
        self.waiting = 0
        self.replaced: list[str] = []

    def add(self, entry: Entry, nt: str, searchable: Searchable) -> None:
        """A record's checked N-Triples and search entry, replacing what it had
        published before."""
        subject = ntriples.term(self.catalogue.uris.record(entry.id))
        self.checked.write(self._once(subject, nt) + _modified(subject, entry))
        self.search.add(entry.id, entry.first_published, searchable)
        self.added += 1
        self.written.append(entry.id)
        known = self.before.entries.get(entry.id)
        if known is not None and known.published:
            self.replaced.append(entry.id)
        self.waiting += 1
        if self.waiting >= LOAD_EVERY:
            self._hand_over()
            self._start_file()

    def _once(self, subject: str, nt: str) -> str:
        """The record's lines, less those about others (authors) written before."""
        own = subject + " "
        kept = []
        for line in nt.split("\n")[:-1]:  # not splitlines: literals may hold U+2028
            if not line.startswith(own):
                if line in self.shared_lines:
                    continue
                self.shared_lines.add(line)
            kept.append(line + "\n")
        return "".join(kept)

    def _hand_over(self) -> None:
        self.checked.close()
        self.loads.append(self.loader.submit(self._load, self.checked_path, self.replaced))

    def _load(self, path: Path, replaced: list[str]) -> None:
        self._drop(replaced)
        self.store.bulk_load(path=str(path), format=RdfFormat.N_TRIPLES, to_graph=self.records)

    def close(self) -> None:
        """Stop loading, whatever happened: the generation directory may be removed
        next, and Oxigraph must not be writing into it then."""
        self.loader.shutdown(wait=True, cancel_futures=True)
        self.checked.close()
        self.search.close()

    def finish(self, registry: Registry, withdrawn: list[str]) -> None:
        self._hand_over()
        self.loader.shutdown(wait=True)
        for load in self.loads:
            load.result()  # re-raises a failed load here, before anything is published
        self._drop(withdrawn)
        self.search.remove(withdrawn)
        self.search.finish()  # merged on its thread while the store is finished here
        changed = self._changed(withdrawn)
        if changed:
            self._rewrite_derived_graphs(registry)
        # Unchanged, the copy of the published store is already right, and left alone:
        # merging its files (optimize) re-reads the whole store, 3.4 s at 100k records.
        self.store.flush()
        facts.publish(self.store, self.catalogue.uris, self.generation.path,
                        self.previous.path if self.previous else None,
                        changed, registry.info["ingested"], self._records_text())
        patches.write(self.catalogue.config.data_dir, self.generation, self.previous,
                      registry.info["ingested"])
        self.search.wait()  # a failed index write raises here, before anything is published
        self._complete(changed)
        del self.store  # closed: the history reads the generation's store read-only
        self._record_history(registry, withdrawn)
        for path in self.checked_files:
            path.unlink()
        registry.write(self.generation.registry_path, since=self.before)

    def _records_text(self) -> GraphText:
        """The records graph as text on disk: the checked files, and the previous
        generation's dump for the records this ingest left alone."""
        if self.previous is None:
            return GraphText(self.records, self.checked_files)
        return GraphText(self.records, self.checked_files, quads_path(self.previous.path),
                         frozenset(subject.encode() for subject in self.gone),
                         frozenset((line + "\n").encode() for line in self.shared_lines))

    def _record_history(self, registry: Registry, withdrawn: list[str]) -> None:
        """Every record this ingest wrote or withdrew, as the history's next versions:
        every record ever published when the history does not end with the generation
        this one follows (the first publication, or a history started late)."""
        history = History.for_writing(self.catalogue.config.data_dir)
        try:
            previous = self.previous.id if self.previous else None
            follows = previous is not None and history.latest() == previous
            records = self.written + withdrawn if follows else list(registry.entries)
            history.publish(self.generation.id, previous, registry.info["ingested"],
                            canonical_descriptions(self.generation.store_path,
                                                   self.catalogue.uris,
                                                   self.catalogue.config.licence, records,
                                                   self.catalogue.config.workers))
        finally:
            history.close()

    def _complete(self, changed: bool) -> None:
        """The editor's completions and the statistics graph: the published generation's
        (linked; in the copied store) when nothing changed (counting every property reads
        the whole store, 4 s at 100k records)."""
        known = self.previous.completions_path if self.previous else None
        if not changed and known is not None and known.exists():
            os.link(known, self.generation.completions_path)
            return
        publish_statistics(self.catalogue, self.store, self.generation)

    def _rewrite_derived_graphs(self, registry: Registry) -> None:
        """Orphaned agents out, vocabularies and tombstones anew, the files merged."""
        self.gone |= _drop_orphan_agents(self.store, self.records, self.orphan_candidates)
        _replace_vocabularies(self.catalogue, self.store)
        statistics.clear(self.store, self.catalogue.uris)
        meta = NamedNode(graph_names(self.catalogue)["meta"])
        self.store.clear_graph(meta)
        self.store.bulk_load(input=_tombstones(self.catalogue, registry).serialize(format="nt"),
                             format=RdfFormat.N_TRIPLES, to_graph=meta)
        # Bulk loads in parts leave many overlapping files; unmerged, every lookup reads
        # all of them and queries ran 3x slower. Merging costs ~2 s per 100k records.
        self.store.optimize()

    def _changed(self, withdrawn: list[str]) -> bool:
        """Whether the store differs from the published one: records written or
        withdrawn, or the vocabularies (in the checking context) changed."""
        return bool(self.added or withdrawn) or \
            self.before.info.get("context") != self.catalogue.context_hash

    def _drop(self, identifiers: list[str]) -> None:
        """Delete the triples whose subject is one of these records, noting the agents
        they named (read before they go: after, nothing says which agents to check)."""
        uris = [ntriples.term(self.catalogue.uris.record(i)) for i in identifiers]
        for values in _values(uris):
            self.orphan_candidates.update(str(row["agent"]) for row in self.store.query(
                f"SELECT DISTINCT ?agent WHERE {{ VALUES ?s {{ {values} }} "
                f"GRAPH {self.records} {{ ?s <{DCTERMS.creator}> ?agent }} }}"))
        _delete_subjects(self.store, self.records, uris)
        self.gone.update(uris)


def _delete_subjects(store, graph: NamedNode, subjects: list[str]) -> None:
    """Delete the graph's triples whose subject is one of these N-Triples terms."""
    for values in _values(subjects):
        store.update(f"DELETE {{ GRAPH {graph} {{ ?s ?p ?o }} }} WHERE {{ "
                     f"VALUES ?s {{ {values} }} GRAPH {graph} {{ ?s ?p ?o }} }}")


def _drop_orphan_agents(store, records: NamedNode, candidates: set[str]) -> set[str]:
    """Delete the candidate agents no record names as creator any more; returns them.

    Only the agents of deleted records can have become orphans: looking at those alone
    makes the cost follow the change (every agent of 100k records took 10 s)."""
    orphans: set[str] = set()
    for values in _values(sorted(candidates)):
        orphans.update(str(row["agent"]) for row in store.query(f"""
            SELECT ?agent WHERE {{ VALUES ?agent {{ {values} }} GRAPH {records} {{
                ?agent a <{FOAF.Agent}> .
                FILTER NOT EXISTS {{ ?record <{DCTERMS.creator}> ?agent }} }} }}"""))
    _delete_subjects(store, records, sorted(orphans))
    return orphans


def _values(terms: list[str]):
    """The N-Triples terms as VALUES lists of DELETE_BATCH at most, one query each."""
    for start in range(0, len(terms), DELETE_BATCH):
        yield " ".join(terms[start:start + DELETE_BATCH])


def _replace_vocabularies(catalogue: Catalogue, store) -> None:
    prefix = graph_names(catalogue)["vocab"]
    for graph in list(store.named_graphs()):
        if isinstance(graph, NamedNode) and graph.value.startswith(prefix):
            store.remove_graph(graph)
    for path, data in catalogue.vocab_files.items():
        store.bulk_load(input=data, format=RdfFormat.TURTLE, base_iri=catalogue.uris.base,
                        to_graph=NamedNode(prefix + Path(path).stem))


MODIFIED = f"<{DCTERMS.modified}>"
DATE_TIME = f"<{XSD.dateTime}>"


def _modified(subject: str, entry: Entry) -> str:
    """The record's modification time as a line of N-Triples (an ISO 8601 time written
    by ingest: nothing in it needs escaping)."""
    return f'{subject} {MODIFIED} "{entry.modified}"^^{DATE_TIME} .\n'


def _tombstones(catalogue: Catalogue, registry: Registry) -> Graph:
    graph = Graph()
    for entry in registry.withdrawn():
        uri = catalogue.uris.record(entry.id)
        graph.add((uri, OWL.deprecated, Literal(True)))
        graph.add((uri, DCTERMS.identifier, Literal(entry.id)))
        graph.add((uri, PROV.invalidatedAtTime, Literal(entry.withdrawn, datatype=XSD.dateTime)))
        if entry.title:
            graph.add((uri, DCTERMS.title, Literal(entry.title, lang=catalogue.config.language)))
    return graph
