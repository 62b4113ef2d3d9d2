"""Likely typos in the library's own text: warned of with a suggestion at ingest, and
published as the source has them (docs/sources.md)."""

import pytest
from rdflib import Graph, Literal

from ctlib.records import read_sources
from ctlib.records.model import Record, Severity, SourceLocation
from ctlib.records.typos import RULE, TypoFinder

from .conftest import ROOT, run

LISTING = ROOT / "data" / "library-listing.txt"
AASSISTED = "guidance-note-on-aassisted-voluntary-return-and-6dd4ba"
MODERN_SLAVERY = "measurement-action-freedom-an-independent-assessment-of-c72446"


@pytest.fixture(scope="module")
def finder(shared_catalogue) -> TypoFinder:
    return shared_catalogue.checker().typos


@pytest.fixture(scope="module")
def listing(shared_catalogue) -> list[Record]:
    return [item for item in read_sources([LISTING], shared_catalogue.is_heading)
            if isinstance(item, Record)]


def typos(finder: TypoFinder, language: str = "en", **fields) -> list[str]:
    made = Record(SourceLocation("x.jsonl", 7))
    for name, value in fields.items():
        made.add(name, value, 7)
    return [problem.message for problem in finder.problems(made, "x", language)]


def test_the_listing_s_known_typos_are_warned_of_with_a_suggestion(finder, listing):
    found = [(p.location.line, p.field, p.value, p.message)
             for record in listing for p in finder.problems(record, "r", "en")]
    assert (39, "summary", "…ors on all forms of moden slavery under SDG 8…",
            '"moden" is not in the English dictionary: "modern"?') in found
    assert (60, "title", "Guidance Note on aAssisted Voluntary Return an…",
            '"aAssisted" has a capital inside a lower-case word: "assisted"?') in found
    assert (68, "authors", "Department Of Migration Managemen…",
            '"Of" inside a name is usually written "of"') in found
    assert len(found) == 4  # and "Consultants For AU/IGAD/IOM", the same kind


def test_a_clean_real_record_has_no_warning(finder, listing):
    after_the_nrm = listing[0]
    assert after_the_nrm.first("title").startswith("After the National Referral Mechanism")
    assert finder.problems(after_the_nrm, "r", "en") == []


def test_problems_are_warnings_naming_record_field_and_line(finder):
    made = Record(SourceLocation("p.jsonl", 3))
    made.add("summary", "Forms of moden slavery, and moden again.", 3)
    problems = finder.problems(made, "the-id", "en")
    assert len(problems) == 1  # one line per word per field
    assert str(problems[0]) == ('p.jsonl:3  the-id  summary  "Forms of moden slavery, and '
                                'moden …"  warning[likely-typo] "moden" is not in the '
                                'English dictionary: "modern"?')
    assert problems[0].severity is Severity.WARNING and problems[0].rule == RULE


@pytest.mark.parametrize("text", [
    "The UNHCR and IOM report",                    # acronyms
    "The COVID19 response in 2020s",              # digits
    "See https://example.org/moden or mail moden@example.org",  # addresses
    "A tiny wrd",                                  # short words
    "Efforts prioritised in the centre",           # British spellings
    "Training storylines for officers",            # a plural the dictionary lacks
    "Reports from Moldova and Côte d'Ivoire",      # names, vocabulary labels
    "A provider’s role",                           # possessives
])
def test_what_is_often_right_is_left_alone(finder, text):
    assert typos(finder, summary=text) == []


def test_the_dictionary_is_the_record_s_language(finder):
    spanish = "Un estudio sobre la trata de personas en la frontrea norte"
    assert typos(finder, "es", summary=spanish) == [
        '"frontrea" is not in the Spanish dictionary: "frontera"?']
    assert typos(finder, "es", authors="Ministerio Del Interior") == [
        '"Del" inside a name is usually written "del"']
    assert typos(finder, "en", authors="Ministerio Del Interior") == []


@pytest.mark.e2e
def test_ingest_prints_the_warnings_and_publishes_the_text_unchanged(tmp_path):
    result = run(tmp_path, "ingest", LISTING)
    warnings = [line for line in result.stdout.splitlines() if "warning[likely-typo]" in line]
    assert len(warnings) == 4
    assert any(line.startswith(f"{LISTING}:60  {AASSISTED}  title  ") and '"assisted"?' in line
               for line in warnings)
    assert any(line.startswith(f"{LISTING}:39  {MODERN_SLAVERY}  summary  ")
               for line in warnings)
    assert "0 rejected" in result.stderr and "published 10" in result.stderr
    dump = tmp_path / "all.nt"
    run(tmp_path, "export", "--format", "nt", "-o", dump)
    titles = {str(title) for title in Graph().parse(dump).objects(None, None)
              if isinstance(title, Literal)}
    assert "Guidance Note on aAssisted Voluntary Return and Reintegration for Migrants " \
           "With Health Needs" in titles
    assert "Department Of Migration Management" in titles
    assert any("forms of moden slavery" in text for text in titles)
