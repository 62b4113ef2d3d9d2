"""Record -> RDF: golden graphs of real listing records, identifiers, URIs, matching."""

import re

import pytest
from rdflib import Graph, URIRef
from rdflib.compare import graph_diff, isomorphic

from ctlib.config import load_config
from ctlib.rdf.mapping import MAPPING, map_record
from ctlib.rdf.namespaces import DCTERMS, SKOS
from ctlib.rdf.uris import Uris, agent_id, record_id, slugify
from ctlib.rdf.vocab import NoMatch
from ctlib.records import read_sources
from ctlib.records.model import Record, SourceLocation
from ctlib.records.values import LONGEST_VALUE

from .conftest import BASE, DATA, ROOT

GOLDEN = DATA / "golden"


def graph_of(mapped) -> Graph:
    graph = Graph()
    for triple in mapped.triples:
        graph.add(triple)
    return graph


@pytest.fixture(scope="module")
def listing_records(shared_catalogue):
    return list(read_sources([ROOT / "data" / "library-listing.txt"], shared_catalogue.is_heading))


@pytest.mark.parametrize("golden, index", [
    ("after-the-nrm", 0), ("measurement-action-freedom", 3),
    ("combatting-trafficking-turkey", 7), ("desk-review-igad-eac", 9)])
def test_golden_graphs(golden, index, listing_records, shared_catalogue):
    expected = Graph().parse(GOLDEN / f"{golden}.ttl")
    actual = graph_of(map_record(listing_records[index], shared_catalogue.checker().context))
    if not isomorphic(actual, expected):
        _, missing, extra = graph_diff(expected, actual)
        pytest.fail(f"missing:\n{missing.serialize(format='nt')}\nextra:\n"
                    f"{extra.serialize(format='nt')}")


def test_record_ids_are_readable_and_stable():
    identifier = record_id("After the National Referral Mechanism - What Next?", "2018")
    assert re.fullmatch(r"after-the-national-referral-mechanism-what-next-[0-9a-f]{6}", identifier)
    assert identifier == record_id("After the National Referral Mechanism - What Next?", "2018")


def test_record_ids_differ_where_titles_share_a_long_prefix_or_the_year_differs():
    common = "Report Concerning the Implementation of the Council of Europe Convention by "
    assert record_id(common + "Ukraine", "2018") != record_id(common + "Moldova", "2018")
    assert record_id("Annual Report", "2018") != record_id("Annual Report", "2019")
    assert slugify(common + "Ukraine") == slugify(common + "Moldova")


def test_record_id_ignores_case_and_spacing_of_the_title():
    assert record_id("A  Title", "2019") == record_id("a title", "2019")


def test_a_source_id_wins(shared_catalogue):
    record = Record(SourceLocation("x.jsonl", 1))
    record.add("id", "CT/2019 #7", 1)
    record.add("title", "Anything", 1)
    mapped = map_record(record, shared_catalogue.checker().context)
    assert mapped.id == "CT/2019 #7"
    assert mapped.uri == URIRef(BASE + "id/record/CT%2F2019%20%237")


def test_unusual_identifiers_round_trip_through_uris():
    uris = Uris(BASE)
    for identifier in ["CT/2019 #7", "Zürich?x=1", "100%", "a b"]:
        uri = uris.record(identifier)
        assert " " not in uri and "#" not in uri[len(BASE):]
        assert uris.identifier("record", uri) == identifier


def test_agents_are_one_per_distinct_name():
    assert agent_id("Department Of Migration Management") == agent_id(
        "department of migration  management")
    assert agent_id("Cathy Zimmerman") != agent_id("Cathy Zimmermann")
    assert agent_id("Ahmed Ṣāliḥ") == "ahmed-salih"
    assert agent_id("Александр Петров") == "александр-петров"


