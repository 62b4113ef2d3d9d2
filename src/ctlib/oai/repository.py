"""The six OAI-PMH verbs over the published generation: records from its registry in
identifier order (RecordIndex), sets from its vocabularies, metadata from its store.

Identifiers are the records' URIs (``{base}id/record/{id}``): the same identifier a
record has in every other way ctlib publishes it, resolvable, and valid whatever the
configured base. Withdrawn records stay listed as deleted, for ever (deletedRecord
persistent), with the time of their withdrawal as datestamp.
"""

from __future__ import annotations

import threading
import xml.etree.ElementTree as ET
from dataclasses import dataclass

import pyoxigraph as ox

from ..config import Config
from ..describe import Description, Found, describe
from ..published.records import ConceptMembers, IndexedRecord, RecordIndex, Selection
from ..published.snapshot import Snapshot
from ..rdf.namespaces import DCTERMS
from ..rdf.uris import Uris
from . import datestamps, errors, tokens, xml
from .arguments import RESUMPTION_TOKEN, Request, is_identifier
from .arguments import parse as parse_arguments
from .errors import OAIError
from .metadata import BY_PREFIX, FORMATS, Context, MetadataFormat
from .sets import OAISet, SetHierarchy, read_sets
from .xml import add

IDENTIFIERS_PER_RECORD = 5
"""A ListIdentifiers page holds this many times the headers of a ListRecords page."""

_CONCEPT_LINKS = tuple(ox.NamedNode(str(p)) for p in (DCTERMS.subject, DCTERMS.spatial))


class SetsByGeneration:
    """The set hierarchy of the published generation, read again when it changes."""

    def __init__(self):
        self._seen: tuple[str, SetHierarchy] | None = None
        self._lock = threading.Lock()

    def of(self, snapshot: Snapshot, uris: Uris) -> SetHierarchy:
        seen = self._seen
        if seen is None or seen[0] != snapshot.generation:
            with self._lock:
                seen = self._seen
                if seen is None or seen[0] != snapshot.generation:
                    seen = (snapshot.generation, read_sets(snapshot.store, uris))
                    self._seen = seen
        return seen[1]


