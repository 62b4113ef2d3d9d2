"""What every step works from: settings, URIs, the vocabularies and the shapes.

Loaded lazily and once; a worker process builds its own from the same settings.
"""

from __future__ import annotations

import hashlib
from functools import cached_property, partial
from pathlib import Path

from rdflib import Graph

from . import __version__
from .checking import Checker
from .config import Config
from .rdf.uris import Uris
from .rdf.vocab import VocabIndex, load_vocab
from .records.model import Problem, SourceLocation
from .validation import load_shapes, validate


class CatalogueError(Exception):
    """A failure that stops a command; ``exit_code`` is what the CLI exits with."""

    exit_code = 2


class Catalogue:
    def __init__(self, config: Config):
        self.config = config
        self.uris = Uris(config.base_uri)

    def vocab_files(self) -> list[Path]:
        files = sorted(Path(self.config.vocab_dir).glob("*.ttl"))
        if not files:
            raise CatalogueError(f"{self.config.vocab_dir}: no vocabulary (*.ttl) found")
        return files

    def shape_files(self) -> list[Path]:
        files = sorted(Path(self.config.shapes_dir).glob("*.ttl"))
        if not files:
            raise CatalogueError(f"{self.config.shapes_dir}: no shapes (*.ttl) found")
        return files

    @cached_property
    def vocab(self) -> Graph:
        self.vocab_files()
        return _parse(load_vocab, self.config.vocab_dir, self.config.base_uri)

    @cached_property
    def shapes(self) -> Graph:
        self.shape_files()
        return _parse(load_shapes, self.config.shapes_dir, self.config.base_uri)

    @cached_property
    def record_shapes(self) -> Graph:
        return _parse(partial(load_shapes, records_only=True), self.config.shapes_dir,
                      self.config.base_uri)

    @cached_property
    def vocab_index(self) -> VocabIndex:
        return VocabIndex(self.vocab, self.uris)

    def is_heading(self, text: str) -> bool:
        """A listing's section heading names a category (see docs/sources.md)."""
        return self.vocab_index.has_label(text, "categories")

    def checker(self) -> Checker:
        return Checker(self.vocab, self.record_shapes, self.uris, self.config.language)

    def context_hash(self) -> str:
        """Changes whenever the outcome of checking an unchanged record could change."""
        digest = hashlib.sha1(f"{__version__}|{self.config.base_uri}|"
                              f"{self.config.language}".encode())
        for path in self.vocab_files() + self.shape_files():
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
        return digest.hexdigest()

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


def _parse(loader, directory: Path, base: str) -> Graph:
    try:
        return loader(directory, base)
    except Exception as error:  # rdflib raises many kinds on a bad Turtle file
        raise CatalogueError(f"{directory}: cannot parse: {error}") from error
