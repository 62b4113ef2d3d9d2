"""Which format (Accept) and which label language (Accept-Language) wins: the tables
every negotiated URI uses."""

import pytest

from ctlib.formats import (
    DESCRIPTION_FORMATS,
    QUERY_RESULT_FORMATS,
    RECORD_FORMATS,
    SEARCH_FORMATS,
)
from ctlib.web.core.negotiation import negotiate, negotiate_language

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
    ("text/turtle;q=0.1, */*", "jsonld"),
    ("application/turtle", "ttl"),
    ("application/x-turtle", "ttl"),
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


OFFERED = {"descriptions": DESCRIPTION_FORMATS, "records": RECORD_FORMATS,
           "search": SEARCH_FORMATS, **QUERY_RESULT_FORMATS}
"""Every list of formats a URI negotiates over."""


@pytest.mark.parametrize("offered", OFFERED.values(), ids=OFFERED.keys())
def test_a_low_quality_for_a_named_type_beside_a_wildcard_gets_the_default(offered):
    """Quality decides before specificity: ``*/*`` (q=1) beats a type named at q=0.1."""
    named = offered[0].media_type
    assert negotiate(f"{named};q=0.1, */*", offered) == offered[1]
    assert negotiate(f"{offered[1].media_type};q=0.1, */*", offered) == offered[0]


@pytest.mark.parametrize("offered", OFFERED.values(), ids=OFFERED.keys())
@pytest.mark.parametrize("media_range", ["text/*", "application/*"])
def test_a_type_range_gets_a_format_served_as_that_type(offered, media_range):
    """Aliases count by name only: application/* never gets Turtle (text/turtle)."""
    found = negotiate(media_range, offered)
    assert found is None or found.media_type.startswith(media_range[:-1])


@pytest.mark.parametrize("offered", OFFERED.values(), ids=OFFERED.keys())
def test_every_alias_asks_for_its_format(offered):
    for fmt in offered:
        for media_type in fmt.media_types:
            found = negotiate(media_type, offered)
            assert found is not None and media_type in found.media_types


LABELLED = frozenset({"en", "fr", "es"})


@pytest.mark.parametrize("accept_language, winner", [
    (None, "en"),
    ("", "en"),
    ("fr", "fr"),
    ("es", "es"),
    ("FR", "fr"),
    ("de", "en"),
    ("fr-CH", "fr"),
    ("fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5", "fr"),
    ("de-DE, es;q=0.5", "es"),
    ("en;q=0.5, fr;q=0.8", "fr"),
    ("es;q=0.5, fr;q=0.5", "es"),
    ("de;q=0.9, *;q=0.8", "en"),
    ("*", "en"),
    ("*;q=0.5, fr;q=0.1", "en"),
    ("en;q=0, *", "es"),
    ("fr;q=0", "en"),
    ("fr;q=0, fr-CH", "en"),
    ("zh-Hant-CN-x-private", "en"),
    ("de, en;q=0", "en"),
    ("not a header;;q=x", "en"),
])
def test_accept_language_table(accept_language, winner):
    assert negotiate_language(accept_language, LABELLED, "en") == winner


def test_language_lookup_shortens_the_range_past_single_letter_subtags():
    assert negotiate_language("zh-Hant-CN-x-private", {"zh-hant-cn", "en"}, "en") == "zh-hant-cn"
    assert negotiate_language("zh-Hant-x", {"zh-hant", "zh"}, "en") == "zh-hant"
    assert negotiate_language("zh", {"zh-hant"}, "en") == "en"  # lookup never lengthens
