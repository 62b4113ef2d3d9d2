"""What every step works from: settings, URIs, the vocabularies and the shapes.

The vocabulary and shape files are read once per Catalogue: the graphs and the
context hash come from the same bytes, so an edit made during an ingest can never
be recorded as checked when it was not.
"""

from __future__ import annotations

import hashlib
from datetime import date
from functools import cached_property
from pathlib import Path

from rdflib import Graph

from . import __version__
from .checking import Checker
from .config import Config
from .rdf.uris import Uris
from .rdf.vocab import VocabIndex
from .records.model import Problem, SourceLocation
from .search.concepts import Concept, read_concepts
from .validation import VOCABULARY_SHAPES, admit_years, validate


class CatalogueError(Exception):
    """A failure that stops a command; ``exit_code`` is what the CLI exits with."""

    exit_code = 2


class Catalogue:
    def __init__(self, config: Config):
        self.config = config
        self.uris = Uris(config.base_uri)
        self.this_year = date.today().year  # once: every batch is checked against one range

    def __getstate__(self) -> dict:
        """For worker processes: the files as read here, so that every batch is checked
        against the bytes the context hash was computed from; graphs are parsed again."""
        self.vocab_files, self.shape_files  # read now, before the state is copied
        return {name: self.__dict__[name] for name in
                ("config", "uris", "this_year", "vocab_files", "shape_files")}

    @cached_property
    def vocab_files(self) -> dict[Path, bytes]:
        return _read_turtle_files(self.config.vocab_dir, "vocabulary")

    @cached_property
    def shape_files(self) -> dict[Path, bytes]:
        return _read_turtle_files(self.config.shapes_dir, "shapes")

    @cached_property
    def vocab(self) -> Graph:
        return self._parse(self.vocab_files)

    @cached_property
    def shapes(self) -> Graph:
        return self._parse_shapes(self.shape_files)

    @cached_property
    def record_shapes(self) -> Graph:
        """The shapes without the vocabulary's own: record batches carry the concepts
        they point to reduced to type and scheme, which those shapes would fault."""
        return self._parse_shapes({path: data for path, data in self.shape_files.items()
                                   if path.name != VOCABULARY_SHAPES})

    @cached_property
    def vocab_index(self) -> VocabIndex:
        return VocabIndex(self.vocab, self.uris)

    @cached_property
    def concepts(self) -> dict[str, Concept]:
        """Every concept with its scheme, labels and hierarchy, for the search index."""
        return read_concepts(self.vocab)

    @cached_property
    def context_hash(self) -> str:
        """Changes whenever the outcome of checking an unchanged record could change.

        Not with the year: the admitted years only grow, so a record that passed still
        passes, and records that failed are checked again on every ingest anyway."""
        digest = hashlib.sha1(f"{__version__}|{self.config.base_uri}|"
                              f"{self.config.language}|{self.config.languages}".encode())
        for path, data in {**self.vocab_files, **self.shape_files}.items():
            digest.update(path.name.encode() + b"\0" + data)
        return digest.hexdigest()

    def is_heading(self, text: str) -> bool:
        """A listing's section heading names a category (see docs/sources.md)."""
        return self.vocab_index.has_label(text, "categories")

    def checker(self) -> Checker:
        return Checker(self.vocab, self.record_shapes, self.uris, self.config.language,
                       self.config.languages)

    def vocabulary_problems(self) -> list[Problem]:
        """The vocabularies against the concept shapes, and labels two concepts share."""
        where = SourceLocation(str(self.config.vocab_dir), 0)
        problems = [Problem(where, None, "label", label, "label-clash",
                            f"in the {scheme} scheme both <{a}> and <{b}> have this label")
                    for scheme, label, a, b in self.vocab_index.clashes]
        for result in validate(self.vocab, self.shapes).results:
            problems.append(Problem(where, str(result.focus), None,
                                    None if result.value is None else str(result.value),
                                    result.rule, result.message, result.severity))
        return problems

    def _parse_shapes(self, files: dict[Path, bytes]) -> Graph:
        graph = self._parse(files)
        admit_years(graph, self.uris, self.this_year)
        return graph

    def _parse(self, files: dict[Path, bytes]) -> Graph:
        """Turtle files, relative IRIs resolved against the base URI."""
        graph = Graph()
        for path, data in files.items():
            try:
                graph.parse(data=data, format="turtle", publicID=self.config.base_uri)
            except Exception as error:  # rdflib raises many kinds on a bad Turtle file
                raise CatalogueError(f"{path}: cannot parse: {error}") from error
        return graph


def _read_turtle_files(directory: Path, what: str) -> dict[Path, bytes]:
    files = {path: path.read_bytes() for path in sorted(Path(directory).glob("*.ttl"))}
    if not files:
        raise CatalogueError(f"{directory}: no {what} (*.ttl) found")
    return files
