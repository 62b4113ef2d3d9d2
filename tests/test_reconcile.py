"""/reconcile, the W3C Reconciliation Service API 0.2: driven as OpenRefine drives it
against the real server, every answer validated against the specification's own JSON
schemas (tests/data/reconciliation/), and the pieces beside it."""

from __future__ import annotations

import json

import pytest
import requests
from jsonschema import Draft7Validator
from lxml import html
from referencing import Registry
from referencing.jsonschema import DRAFT7

from ctlib.web.core.errors import BadRequest
from ctlib.web.reconcile.matching import similarity
from ctlib.web.reconcile.reading import TooLarge, read_batch, read_extension

from .conftest import DATA, ROOT
from .server import running_server

SCHEMAS = DATA / "reconciliation"
LISTING = ROOT / "data" / "library-listing.txt"
RECORD_TITLE = "Desk Review of Counter-Trafficking Initiatives in IGAD and EAC Regions"
RECORD = "id/record/desk-review-of-counter-trafficking-initiatives-in-igad-and-e0659a"
BROWSER = {"User-Agent": "OpenRefine 3.8 (reconciliation)"}


def _registry() -> Registry:
    resources = [(json.loads(path.read_text())["$id"],
                  DRAFT7.create_resource(json.loads(path.read_text())))
                 for path in SCHEMAS.glob("*.json")]
    # the manifest's `authentication` names Swagger's schema: ctlib offers none, and
    # the test fetches nothing
    swagger = DRAFT7.create_resource({"definitions": {"securityDefinitions": {
        "additionalProperties": {"type": "object"}}}})
    return Registry().with_resources([*resources, ("http://swagger.io/v2/schema.json", swagger)])


REGISTRY = _registry()


def valid(schema: str, answer: object) -> object:
    """``answer``, after checking it against the specification's schema ``schema``."""
    contents = json.loads((SCHEMAS / f"{schema}.json").read_text())
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
              for e in Draft7Validator(contents, registry=REGISTRY).iter_errors(answer)]
    assert not errors, "\n".join(errors)
    return answer


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("reconcile"),
                        [LISTING, DATA / "partner.jsonl", DATA / "hostile.jsonl"]) as url:
        yield url


def reconcile(base: str, queries: dict) -> dict:
    """A batch POSTed as OpenRefine posts it: a form with ``queries``."""
    sent = valid("reconciliation-query-batch", queries)
    answer = requests.post(base + "reconcile", data={"queries": json.dumps(sent)},
                           headers=BROWSER, timeout=30)
    assert answer.status_code == 200, answer.text
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    return valid("reconciliation-result-batch", answer.json())