class Repository:
    def __init__(self, config: Config, uris: Uris, members: ConceptMembers, snapshot: Snapshot,
                 sets: SetHierarchy, stylesheet: str | None = None):
        self.config = config
        self.stylesheet = stylesheet
        """The URL of the XSLT stylesheet every response names, if any."""
        self.uris = uris
        self.members = members
        self.snapshot = snapshot
        self.sets = sets
        self.index = RecordIndex(snapshot.registry_path)
        self.context = Context(config.language, config.licence)
        # A local store is read by pattern, each linked concept's labels once a response:
        # a SPARQL query per record held ListRecords under 500 records/s (bench/harvest.py).
        # A remote store is asked one query per record instead of one per pattern.
        self._found = None if snapshot.remote else Found(snapshot.store)
        self._verbs = {"Identify": self.identify, "ListMetadataFormats": self.list_formats,
                       "ListSets": self.list_sets, "GetRecord": self.get_record,
                       "ListIdentifiers": self.list_identifiers,
                       "ListRecords": self.list_records}

    @property
    def base_url(self) -> str:
        """Where the repository answers (the web layer routes ``/oai`` to it)."""
        return self.uris.base + "oai"

    def respond(self, given: list[tuple[str, list[str]]]) -> bytes:
        """The whole response document to a request's arguments (name, values), error
        conditions included: the protocol answers them in XML too."""
        response_date = datestamps.now()
        try:
            request = parse_arguments(given)
        except OAIError as error:
            return self._error(response_date, {}, error)
        echoed = {"verb": request.verb, **request.echoed}
        try:
            answer = self.answer(request)
        except OAIError as error:
            return self._error(response_date,
                               {} if error.code in errors.ECHO_NO_ARGUMENTS else echoed, error)
        root = xml.envelope(self.base_url, response_date, echoed)
        root.append(answer)
        return xml.serialize(root, self.stylesheet)

    def answer(self, request: Request) -> ET.Element:
        """The verb's element of the response; OAIError for an error condition."""
        return self._verbs[request.verb](request.arguments)

    def _error(self, response_date: str, echoed: dict[str, str], error: OAIError) -> bytes:
        root = xml.envelope(self.base_url, response_date, echoed)
        add(root, "error", error.message, {"code": error.code})
        return xml.serialize(root, self.stylesheet)

    def identify(self, arguments: dict[str, str]) -> ET.Element:
        config = self.config
        identify = ET.Element("Identify")
        add(identify, "repositoryName", config.title)
        add(identify, "baseURL", self.base_url)
        add(identify, "protocolVersion", "2.0")
        add(identify, "adminEmail", config.admin_email)
        add(identify, "earliestDatestamp", self.index.bounds()[0] or self.snapshot.published)
        add(identify, "deletedRecord", "persistent")
        add(identify, "granularity", datestamps.GRANULARITY)
        return identify

    def list_formats(self, arguments: dict[str, str]) -> ET.Element:
        if "identifier" in arguments:
            self._record(arguments["identifier"])
        formats = ET.Element("ListMetadataFormats")
        for fmt in FORMATS:
            element = add(formats, "metadataFormat")
            add(element, "metadataPrefix", fmt.prefix)
            add(element, "schema", fmt.schema)
            add(element, "metadataNamespace", fmt.namespace)
        return formats

    def list_sets(self, arguments: dict[str, str]) -> ET.Element:
        if RESUMPTION_TOKEN in arguments:
            raise OAIError(errors.BAD_RESUMPTION_TOKEN,
                           "ListSets answers in one response and issues no resumption tokens")
        listed = ET.Element("ListSets")
        for oai_set in self._hierarchy().sets:
            element = add(listed, "set")
            add(element, "setSpec", oai_set.spec)
            add(element, "setName", oai_set.name)
        return listed

    def get_record(self, arguments: dict[str, str]) -> ET.Element:
        fmt = _format(arguments["metadataPrefix"])
        found = ET.Element("GetRecord")
        found.append(self._record_element(self._record(arguments["identifier"]), fmt))
        return found

    def list_identifiers(self, arguments: dict[str, str]) -> ET.Element:
        return self._list("ListIdentifiers", arguments,
                          self.config.oai_page_size * IDENTIFIERS_PER_RECORD,
                          lambda record, fmt: self._header(record))

    def list_records(self, arguments: dict[str, str]) -> ET.Element:
        return self._list("ListRecords", arguments, self.config.oai_page_size,
                          self._record_element)

    def _list(self, verb: str, arguments: dict[str, str], size: int, element) -> ET.Element:
        """One page of a list: ``element`` of each record, then the resumption token."""
        position = self._position(verb, arguments)
        found = self.index.page(position.selection, position.after, size + 1)
        if not found:
            raise OAIError(errors.NO_RECORDS_MATCH, "no record matches these arguments")
        page, more = found[:size], len(found) > size
        listed = ET.Element(verb)
        for record in page:
            listed.append(element(record, position.format))
        if position.after is not None or more:
            listed.append(self._token(position, page[-1].id if more else None, len(page)))
        return listed

    def _position(self, verb: str, arguments: dict[str, str]) -> Position:
        """Where the page starts: at the beginning, or after a token's last record."""
        if RESUMPTION_TOKEN not in arguments:
            return self._understand(tokens.ListRequest(
                verb, arguments["metadataPrefix"], arguments.get("set"), arguments.get("from"),
                arguments.get("until")), None)
        text = arguments[RESUMPTION_TOKEN]
        try:
            token = tokens.decode(text)
            if token.request.verb != verb:
                raise ValueError(f"it continues {token.request.verb}, not {verb}")
            return self._understand(token.request, token.after, token.counted)
        except (ValueError, OAIError) as error:
            reason = error.message if isinstance(error, OAIError) else str(error)
            raise OAIError(errors.BAD_RESUMPTION_TOKEN, f"{text[:100]!r} is not a resumption "
                                                        f"token of this repository: {reason}"
                           ) from None

    def _understand(self, request: tokens.ListRequest, after: str | None,
                    counted: tokens.Counted | None = None) -> Position:
        # dates first: an error that echoes the arguments must find them well formed
        dates = datestamps.parse_range(request.from_, request.until)
        fmt = _format(request.prefix)
        members = None
        if request.set is not None:
            # a withdrawn record's concepts are gone with its triples: every deletion is
            # reported in every set, so that no harvester of a set keeps a deleted record
            members = self._members(self._set(request.set)) | self.index.withdrawn()
        return Position(request, after, fmt, Selection(
            modified_from=dates.start, modified_until=dates.end, members=members,
            include_withdrawn=True), counted)

    def _token(self, position: Position, last: str | None, length: int) -> ET.Element:
        """The resumption token after a page of ``length`` records ending with ``last``;
        empty (``last`` None) on the last page of a list. Both counts are of the current
        data."""
        cursor = self._cursor(position)
        attributes = {"cursor": str(cursor)}
        total = self.index.count(position.selection)
        if total:
            attributes["completeListSize"] = str(total)
        element = ET.Element("resumptionToken", attributes)
        counted = tokens.Counted(self.snapshot.generation, cursor + length)
        element.text = tokens.encode(tokens.Token(position.request, last, counted)) \
            if last else ""
        return element

    def _cursor(self, position: Position) -> int:
        """The records of the list up to the page's start: as the token counted them in
        this generation, or else counted."""
        counted = position.counted
        if position.after is None:
            return 0
        if counted is not None and counted.generation == self.snapshot.generation:
            return counted.returned
        return self.index.count(position.selection, up_to=position.after)

    def _hierarchy(self) -> SetHierarchy:
        if not self.sets.sets:
            raise OAIError(errors.NO_SET_HIERARCHY, "the vocabularies define no sets")
        return self.sets

    def _set(self, spec: str) -> OAISet:
        found = self._hierarchy().get(spec)
        if found is None:
            raise OAIError(errors.NO_RECORDS_MATCH, f"there is no set {spec}: ListSets names them")
        return found

    def _members(self, oai_set: OAISet) -> frozenset[str]:
        found: frozenset[str] = frozenset()
        for concept in oai_set.concepts:
            found |= self.members.of(self.snapshot.store, self.snapshot.generation, concept)
        return found

    def _record(self, identifier: str) -> IndexedRecord:
        local = self.uris.identifier("record", identifier) if is_identifier(identifier) \
            else None
        record = self.index.get(local) if local else None
        if record is None:
            raise OAIError(errors.ID_DOES_NOT_EXIST,
                           f"{identifier[:200]!r} is not the identifier of a record here: "
                           f"identifiers are the records' URIs, {self.uris.base}id/record/…")
        return record

    def _record_element(self, record: IndexedRecord, fmt: MetadataFormat) -> ET.Element:
        element = ET.Element("record")
        element.append(self._header(record))
        description = self._describe(record) if record.published else None
        if description is not None:
            add(element, "metadata").append(fmt.write(description, self.context))
        return element

    def _header(self, record: IndexedRecord) -> ET.Element:
        header = ET.Element("header", {"status": "deleted"} if record.withdrawn else {})
        uri = str(self.uris.record(record.id))
        add(header, "identifier", uri)
        add(header, "datestamp", record.changed)
        if record.published:
            for spec in self.sets.specs_of(self._concepts(uri)):
                add(header, "setSpec", spec)
        return header

    def _concepts(self, uri: str) -> list[str]:
        node = ox.NamedNode(uri)
        return [quad.object.value for link in _CONCEPT_LINKS
                for quad in self.snapshot.store.quads_for_pattern(node, link, None, None)]

    def _describe(self, record: IndexedRecord) -> Description | None:
        """The description /doc/record/{id} serves."""
        return describe(self.snapshot.store, str(self.uris.record(record.id)),
                        self.uris.document("record", record.id), self.uris.dataset,
                        self.config.licence, self._found)


@dataclass(frozen=True)
class Position:
    """A list request understood, and the identifier its page starts after."""

    request: tokens.ListRequest
    after: str | None
    format: MetadataFormat
    selection: Selection
    counted: tokens.Counted | None = None
    """What the token said was returned before, in which generation."""


def _format(prefix: str) -> MetadataFormat:
    fmt = BY_PREFIX.get(prefix)
    if fmt is None:
        raise OAIError(errors.CANNOT_DISSEMINATE_FORMAT,
                       f"no metadata format {prefix}; formats: {', '.join(BY_PREFIX)}")
    return fmt
