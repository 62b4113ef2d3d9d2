"""One fixture per validation rule, each asserting the exact line a curator reads."""

import shutil

import pytest
from rdflib import Graph

from ctlib.catalogue import Catalogue
from ctlib.config import load_config
from ctlib.ingest import NotPublished, ingest
from ctlib.records.model import Record, SourceLocation
from ctlib.validation import check_shapes, validate

from .conftest import DATA, ROOT

RULES = DATA / "rules"
CLOSEST_REGION = "closest: 'Great Lakes', 'Sahel countries', 'Caraïbes'"

EXPECTED = {
    "title-missing": "{f}:1  no-title  title  -  violation[record-title/minCount] a record needs "
                     "exactly one title (the line above its summary), a language-tagged text",
    "title-twice": "{f}:1  one-title-756b83  title  -  violation[record-title/maxCount] a record "
                   "needs exactly one title (the line above its summary), a language-tagged text",
    "title-too-long": "{f}:1  long-long-long-long-long-long-long-long-long-long-long-long-d9c67d  "
                      "title  \"Long Long Long Long Long Long Long Long Long Long Long Long…\"  "
                      "violation[record-title-length/maxLength] a title is 2 to 400 characters "
                      "long; a longer one is usually a summary whose title line is missing",
    "summary-twice": "{f}:1  a-title-fed539  summary  -  violation[record-abstract/maxCount] a "
                     "record has at most one summary, a language-tagged text",
    "year-not-a-year": "{f}:1  a-title-b736d5  year  \"20l9\"  violation[record-issued-year/in] "
                       "the year must be a four-digit year from 1800 to next year, like 2019",
    "year-twice": "{f}:1  a-title-b4019a  year  -  violation[record-issued/maxCount] a "
                  "record has one year at most, like 2019",
    "year-too-early": "{f}:1  a-title-4ec2f7  year  \"1700\"  violation[record-issued-year/in] "
                      "the year must be a four-digit year from 1800 to next year, like 2019",
    "year-too-late": "{f}:1  a-title-61d9fe  year  \"2999\"  violation[record-issued-year/in] "
                     "the year must be a four-digit year from 1800 to next year, like 2019",
    "region-unknown": "{f}:1  a-title-fed539  region  \"Atlantis\"  violation[vocabulary] no "
                      f"concept in the regions scheme has the label 'Atlantis'; {CLOSEST_REGION}",
    "country-unknown": "{f}:1  a-title-fed539  country  \"Narnia\"  violation[vocabulary] no "
                       "concept in the countries or regions scheme has the label 'Narnia'; "
                       "closest: 'Armenia', 'Martinica', 'Finlandia'",
    "category-unknown": "{f}:1  a-title-fed539  category  \"Referal Mechanism\"  "
                        "violation[vocabulary] no concept in the categories scheme has the label "
                        "'Referal Mechanism'; closest: 'Referral Mechanisms', "
                        "'National Referral Mechanism', 'National Referral Mechanisms'",
    "category-missing": "{f}:1  a-title-fed539  category  -  "
                        "warning[record-subject-missing/minCount] the record has no category: it "
                        "is published, but cannot be found by topic",
    "duplicate": "{f}:2  a-title-fed539  title  \"A Title\"  violation[duplicate] same "
                 "identifier as the record at {f}:1 (same title and year, or the same id); this "
                 "one is not published",
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_rule_message(name, catalogue):
    path = RULES / f"{name}.jsonl"
    try:
        report = ingest([path], catalogue, publish=False)
    except NotPublished as refusal:  # the fixture's one record broke its rule
        report = refusal.report
    assert [str(p) for p in report.problems] == [EXPECTED[name].format(f=path)]


def test_every_rule_fixture_has_an_expected_message():
    assert {p.stem for p in RULES.glob("*.jsonl")} == set(EXPECTED)


@pytest.mark.parametrize("fixture, expected", [
    ("creator-without-name.ttl",
     {("agent-name/minCount", "an agent needs a name")}),
    ("place-not-a-place.ttl", {
        ("record-spatial/class",
         "a country or region must be a concept of the countries or regions scheme"),
        ("record-spatial-scheme/in",
         "a country or region must be a concept of the countries or regions scheme"),
        ("record-subject-scheme/in", "a category must be a concept of the categories scheme")}),
])
def test_shapes_catch_what_raw_rdf_gets_wrong(fixture, expected, shared_catalogue):
    """Rules that mapped records cannot break, but RDF loaded by other means can."""
    data = Graph().parse(RULES / fixture)
    for triple in shared_catalogue.vocab:
        data.add(triple)
    results = validate(data, shared_catalogue.shapes).results
    assert {(r.rule, r.message) for r in results} == expected


def test_shapes_are_valid_shacl(shared_catalogue):
    report = check_shapes(shared_catalogue.shapes)
    assert report.conforms, [r.message for r in report.results]


def test_bundled_vocabularies_pass_the_concept_shapes(shared_catalogue):
    assert shared_catalogue.vocabulary_problems() == []


def test_broken_vocabulary_is_reported(tmp_path, config):
    vocab = tmp_path / "vocab"
    vocab.mkdir()
    (vocab / "bad.ttl").write_text(
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        "<def/topics> a skos:ConceptScheme ; skos:prefLabel \"Topics\"@en ;\n"
        "  skos:hasTopConcept <def/topics/a> .\n"
        "<def/topics/a> a skos:Concept ; skos:inScheme <def/topics> ;\n"
        "  skos:prefLabel \"A\"@en, \"Another A\"@en .\n"
        "<def/topics/b> a skos:Concept ; skos:prefLabel \"B\"@en ; skos:altLabel \"a\"@en .\n")
    config["vocab_dir"] = vocab
    problems = {(p.rule, p.message) for p in Catalogue(config).vocabulary_problems()}
    assert ("concept-preflabel/uniqueLang", "a concept has a language-tagged preferred label, "
            "at most one per language") in problems
    assert ("concept-scheme/minCount", "a concept belongs to at least one concept scheme") in problems


def test_shape_files_exist():
    assert {p.name for p in (ROOT / "shapes").glob("*.ttl")} == {"record.ttl", "agent.ttl",
                                                                "concept.ttl"}


def test_shape_check_catches_invalid_shacl():
    broken = Graph().parse(format="turtle", data=(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "<http://example.org/s> a sh:NodeShape ; sh:targetClass <http://example.org/C> ;\n"
        "  sh:property [ sh:path <http://example.org/p> ; sh:minCount \"many\" ] ."))
    assert not check_shapes(broken).conforms


@pytest.mark.parametrize("year, admitted", [
    ("1799", False), ("1800", True), ("2026", True), ("2027", True), ("2028", False),
    ("0999", False), ("20l9", False),
])
def test_years_run_from_1800_to_next_year(year, admitted, config):
    catalogue = Catalogue(config)
    catalogue.this_year = 2026
    record = Record(SourceLocation("t", 1), {"title": ["A Title"], "year": [year]})
    [outcome] = catalogue.checker().check([record])
    assert ("record-issued-year/in" not in {p.rule for p in outcome.problems}) is admitted


def test_workers_check_against_the_shape_files_as_first_read(tmp_path):
    """The context hash names the bytes read at the start; an edit made during an
    ingest must not reach the worker processes."""
    shapes = tmp_path / "shapes"
    shutil.copytree(ROOT / "shapes", shapes)
    catalogue = Catalogue(load_config({
        "data_dir": tmp_path / "var", "vocab_dir": ROOT / "vocab", "shapes_dir": shapes,
        "workers": 2, "batch_size": 1}, environ={}))
    catalogue.context_hash  # noqa: B018 - the files are read here, as at an ingest's start
    (shapes / "record.ttl").write_text("this is not Turtle")
    report = ingest([ROOT / "data" / "library-listing.txt"], catalogue, publish=False)
    assert report.checked > 2 and not report.violations