def test_openrefine_session(base):
    """Manifest, a batch with types and properties, suggest, preview, property
    proposal and data extension, in the order OpenRefine asks for them."""
    manifest = valid("manifest", requests.get(base + "reconcile", headers=BROWSER,
                                              timeout=30).json())
    assert [t["id"] for t in manifest["defaultTypes"]] == \
        ["Record", "Agent", "Region", "Country", "Category"]
    assert manifest["identifierSpace"] == base

    results = reconcile(base, {
        "q0": {"query": RECORD_TITLE, "type": "Record", "limit": 3,
               "properties": [{"pid": "country", "v": "Ethiopia"}, {"pid": "year", "v": 2012},
                              {"pid": "author", "v": "Rakeb Messele"}]},
        "q1": {"query": "Ethiopia", "type": "Country", "type_strict": "should"},
        "q2": {"query": "Rakeb Messele", "type": "Agent"},
        "q3": {"query": "Eastern Africa", "type": "Region"},
        "q4": {"query": "Referral Mechanisms", "type": "Category"},
        "q5": {"query": "Identifying victims at borders", "type": "Record",
               "properties": [{"pid": "country", "v": {"id": "def/countries/ua",
                                                        "name": "Ukraine"}}]},
    })
    best = {key: answer["result"][0] for key, answer in results.items()}
    assert best["q0"]["id"] == RECORD and best["q0"]["match"] is True
    assert len(results["q0"]["result"]) <= 3
    assert {f["id"]: f["value"] for f in best["q0"]["features"]} == {
        "name": 1.0, "property:country": True, "property:year": True, "property:author": True}
    assert (best["q1"]["id"], best["q1"]["match"]) == ("def/countries/et", True)
    assert (best["q2"]["id"], best["q2"]["match"]) == ("id/agent/rakeb-messele", True)
    assert best["q3"]["id"] == "def/regions/eastern-africa"
    assert best["q4"]["id"] == "def/categories/referral-mechanisms"
    assert best["q5"]["id"] == "id/record/P-001" and best["q5"]["match"] is False, \
        "a title cut short is a candidate, not a match"

    for kind, schema, prefix, wanted in (
            ("entity", "entities", "rakeb", "id/agent/rakeb-messele"),
            ("type", "types", "coun", "Country"), ("property", "properties", "auth", "author")):
        found = valid(f"suggest-{schema}-response",
                      requests.get(f"{base}reconcile/suggest/{kind}", params={"prefix": prefix},
                                   timeout=30).json())
        assert wanted in [item["id"] for item in found["result"]], (kind, found)

    preview = requests.get(manifest["preview"]["url"].replace("{{id}}", RECORD.replace("/", "%2F")),
                           timeout=30)
    assert preview.status_code == 200 and preview.headers["Content-Type"].startswith("text/html")
    page = html.fromstring(preview.content)
    assert page.findtext(".//h1/a").strip() == RECORD_TITLE
    assert "Rakeb Messele" in page.text_content()

    proposal = valid("data-extension-property-proposal", requests.get(
        base + "reconcile/properties", params={"type": "Record"}, timeout=30).json())
    properties = [p["id"] for p in proposal["properties"]]
    assert properties == ["year", "country", "region", "category", "author"]

    query = valid("data-extension-query",
                  {"ids": [RECORD, "def/countries/et"], "properties": [{"id": p} for p in properties]})
    extended = valid("data-extension-response", requests.post(
        base + "reconcile", data={"extend": json.dumps(query)}, timeout=30).json())
    row = extended["rows"][RECORD]
    assert row["year"] == [{"int": 2012}]
    assert row["country"] == [{"id": "def/countries/et", "name": "Ethiopia"}]
    assert {"id": "def/regions/eastern-africa", "name": "Eastern Africa"} in row["region"]
    assert row["category"] == [{"id": "def/categories/referral-mechanisms",
                                "name": "Referral Mechanisms"}]
    assert {"id": "id/agent/rakeb-messele", "name": "Rakeb Messele"} in row["author"]
    assert extended["rows"]["def/countries/et"] == {p: [] for p in properties}


def test_concepts_match_by_label_in_any_language_accents_folded(base):
    results = reconcile(base, {
        "en": {"query": "Cote d'Ivoire"}, "es": {"query": "costa de marfil"},
        "fr": {"query": "ÉTHIOPIE", "type": ["Country", "Region"]},
        "code": {"query": "ci", "type": "Country"},
        "uri": {"query": base + "def/countries/td"}})
    assert [results[k]["result"][0]["id"] for k in ("en", "es", "fr", "code", "uri")] == \
        ["def/countries/ci", "def/countries/ci", "def/countries/et", "def/countries/ci",
         "def/countries/td"]
    assert all(results[k]["result"][0]["match"] for k in results)


def test_names_follow_the_language_asked_for(base):
    results = requests.get(base + "reconcile", params={"queries": json.dumps(
        {"q": {"query": "Ethiopia", "type": "Country"}}), "lang": "fr"}, timeout=30).json()
    assert results["q"]["result"][0]["name"] == "Éthiopie"
    assert results["q"]["result"][0]["type"] == [{"id": "Country", "name": "Pays"}]


