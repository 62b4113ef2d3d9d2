"""Which format wins for which Accept header: the table every negotiated URI uses."""

import pytest

from ctlib.formats import DESCRIPTION_FORMATS
from ctlib.web.negotiation import negotiate

FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
CHROME = ("text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,"
          "image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7")


@pytest.mark.parametrize("accept, winner", [
    (None, "ttl"),
    ("", "ttl"),
    ("*/*", "ttl"),
    ("text/turtle", "ttl"),
    ("application/ld+json", "jsonld"),
    ("application/json", "jsonld"),
    ("application/rdf+xml", "rdf"),
    ("application/n-triples", "nt"),
    ("text/html", "html"),
    (FIREFOX, "html"),
    (CHROME, "html"),
    ("text/*", "ttl"),
    ("application/ld+json;q=0.5, text/turtle;q=0.4", "jsonld"),
    ("text/turtle;q=0.4, application/ld+json;q=0.5", "jsonld"),
    ("text/turtle;q=0, */*", "jsonld"),
    ("application/rdf+xml, text/html;q=0.5", "rdf"),
    ("text/html;q=0.1, application/n-triples;q=0.9", "nt"),
    ("TEXT/TURTLE", "ttl"),
    ("text/turtle; charset=utf-8", "ttl"),
    ("image/png", None),
    ("text/turtle;q=0", None),
    ("application/xml", None),
])
def test_accept_table(accept, winner):
    found = negotiate(accept, DESCRIPTION_FORMATS)
    assert (found.name if found else None) == winner