@pytest.mark.parametrize("value, scheme, concept", [
    ("Horn Of Africa", "regions", "def/regions/horn-of-africa"),
    ("horn-of-africa", "regions", "def/regions/horn-of-africa"),
    ("East Africa", "regions", "def/regions/eastern-africa"),
    ("  EUROPEAN economic area ", "regions", "def/regions/european-economic-area"),
    ("Turkey", "countries", "def/countries/tr"),
    ("Türkiye", "countries", "def/countries/tr"),
    ("cote d'ivoire", "countries", "def/countries/ci"),
    ("Irlande", "countries", "def/countries/ie"),
    ("Referral Mechanisms", "categories", "def/categories/referral-mechanisms"),
])
def test_matching_ignores_case_spacing_punctuation_and_uses_alt_labels(
        value, scheme, concept, shared_catalogue):
    assert shared_catalogue.vocab_index.match(value, (scheme,)) == URIRef(BASE + concept)


def test_no_match_names_the_value_the_scheme_and_the_closest_labels(shared_catalogue):
    with pytest.raises(NoMatch) as caught:
        shared_catalogue.vocab_index.match("Horn of Afrika", ("regions",))
    assert str(caught.value).startswith(
        "no concept in the regions scheme has the label 'Horn of Afrika'; closest: 'Horn of Africa'")


def test_worldwide_in_the_country_field_is_the_worldwide_region(listing_records,
                                                                 shared_catalogue):
    mapped = map_record(listing_records[0], shared_catalogue.checker().context)
    assert set(graph_of(mapped).objects(mapped.uri, URIRef("http://purl.org/dc/terms/spatial"))) == {
        URIRef(BASE + "def/regions/worldwide")}


def test_docs_mapping_table_matches_the_code():
    text = (ROOT / "docs" / "mapping.md").read_text()
    rows = re.findall(r"^\| `(\w+)` \| `(\w+:\w+)` \|", text, re.MULTILINE)
    prefixes = {str(DCTERMS): "dcterms:", "https://schema.org/": "schema:",
                "http://www.w3.org/ns/dcat#": "dcat:"}
    assert rows == [(row.field, next(prefixes[ns] + row.predicate.removeprefix(ns)
                                     for ns in prefixes if row.predicate.startswith(ns)))
                    for row in MAPPING]


def test_a_language_that_is_no_iso_639_1_code_is_a_problem_not_a_crash(shared_catalogue):
    record = Record(SourceLocation("x.jsonl", 4))
    record.add("title", "Colour Schemes", 4)
    record.add("language", "en_GB", 4)
    mapped = map_record(record, shared_catalogue.checker().context)
    (problem,) = mapped.problems
    assert (problem.field, problem.value, problem.rule) == ("language", "en_GB", "language")
    titles = [o for _, p, o in mapped.triples if p == DCTERMS.title]
    assert [t.language for t in titles] == ["en"]
    assert not any(p == DCTERMS.language for _, p, _ in mapped.triples)
    with pytest.raises(ValueError, match="CTLIB_LANGUAGE: must be an ISO 639-1 code"):
        load_config(environ={"CTLIB_LANGUAGE": "en_GB"})
    assert load_config(environ={"CTLIB_LANGUAGE": "FR"}).language == "fr"


def test_a_value_longer_than_any_summary_is_a_violation(shared_catalogue):
    record = Record(SourceLocation("x.csv", 2))
    record.add("title", "Glued", 2)
    record.add("summary", "x" * (LONGEST_VALUE + 1), 2)
    (problem,) = map_record(record, shared_catalogue.checker().context).problems
    assert (problem.field, problem.rule) == ("summary", "value-too-long")
    assert problem.message.startswith("100,001 characters, more than the 100,000")


def test_a_category_from_the_section_heading_is_noted_in_the_record(shared_catalogue):
    context = shared_catalogue.checker().context
    inherited, own = Record(SourceLocation("x.txt", 5)), Record(SourceLocation("x.txt", 9))
    for record in (inherited, own):
        record.add("title", f"A title at {record.location.line}", record.location.line)
        record.add("category", "Referral Mechanisms", 3)
        record.add("language", "en", record.location.line)  # no note on the language
    inherited.section = "Referral Mechanisms"
    concept = URIRef(BASE + "def/categories/referral-mechanisms")
    notes = {}
    for name, record in (("inherited", inherited), ("own", own)):
        graph = graph_of(map_record(record, context))
        assert concept in set(graph.objects(None, DCTERMS.subject))
        notes[name] = [str(note) for note in graph.objects(None, SKOS.note)]
    assert notes == {"inherited": ["Category from the listing: listed under the section "
                                   "Referral Mechanisms"], "own": []}