def test_no_match_without_a_clear_winner(base):
    results = reconcile(base, {
        "disagrees": {"query": RECORD_TITLE, "properties": [{"pid": "year", "v": "1999"}]},
        "unknown": {"query": "Nothing of the kind whatsoever zzqx"}})
    first = results["disagrees"]["result"][0]
    assert first["id"] == RECORD and first["match"] is False
    assert {f["id"]: f["value"] for f in first["features"]}["property:year"] is False
    assert not any(c["match"] for c in results["unknown"]["result"])


def test_cors_preflight_and_jsonp(base):
    preflight = requests.options(base + "reconcile", headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "POST"}, timeout=30)
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    wrapped = requests.get(base + "reconcile/suggest/type",
                           params={"prefix": "rec", "callback": "jQuery_123.done"}, timeout=30)
    assert wrapped.headers["Content-Type"].startswith("text/javascript")
    assert wrapped.text.startswith("/**/jQuery_123.done(") and wrapped.text.endswith(");")
    valid("suggest-types-response", json.loads(wrapped.text[len("/**/jQuery_123.done("):-2]))
    refused = requests.get(base + "reconcile", params={"callback": "alert(document.cookie)"},
                           timeout=30)
    assert refused.status_code == 400 and "callback" in refused.text
    assert refused.headers["Access-Control-Allow-Origin"] == "*"


def test_preview_shows_markup_as_text(base):
    preview = requests.get(base + "reconcile/preview", params={"id": "id/record/hostile-markup"},
                           timeout=30)
    assert preview.status_code == 200
    assert "<script>" not in preview.text and "&lt;script&gt;" in preview.text
    missing = requests.get(base + "reconcile/preview", params={"id": "id/record/none"},
                           timeout=30)
    assert missing.status_code == 404 and "id/record/none" in missing.text


@pytest.mark.parametrize(("sent", "said"), [
    ("[1]", "expected a JSON object of queries by key"),
    ('{"q0":', "queries: not JSON: Expecting value at line 1, column 7"),
    ('{"q0": {"query": 3}}', "queries['q0'].query: expected a string"),
    ('{"q0": {"query": "x", "type": "Dog"}}', "unknown type 'Dog'; the types are Record"),
    ('{"q0": {"query": "x", "limit": 0}}', "queries['q0'].limit: expected a number"),
    ('{"q0": {"query": "x", "colour": 1}}', "unknown field 'colour'"),
    ('{"q0": {"query": ""}}', "give a query, properties, or both"),
    ('{"q0": {"query": "x", "properties": [{"pid": "colour", "v": "red"}]}}',
     "queries['q0'].properties[0].pid: unknown property 'colour'; the properties are year"),
    ('{"q0": {"query": "x", "properties": [{"pid": "year", "v": null}]}}',
     "queries['q0'].properties[0].v: expected a string, a number or an entity"),
])
def test_a_batch_that_cannot_be_read_says_where_and_why(sent, said):
    with pytest.raises(BadRequest) as raised:
        read_batch(sent)
    assert said in raised.value.message


def test_a_batch_too_large_is_refused():
    with pytest.raises(TooLarge):
        read_batch(json.dumps({f"q{i}": {"query": "x"} for i in range(51)}))


def test_an_extension_naming_an_unknown_property_is_refused():
    with pytest.raises(BadRequest, match=r"extend.properties\[1\]: unknown property 'colour'"):
        read_extension('{"ids": ["id/record/x"], "properties": [{"id": "year"}, {"id": "colour"}]}')


def test_similarity():
    assert similarity("cote d ivoire", "cote d ivoire") == 100
    assert similarity("regions igad review", "review igad regions") == 100
    assert similarity("identifying victims", "identifying victims at borders") == 90
    assert similarity("ethiopia", "estonia") < 80
    assert similarity("review of initiatives in igad", "in") < 50

