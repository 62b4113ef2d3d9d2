"""The typed parameters of a saved query (docs/saved-queries.md), declared in its
``.rq`` file by lines such as ``# parameter country: concept of countries = et``.

A value is checked against its type and written as one SPARQL term, which then takes
the place of the parameter's variable: a prefixed name whose local part is letters,
digits and inner hyphens or dots; an IRI serialized by pyoxigraph and checked against
the grammar; a literal serialized by pyoxigraph (quotes and line breaks escaped); an
integer. Nothing a request sends is written into the query any other way, so a value
cannot end the term it is in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox

from ..rdf.sparql_words import TOKENS

DECLARATION = re.compile(
    r"#\s*parameter\s+(?P<name>[A-Za-z_]\w*)\s*:\s*(?P<type>\w+)"
    r"(?:\s+of\s+(?P<scheme>[A-Za-z]\w*))?\s*=\s*(?P<default>.*?)\s*")
TYPES = ("concept", "agent", "year", "text", "iri")
KEY = re.compile(r"[A-Za-z0-9_]+(?:[-.][A-Za-z0-9_]+)*")
"""The local part of a prefixed name written for a value: no character SPARQL would
read as the end of the name, or as anything but the name."""
IRIREF = re.compile(r"<[^<>\"{}|^`\\\x00-\x20]*>")
YEAR = re.compile(r"-?\d{1,4}")
MAX_TEXT = 500


class ParameterError(ValueError):
    """A declaration or a value that cannot be used; says which and why."""


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    default: str
    scheme: str | None = None
    """For a concept: the prefix of its scheme's namespace (``countries``)."""

    @property
    def prefix(self) -> str | None:
        """The prefix a key of this parameter's values is written with."""
        return self.scheme if self.type == "concept" else "agent" if self.type == "agent" else None

    def term(self, value: str, namespaces: dict[str, str]) -> str:
        """``value`` as one SPARQL term, or a ParameterError saying why it is not one of
        this parameter's values. ``namespaces``: the prefixes declared for every query."""
        value = value.strip()
        if not value:
            raise ParameterError(f"parameter {self.name}: give a value")
        if self.prefix:
            return _key(self, value, namespaces)
        if self.type == "year":
            if not YEAR.fullmatch(value):
                raise ParameterError(f"parameter {self.name}={value!r}: a year is an "
                                     "integer such as 2020")
            return str(int(value))
        if self.type == "text":
            if len(value) > MAX_TEXT:
                raise ParameterError(f"parameter {self.name}: {len(value):,} characters; "
                                     f"up to {MAX_TEXT} are accepted")
            return str(ox.Literal(value))
        return _iri(self, value, namespaces)


def declared(line: str) -> Parameter | None:
    """The parameter a header line declares; None if it declares none."""
    found = DECLARATION.fullmatch(line)
    if found is None:
        return None
    kind, scheme = found["type"], found["scheme"]
    if kind not in TYPES:
        raise ParameterError(f"{line!r}: unknown type {kind!r}; the types are "
                             + ", ".join(TYPES))
    if (kind == "concept") != (scheme is not None):
        raise ParameterError(f"{line!r}: a concept parameter names its scheme "
                             "(concept of countries), and only a concept does")
    return Parameter(found["name"], kind, found["default"], scheme)


def bind(query: str, terms: dict[str, str]) -> str:
    """``query`` with each variable named in ``terms`` replaced by its term (strings,
    IRIs and comments are left as they are)."""
    return TOKENS.sub(lambda m: terms.get(m.group()[1:], m.group())
                      if m.group()[:1] in "?$" else m.group(), query)


def _key(parameter: Parameter, value: str, namespaces: dict[str, str]) -> str:
    """A concept or agent: its key (``ci``), prefixed name (``countries:ci``) or IRI."""
    prefix = parameter.prefix
    namespace = namespaces.get(prefix, "")
    key = value.removeprefix(f"{prefix}:")
    if namespace and value.startswith(namespace):
        key = value[len(namespace):]
    if not KEY.fullmatch(key):
        what = f"a concept of {prefix}" if parameter.type == "concept" else "an agent"
        raise ParameterError(f"parameter {parameter.name}={value!r}: not {what}; give its "
                             f"key (such as {parameter.default}) or its IRI")
    return f"{prefix}:{key}"


def _iri(parameter: Parameter, value: str, namespaces: dict[str, str]) -> str:
    """An absolute IRI, or a prefixed name with one of the declared prefixes."""
    prefix, _, local = value.partition(":")
    if prefix in namespaces and KEY.fullmatch(local):
        return value
    try:
        written = str(ox.NamedNode(value))
    except ValueError as error:
        raise ParameterError(f"parameter {parameter.name}={value!r}: not an IRI ({error})"
                             ) from None
    if not IRIREF.fullmatch(written):  # pyoxigraph's IRIs are SPARQL's: checked anyway
        raise ParameterError(f"parameter {parameter.name}={value!r}: not an IRI SPARQL can "
                             "write")
    return written
