"""The OAI-PMH pieces without a server: tokens, datestamps, arguments."""

import base64
import json

import pytest

from ctlib.oai import arguments, datestamps, tokens
from ctlib.oai.errors import BAD_ARGUMENT, BAD_VERB, OAIError

REQUEST = tokens.ListRequest("ListRecords", "oai_dc", "region:eastern-africa", "2024-01-01",
                             None)


@pytest.mark.parametrize("after", ["plain-id", "CT/2019 #7", "Zürich-100%", "\"quoted\""])
def test_a_token_decodes_to_what_was_encoded(after):
    token = tokens.Token(REQUEST, after)
    text = tokens.encode(token)
    assert set(text) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    assert tokens.decode(text) == token


def test_a_token_with_its_count_decodes_to_what_was_encoded():
    """The count returned before it, and in which generation: the next cursor without
    counting the catalogue again."""
    token = tokens.Token(REQUEST, "plain-id", tokens.Counted("20261208T034844396290Z", 500))
    assert tokens.decode(tokens.encode(token)) == token


@pytest.mark.parametrize("generation, returned", [
    ("", 5), (None, 5), (7, 5), ("g", -1), ("g", True), ("g", 1.5), ("g", "5"), ("g", None)])
def test_a_token_with_a_wrong_count_is_refused(generation, returned):
    fields = ["ListRecords", "oai_dc", None, None, None, "a", generation, returned]
    with pytest.raises(ValueError):
        tokens.decode(_b64(json.dumps(fields, separators=(",", ":")).encode()))


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


@pytest.mark.parametrize("text", [
    "", "abc", "!!!!", "é",
    _b64(b'{"verb":"ListRecords"}'),
    _b64(b'["ListRecords","oai_dc",null,null,null]'),
    _b64(b'["ListRecords","oai_dc",null,null,null,""]'),
    _b64(b'["ListRecords","oai_dc",null,null,null,7]'),
    _b64(b'["ListRecords","oai_dc",null,null,null,"a","g"]'),
    _b64(b'["ListRecords","oai_dc",null,null,null,"a","g",5,6]'),
    _b64(b'["ListRecords", "oai_dc", null, null, null, "a"]'),
    _b64(b'["ListRecords","oai_dc",null,null,null,"a"]') + "=",
    _b64(b"[" * 5000 + b"]" * 5000),
    _b64(b"\xff\xfe"),
])
def test_anything_not_written_as_a_token_is_refused(text):
    with pytest.raises(ValueError):
        tokens.decode(text)


FIELDS = ["ListRecords", "oai_dc", "region:eastern-africa", "2024-01-01", "2024-02-01", "a"]
WRONG_TYPES = [7, 1.5, True, ["2024-01-01"], {"a": 1}]


@pytest.mark.parametrize("position", range(len(FIELDS)),
                         ids=["verb", "prefix", "set", "from", "until", "after"])
@pytest.mark.parametrize("value", WRONG_TYPES, ids=lambda v: type(v).__name__)
def test_a_token_field_of_the_wrong_type_is_refused(position, value):
    """Each field is a string (set, from and until may be null): anything else would reach
    the request's checks as something they cannot read."""
    fields = FIELDS[:position] + [value] + FIELDS[position + 1:]
    with pytest.raises(ValueError):
        tokens.decode(_b64(json.dumps(fields, separators=(",", ":")).encode()))


def test_a_day_reaches_from_its_first_to_its_last_second():
    assert datestamps.parse_range("2024-02-29", "2024-03-01") == \
        datestamps.Range("2024-02-29T00:00:00Z", "2024-03-01T23:59:59Z")
    assert datestamps.parse_range(None, "2024-03-01T10:00:00Z") == \
        datestamps.Range(None, "2024-03-01T10:00:00Z")
    assert datestamps.parse_range("0999-01-01", None).start == "0999-01-01T00:00:00Z"


@pytest.mark.parametrize("from_, until", [
    ("2023-02-29", None), ("2024-01-01T24:00:00Z", None), ("2024-01-01T10:00:00", None),
    ("2024-01-01T10:00:00.5Z", None), ("20240101", None), (None, "2024-1-1"),
    ("2024-01-02", "2024-01-01"), ("2024-01-01", "2024-01-02T00:00:00Z"),
    ("٢٠٢٤-01-01", None), ("２０２４-01-01", None), (None, "2024-01-01T00:00:0٠Z"),
])
def test_bad_dates_are_bad_arguments(from_, until):
    with pytest.raises(OAIError) as raised:
        datestamps.parse_range(from_, until)
    assert raised.value.code == BAD_ARGUMENT


@pytest.mark.parametrize("given, code", [
    ([], BAD_VERB),
    ([("verb", ["ListRecords", "ListRecords"])], BAD_VERB),
    ([("verb", ["listrecords"])], BAD_VERB),
    ([("verb", ["ListRecords"])], BAD_ARGUMENT),
    ([("verb", ["Identify"]), ("metadataPrefix", ["oai_dc"])], BAD_ARGUMENT),
    ([("verb", ["ListRecords"]), ("metadataPrefix", ["oai_dc", "rdf"])], BAD_ARGUMENT),
    ([("verb", ["ListRecords"]), ("metadataPrefix", ["oai dc"])], BAD_ARGUMENT),
    ([("verb", ["ListRecords"]), ("metadataPrefix", ["oai_dc\x01"])], BAD_ARGUMENT),
    ([("verb", ["ListRecords"]), ("metadataPrefix", ["oai_dc"]), ("set", ["a::b"])],
     BAD_ARGUMENT),
    ([("verb", ["ListSets"]), ("resumptionToken", ["x"]), ("set", ["a"])], BAD_ARGUMENT),
])
def test_arguments_that_break_the_verb_table(given, code):
    with pytest.raises(OAIError) as raised:
        arguments.parse(given)
    assert raised.value.code == code


@pytest.mark.parametrize("identifier, echoed", [
    ("http://localhost:8080/id/record/a%20b", True), ("oai:example.org:x#part", True),
    ("no uri", False), ("really_wrong_id", False), ("x:%zz", False), ("x:a#b#c", False),
    ("x:", False), ("x:[1]", False),
])
def test_an_identifier_is_echoed_only_if_it_is_a_uri(identifier, echoed):
    """One that is no URI is no identifier here (idDoesNotExist, not badArgument), and
    the response's request element, an xsd:anyURI, could not carry it."""
    request = arguments.parse([("verb", ["ListMetadataFormats"]), ("identifier", [identifier])])
    assert request.arguments == {"identifier": identifier}
    assert request.echoed == ({"identifier": identifier} if echoed else {})


def test_arguments_the_verb_table_allows():
    assert arguments.parse([("verb", ["ListIdentifiers"]), ("resumptionToken", ["x"])]) == \
        arguments.Request("ListIdentifiers", {"resumptionToken": "x"})
    assert arguments.parse([("verb", ["ListRecords"]), ("metadataPrefix", ["rdf"]),
                            ("set", ["region:eastern-africa"]), ("from", ["2024-01-01"])]) \
        .arguments == {"metadataPrefix": "rdf", "set": "region:eastern-africa",
                       "from": "2024-01-01"}
