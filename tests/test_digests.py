"""Repr-Digest (RFC 9530) over HTTP from the real server: recomputed from the bytes sent
for every kind of representation, in every coding, on HEAD and on 304; and the answers
to Want-Repr-Digest and Want-Content-Digest."""

from __future__ import annotations

import base64
import hashlib

import pytest
import requests

from ctlib.web.core.compression import MEMORY_BYTES
from ctlib.web.core.digests import _accepts_sha256, from_hex, repr_digest

from .conftest import ROOT
from .server import running_server
from .test_compression import RECORD, RESULTS_JSON, fetch

LISTING = ROOT / "data" / "library-listing.txt"
HTML = "text/html"
REPRESENTATIONS = [
    ("", HTML), (f"doc/record/{RECORD}", HTML), (f"doc/record/{RECORD}.ttl", None),
    (f"doc/record/{RECORD}", "application/ld+json"), (f"doc/record/{RECORD}.nt", None),
    ("search?q=trafficking", "application/json"), ("search?q=trafficking", HTML),
    ("dump/", None), ("dump/catalogue.nt.gz", None), ("dump/catalogue.nt.gz.sha256", None),
    ("sparql?query=ASK%7B%7D", RESULTS_JSON), ("sparql", "text/turtle"),
    ("oai?verb=Identify", None), ("static/site.css", None), ("catalog", "text/turtle"),
    ("doc/record/no-such-record", HTML), ("robots.txt", None)]
CODINGS = ["identity", "gzip", "br"]


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("digests"), [LISTING]) as url:
        yield url


def sha256_field(body: bytes) -> str:
    return "sha-256=:" + base64.b64encode(hashlib.sha256(body).digest()).decode() + ":"


@pytest.mark.parametrize("path, accept", REPRESENTATIONS)
@pytest.mark.parametrize("coding", CODINGS)
def test_the_digest_is_that_of_the_bytes_sent(base, path, accept, coding):
    headers = {"Accept": accept} if accept else {}
    response, body = fetch(base + path, coding, **headers)
    assert response.headers["Repr-Digest"] == sha256_field(body), (path, coding)
    # OAI-PMH's responseDate makes every rendering another body; the SPARQL Protocol
    # has no HEAD (405).
    if not path.startswith(("oai", "sparql")):
        head, _ = fetch(base + path, coding, "HEAD", **headers)
        assert head.headers["Repr-Digest"] == response.headers["Repr-Digest"]


@pytest.mark.parametrize("path", ["", f"doc/record/{RECORD}.jsonld", "dump/catalogue.nt.gz",
                                  "static/site.css"])
@pytest.mark.parametrize("coding", CODINGS)
def test_a_304_says_the_digest_of_the_body_the_client_holds(base, path, coding):
    response, body = fetch(base + path, coding, Accept=HTML)
    again, nothing = fetch(base + path, coding, Accept=HTML,
                           **{"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and nothing == b""
    assert again.headers["Repr-Digest"] == sha256_field(body)


def test_a_weakly_tagged_304_says_no_digest(base):
    """Each OAI-PMH rendering has its own responseDate: no digest is that of the body
    the client holds."""
    for coding in CODINGS:
        response, _ = fetch(base + "oai?verb=Identify", coding)
        again, _ = fetch(base + "oai?verb=Identify", coding,
                         **{"If-None-Match": response.headers["ETag"]})
        assert again.status_code == 304 and "Repr-Digest" not in again.headers


def test_the_canonical_hash_of_a_record_is_the_digest_of_its_n_triples(base):
    """The hash ResourceSync and the change feed give (the contract of ctlib.history:
    SHA-256 of /doc/record/{id}.nt) is the Repr-Digest of that identity response."""
    response, body = fetch(f"{base}doc/record/{RECORD}.nt", "identity")
    canonical = hashlib.sha256(body).hexdigest()
    assert "Content-Encoding" not in response.headers
    assert response.headers["Repr-Digest"] == from_hex(canonical)


def test_a_large_compressed_result_carries_the_digest_of_the_compressed_bytes(base):
    params = {"query": "SELECT * { ?s ?p ?o }"}
    for coding in CODINGS:
        response = requests.get(base + "sparql", params=params, stream=True, timeout=60,
                                headers={"Accept": RESULTS_JSON, "Accept-Encoding": coding})
        body = response.raw.read(decode_content=False)
        assert len(body) > MEMORY_BYTES or coding != "identity"
        assert response.headers["Repr-Digest"] == sha256_field(body), coding


@pytest.mark.parametrize("want, sent", [
    ("sha-256=1", True), ("sha-512=3, sha-256=10", True), ("sha-512=3", True),
    ("sha-256=0", False), ("sha-512=3, sha-256=0", False), ("SHA-256=0", False)])
def test_want_repr_digest(base, want, sent):
    response, body = fetch(f"{base}doc/record/{RECORD}.ttl", "br",
                           **{"Want-Repr-Digest": want})
    assert response.headers.get("Repr-Digest") == (sha256_field(body) if sent else None)


def test_want_content_digest_gets_the_digest_of_the_content(base):
    for coding in CODINGS:
        response, body = fetch(base, coding, **{"Want-Content-Digest": "sha-256=5"})
        assert response.headers["Content-Digest"] == sha256_field(body)
    without, _ = fetch(base, "br")
    assert "Content-Digest" not in without.headers
    refused, _ = fetch(base, "br", **{"Want-Content-Digest": "sha-256=0"})
    assert "Content-Digest" not in refused.headers
    head, _ = fetch(base, "br", "HEAD", **{"Want-Content-Digest": "sha-256=5"})
    assert "Content-Digest" not in head.headers and "Repr-Digest" in head.headers


def test_a_range_has_the_representations_digest_and_no_content_digest(base):
    whole, body = fetch(f"{base}dump/catalogue.nt.gz", "identity")
    part, piece = fetch(f"{base}dump/catalogue.nt.gz", "identity",
                        Range="bytes=0-99", **{"Want-Content-Digest": "sha-256=1"})
    assert part.status_code == 206 and piece == body[:100]
    assert part.headers["Repr-Digest"] == sha256_field(body)
    assert "Content-Digest" not in part.headers


@pytest.mark.parametrize("want, accepted", [
    ("sha-256=1", True), ("sha-256=0", False), (" sha-256 = 0 ", False),
    ("sha-256=0;x=1", False), ("sha-512=1", True), ("", True), ("nonsense", True)])
def test_want_fields_are_read_as_dictionaries(want, accepted):
    assert _accepts_sha256(want) is accepted


def test_the_field_is_a_byte_sequence_of_the_sha256():
    assert repr_digest(b"hello") == \
        "sha-256=:LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=:"
    assert from_hex(hashlib.sha256(b"hello").hexdigest()) == repr_digest(b"hello")
