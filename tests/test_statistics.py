"""The statistics graph of a real ingest says what plain SPARQL aggregates over the data
count, and is replaced when the data changes."""

import shutil

from ctlib.ingest import ingest

from .conftest import BASE, ROOT
from .test_ingest import query

LISTING = ROOT / "data" / "library-listing.txt"
GONE = "counter-trafficking-facilitators-guide-e70830"
PREFIXES = f"""PREFIX void: <http://rdfs.org/ns/void#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX stats: <{BASE}graph/statistics#>
"""
DATA = f"FILTER NOT EXISTS {{ GRAPH <{BASE}graph/statistics> {{ ?s ?p ?o }} }}"
"""The data, without the statistics graph itself."""


def pairs(catalogue, sparql: str) -> dict[str, int]:
    return {row["key"]: int(row["n"]) for row in query(catalogue, PREFIXES + sparql)}


def stated(catalogue, path: str, measure: str) -> dict[str, int]:
    """What the statistics graph says: ``path`` from the subject to the key."""
    return pairs(catalogue, f"SELECT ?key ?n WHERE {{ GRAPH <{BASE}graph/statistics> {{ "
                            f"?node {path} ?key ; {measure} ?n }} }}")


def counted_properties(catalogue) -> dict[str, int]:
    return pairs(catalogue, "SELECT ?key (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?key ?o } "
                            f"FILTER (?g != <{BASE}graph/statistics>) }} GROUP BY ?key")


def counted_classes(catalogue) -> dict[str, int]:
    return pairs(catalogue, "SELECT ?key (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?key } "
                            "GROUP BY ?key")


def counted_concepts(catalogue, path: str) -> dict[str, int]:
    return pairs(catalogue, f"""SELECT ?key (COUNT(DISTINCT ?r) AS ?n) WHERE {{
        ?key skos:inScheme ?scheme .
        OPTIONAL {{ ?r a dcterms:BibliographicResource ; {path} ?key }}
    }} GROUP BY ?key""")


def counted_years(catalogue) -> dict[str, int]:
    return pairs(catalogue, "SELECT ?key (COUNT(?r) AS ?n) WHERE { "
                            "?r a dcterms:BibliographicResource ; dcterms:issued ?key } "
                            "GROUP BY ?key")


def assert_statistics_count_as_sparql(catalogue):
    assert stated(catalogue, "void:class", "void:entities") \
        == counted_classes(catalogue)
    assert stated(catalogue, "void:property", "void:triples") == counted_properties(catalogue)
    concepts = "(dcterms:subject|dcterms:spatial)"
    assert pairs(catalogue, "SELECT ?key ?n WHERE { ?key stats:directRecords ?n }") \
        == counted_concepts(catalogue, concepts)
    assert pairs(catalogue, "SELECT ?key ?n WHERE { ?key skos:inScheme ?s ; stats:records ?n }") \
        == counted_concepts(catalogue, concepts + "/skos:broader*")
    assert pairs(catalogue, "SELECT ?key ?n WHERE { ?key a foaf:Agent ; stats:records ?n }") \
        == pairs(catalogue, "SELECT ?key (COUNT(DISTINCT ?r) AS ?n) WHERE { ?key a foaf:Agent . "
                            "?r dcterms:creator ?key } GROUP BY ?key")
    assert stated(catalogue, "stats:year", "void:entities") == counted_years(catalogue)


def test_the_statistics_graph_says_what_sparql_aggregates_count(catalogue):
    ingest([LISTING], catalogue)
    assert_statistics_count_as_sparql(catalogue)
    assert counted_years(catalogue)["2012"] > 0


def test_a_withdrawn_record_is_no_longer_counted(catalogue, tmp_path):
    source = tmp_path / "listing.txt"
    shutil.copy(LISTING, source)
    ingest([source], catalogue)
    before = pairs(catalogue, "SELECT ?key ?n WHERE { ?key stats:directRecords ?n }")
    about = {row["c"] for row in query(catalogue, PREFIXES + f"SELECT ?c WHERE {{ "
             f"<{BASE}id/record/{GONE}> dcterms:spatial|dcterms:subject ?c }}")}
    full = source.read_text()
    source.write_text(full[:full.index("Counter Trafficking Facilitators Guide")]
                      + full[full.index("Guidance Note on"):])
    assert ingest([source], catalogue).withdrawn == [GONE]
    assert_statistics_count_as_sparql(catalogue)
    after = pairs(catalogue, "SELECT ?key ?n WHERE { ?key stats:directRecords ?n }")
    assert about and {key: before[key] - after[key] for key in before if after[key] != before[key]} \
        == dict.fromkeys(about, 1)
