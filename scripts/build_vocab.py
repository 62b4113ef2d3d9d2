"""Build the generated SKOS concept schemes in vocab/ and check all three.

    .venv/bin/python scripts/build_vocab.py           # write regions.ttl, countries.ttl; check
    .venv/bin/python scripts/build_vocab.py --check   # write nothing; fail if stale or broken

Inputs: vocab/sources/*.csv (UN M49 areas, groupings, country placement,
country alternative labels, Wikidata QIDs) and pycountry (ISO 3166-1 codes,
English names, French and Spanish translations). vocab/categories.ttl is
hand-written and only checked.

Output is deterministic: concepts sorted by IRI, values sorted, Turtle written
as text with RELATIVE IRIs (``<def/regions/...>``) and a fixed prefix set, so
that a re-run produces byte-identical files and the loader resolves the IRIs
against the configured base URI.

Checks (exit status 1 and a list of problems on failure):
- every concept: typed skos:Concept, in a known scheme, exactly one prefLabel
  in each of English, French and Spanish (``LANGUAGES``, the languages of the
  interface), at most one prefLabel per language, no altLabel equal to a
  prefLabel of the same language;
- labels unique per scheme after normalisation (see ``normalise``);
- every skos:broader has its skos:narrower and vice versa (across files),
  targets exist, the hierarchy has no cycle;
- skos:topConceptOf and skos:hasTopConcept agree.
"""
from __future__ import annotations

import argparse
import csv
import gettext
import sys
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pycountry
import rdflib
from rdflib.namespace import DCTERMS, RDF, SKOS

from ctlib.rdf.vocab import normalize_label

ROOT = Path(__file__).resolve().parents[1]
VOCAB = ROOT / "vocab"
SOURCES = VOCAB / "sources"
CHECK_BASE = "http://localhost:8080/"  # only used to parse for the checks

REGIONS = "def/regions"
COUNTRIES = "def/countries"
CATEGORIES = "def/categories"
WORLD_CODE = "001"
LANGUAGES = ("en", "fr", "es")  # every concept has one prefLabel in each
LANG_ORDER = {lang: i for i, lang in enumerate(LANGUAGES)}
EU_COUNTRY = "http://publications.europa.eu/resource/authority/country/"
WIKIDATA = "http://www.wikidata.org/entity/"
# ISO 3166-1 alpha-3 codes whose EU Publications Office country authority code
# differs. None is known for current ISO 3166-1 entries (the authority's own
# extra codes, e.g. for Kosovo or the EU itself, have no ISO code and are not
# generated here); add an entry here if one turns up.
EU_AUTHORITY_EXCEPTIONS: dict[str, str] = {}


def normalise(label: str) -> str:
    """The form in which two labels of one scheme must differ: the same as matching uses."""
    return normalize_label(label)


def slugify(name: str) -> str:
    """Lowercase ASCII words joined by '-': "South-eastern Asia" -> "south-eastern-asia"."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = "".join(ch if ch.isalnum() else " " for ch in ascii_name.lower()).split()
    return "-".join(words)


# ---------------------------------------------------------------- model

@dataclass
class Concept:
    iri: str  # relative, e.g. "def/regions/eastern-africa"
    scheme: str
    top: bool = False
    pref: dict[str, str] = field(default_factory=dict)
    alt: set[tuple[str, str]] = field(default_factory=set)  # (text, lang)
    notations: set[str] = field(default_factory=set)
    description: str | None = None
    broader: set[str] = field(default_factory=set)
    narrower: set[str] = field(default_factory=set)
    exact: set[str] = field(default_factory=set)  # absolute IRIs

    def add_alt(self, text: str, lang: str = "en") -> None:
        text = text.strip()
        if text and self.pref.get(lang) != text:
            self.alt.add((text, lang))


@dataclass
class Scheme:
    iri: str
    labels: dict[str, str]
    description: str
    sources: list[str]


def read_csv(name: str) -> list[dict[str, str]]:
    with open(SOURCES / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def split(value: str) -> list[str]:
    return [v.strip() for v in value.split("|") if v.strip()]


def names(row: dict[str, str]) -> dict[str, str]:
    """A source row's prefLabels: its non-empty name_en, name_fr, name_es columns."""
    return {lang: text for lang in LANGUAGES if (text := row[f"name_{lang}"].strip())}


def link(concepts: dict[str, Concept], narrower: str, broader: str) -> None:
    """State skos:broader and its inverse skos:narrower on both concepts."""
    concepts[narrower].broader.add(broader)
    concepts[broader].narrower.add(narrower)


# ---------------------------------------------------------------- build

def m49_level(code: str, parents: dict[str, str]) -> str:
    depth = 0
    while parents.get(code):
        code, depth = parents[code], depth + 1
    return ["world", "region", "sub-region", "intermediate region"][depth]


def build_regions(concepts: dict[str, Concept]) -> dict[str, str]:
    """M49 areas and groupings; returns M49 code -> concept IRI."""
    areas = read_csv("m49-areas.csv")
    parents = {a["code"]: a["parent_code"] for a in areas}
    by_code: dict[str, str] = {}
    for a in areas:
        iri = f"{REGIONS}/{slugify(a['name_en'])}"
        c = concepts[iri] = Concept(iri, REGIONS, top=a["code"] == WORLD_CODE)
        c.pref = names(a)
        c.notations.add(a["code"])
        level = m49_level(a["code"], parents)
        c.description = (
            "The whole world (UN M49 code 001)." if level == "world"
            else f"UN M49 {level} (code {a['code']})."
        )
        by_code[a["code"]] = iri
    for a in areas:
        if a["parent_code"]:
            link(concepts, by_code[a["code"]], by_code[a["parent_code"]])
    for row in read_csv("region-alt-labels.csv"):
        concepts[by_code[row["code"]]].add_alt(row["label"])
    for g in read_csv("groupings.csv"):
        iri = f"{REGIONS}/{g['slug']}"
        if iri in concepts:
            raise SystemExit(f"groupings.csv: slug {g['slug']!r} is already an M49 area")
        c = concepts[iri] = Concept(iri, REGIONS, description=g["description"])
        c.pref = names(g)
        for alt in split(g["alt_labels"]):
            c.add_alt(alt)
    for g in read_csv("groupings.csv"):  # second pass: broader may name a later row
        for parent in split(g["broader"]):
            link(concepts, f"{REGIONS}/{g['slug']}", f"{REGIONS}/{parent}")
    return by_code


def build_countries(concepts: dict[str, Concept], m49: dict[str, str]) -> None:
    translations = {
        lang: gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang])
        for lang in ("fr", "es")
    }

    corrections = read_csv("translation-corrections.csv")
    corrected = set()

    def translated(lang: str, msgid: str) -> str | None:
        catalog = translations[lang]._catalog  # only real translations, no fallback
        text = catalog.get(msgid)
        if not text:
            return None
        text = text.strip()
        for fix in corrections:
            if fix["lang"] == lang and fix["wrong"] in text:
                text = text.replace(fix["wrong"], fix["right"])
                corrected.add((fix["lang"], fix["wrong"]))
        return text

    placement = {r["alpha2"]: r["m49_parent"] for r in read_csv("m49-countries.csv")}
    qids = {r["alpha2"]: r["wikidata"] for r in read_csv("country-wikidata.csv")}
    alt_labels = defaultdict(list)
    for r in read_csv("country-alt-labels.csv"):
        alt_labels[r["alpha2"]].append(r["label"])
    known = {c.alpha_2 for c in pycountry.countries}
    for name, codes in (("m49-countries.csv", placement), ("country-wikidata.csv", qids),
                        ("country-alt-labels.csv", alt_labels)):
        unknown = sorted(set(codes) - known)
        if unknown:
            raise SystemExit(f"{name}: not ISO 3166-1 alpha-2 codes in pycountry: {unknown}")
    missing = sorted(known - set(placement))
    if missing:
        raise SystemExit(f"m49-countries.csv: no M49 region for {missing}")

    for country in pycountry.countries:
        a2 = country.alpha_2
        iri = f"{COUNTRIES}/{a2.lower()}"
        c = concepts[iri] = Concept(iri, COUNTRIES, top=True)
        c.pref["en"] = country.name
        names = [getattr(country, "common_name", None), getattr(country, "official_name", None)]
        for lang in ("fr", "es"):
            if text := translated(lang, country.name):
                c.pref[lang] = text
        for lang in ("fr", "es"):
            for other in filter(None, names):
                if text := translated(lang, other):
                    c.add_alt(text, lang)
        for other in filter(None, names):
            c.add_alt(other)
        for label in alt_labels[a2]:
            c.add_alt(label)
        c.notations |= {a2, country.alpha_3, country.numeric}
        alpha3 = EU_AUTHORITY_EXCEPTIONS.get(country.alpha_3, country.alpha_3)
        c.exact.add(EU_COUNTRY + alpha3)
        if a2 in qids:
            c.exact.add(WIKIDATA + qids[a2])
        link(concepts, iri, m49[placement[a2]])
    for g in read_csv("groupings.csv"):
        for a2 in split(g["members"]):
            if a2 not in known:
                raise SystemExit(f"groupings.csv: {g['slug']}: unknown member {a2!r}")
            link(concepts, f"{COUNTRIES}/{a2.lower()}", f"{REGIONS}/{g['slug']}")
    # A correction pycountry no longer needs is dropped, not kept "just in case".
    unused = [f"{fix['lang']}: {fix['wrong']!r}" for fix in corrections
              if (fix["lang"], fix["wrong"]) not in corrected]
    if unused:
        raise SystemExit(f"translation-corrections.csv: no translation contains {unused}")


SCHEMES = {
    REGIONS: Scheme(
        REGIONS,
        {"en": "Regions", "fr": "Régions", "es": "Regiones"},
        "Geographic regions of the Counter-Trafficking Resource Library: the UN M49 "
        "regions, sub-regions and intermediate regions under the single top concept "
        "Worldwide, plus regional groupings used by the library that are not M49 areas "
        "(European Economic Area, South Eastern Europe, Horn of Africa, ...). Each "
        "region lists its countries (from the countries scheme) as narrower concepts.",
        ["https://unstats.un.org/unsd/methodology/m49/"],
    ),
    COUNTRIES: Scheme(
        COUNTRIES,
        {"en": "Countries", "fr": "Pays", "es": "Países"},
        "Countries and territories of ISO 3166-1, identified by their lowercase alpha-2 "
        "code. A flat scheme: every country is a top concept; its broader concepts are "
        "its UN M49 region and the regional groupings it belongs to, in the regions scheme.",
        ["https://www.iso.org/iso-3166-country-codes.html"],
    ),
}


# ---------------------------------------------------------------- Turtle text

def lit(text: str, lang: str | None = None) -> str:
    escaped = (text.replace("\\", "\\\\").replace('"', '\\"')
               .replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t"))
    return f'"{escaped}"' + (f"@{lang}" if lang else "")


def lang_key(item: tuple[str, str]) -> tuple:
    text, lang = item
    return (LANG_ORDER.get(lang, 9), lang, text)


def ref(iri: str) -> str:
    return f"<{iri}>"


def objects(values: list[str]) -> str:
    if len(values) <= 1:
        return ", ".join(values)
    return (",\n" + " " * 8).join(values)


def turtle_block(subject: str, props: list[tuple[str, list[str]]]) -> str:
    lines = [f"{ref(subject)} {props[0][0]} {objects(props[0][1])}"]
    lines += [f"    {p} {objects(vals)}" for p, vals in props[1:] if vals]
    return " ;\n".join(lines) + " .\n"


def scheme_block(s: Scheme, tops: list[str]) -> str:
    labels = [lit(t, l) for t, l in sorted(((t, l) for l, t in s.labels.items()), key=lang_key)]
    return turtle_block(s.iri, [
        ("a", ["skos:ConceptScheme"]),
        ("skos:prefLabel", labels),
        ("dcterms:title", labels),
        ("dcterms:description", [lit(s.description, "en")]),
        ("dcterms:source", [f"<{u}>" for u in s.sources]),
        ("skos:hasTopConcept", [ref(t) for t in sorted(tops)]),
    ])


def concept_block(c: Concept) -> str:
    pref = sorted(((t, l) for l, t in c.pref.items()), key=lang_key)
    return turtle_block(c.iri, [
        ("a", ["skos:Concept"]),
        ("skos:inScheme", [ref(c.scheme)]),
        ("skos:topConceptOf", [ref(c.scheme)] if c.top else []),
        ("skos:prefLabel", [lit(t, l) for t, l in pref]),
        ("skos:altLabel", [lit(t, l) for t, l in sorted(c.alt, key=lang_key)]),
        ("skos:notation", [lit(n) for n in sorted(c.notations)]),
        ("dcterms:description", [lit(c.description, "en")] if c.description else []),
        ("skos:broader", [ref(b) for b in sorted(c.broader)]),
        ("skos:narrower", [ref(n) for n in sorted(c.narrower)]),
        ("skos:exactMatch", [f"<{e}>" for e in sorted(c.exact)]),
    ])


def render(scheme: Scheme, concepts: list[Concept], note: str) -> str:
    header = (
        f"# {scheme.labels['en']}: generated by scripts/build_vocab.py from {note}.\n"
        "# Do not edit by hand: change the sources and re-run the script.\n"
        "# IRIs are relative and resolved against the configured base URI at load time.\n\n"
        "@prefix dcterms: <http://purl.org/dc/terms/> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n\n"
    )
    tops = [c.iri for c in concepts if c.top]
    ordered = sorted(concepts, key=lambda c: c.iri)
    blocks = [scheme_block(scheme, tops)] + [concept_block(c) for c in ordered]
    return header + "\n".join(blocks)


# ---------------------------------------------------------------- checks

def check(graph: rdflib.Graph) -> list[str]:
    problems: list[str] = []
    base = CHECK_BASE
    short = lambda n: str(n).removeprefix(base)  # noqa: E731
    schemes = set(graph.subjects(RDF.type, SKOS.ConceptScheme))
    concepts = set(graph.subjects(RDF.type, SKOS.Concept))
    for s in sorted(schemes):
        if not any(l.language == "en" for l in graph.objects(s, SKOS.prefLabel)):
            problems.append(f"{short(s)}: scheme has no English skos:prefLabel")
        for p in (DCTERMS.title, DCTERMS.description):
            if graph.value(s, p) is None:
                problems.append(f"{short(s)}: scheme has no {graph.qname(p)}")

    labels_by_scheme: dict[tuple, dict[str, set]] = defaultdict(lambda: defaultdict(set))
    for c in sorted(concepts):
        in_schemes = set(graph.objects(c, SKOS.inScheme))
        if not in_schemes or not in_schemes <= schemes:
            problems.append(f"{short(c)}: skos:inScheme missing or not a known scheme")
        prefs = defaultdict(list)
        for label in graph.objects(c, SKOS.prefLabel):
            prefs[label.language].append(str(label))
        for lang in LANGUAGES:
            if not prefs.get(lang):
                problems.append(f"{short(c)}: has no skos:prefLabel in language {lang!r}")
        for lang, texts in prefs.items():
            if len(texts) > 1:
                problems.append(
                    f"{short(c)}: {len(texts)} skos:prefLabel in language {lang!r}: {texts}")
        alts = set(graph.objects(c, SKOS.altLabel))
        for a in alts:
            if str(a) in prefs.get(a.language, []):
                problems.append(f"{short(c)}: {a!r} is both prefLabel and altLabel")
        for label in set(graph.objects(c, SKOS.prefLabel)) | alts:
            for s in in_schemes:
                labels_by_scheme[s][normalise(str(label))].add(c)
    for s, table in sorted(labels_by_scheme.items()):
        for key, owners in sorted(table.items()):
            if len(owners) > 1:
                problems.append(
                    f"{short(s)}: label clash {key!r} shared by "
                    + ", ".join(sorted(map(short, owners))))

    for a, b in sorted(graph.subject_objects(SKOS.broader)):
        if b not in concepts:
            problems.append(f"{short(a)}: skos:broader {short(b)} is not a concept")
        if (b, SKOS.narrower, a) not in graph:
            problems.append(f"{short(b)}: missing skos:narrower {short(a)} (inverse of broader)")
    for a, b in sorted(graph.subject_objects(SKOS.narrower)):
        if b not in concepts:
            problems.append(f"{short(a)}: skos:narrower {short(b)} is not a concept")
        if (b, SKOS.broader, a) not in graph:
            problems.append(f"{short(b)}: missing skos:broader {short(a)} (inverse of narrower)")
    for c, s in sorted(graph.subject_objects(SKOS.topConceptOf)):
        if (s, SKOS.hasTopConcept, c) not in graph:
            problems.append(f"{short(s)}: missing skos:hasTopConcept {short(c)}")
    for s, c in sorted(graph.subject_objects(SKOS.hasTopConcept)):
        if (c, SKOS.topConceptOf, s) not in graph:
            problems.append(f"{short(c)}: missing skos:topConceptOf {short(s)}")
    problems += cycles(graph, short)
    return problems


def cycles(graph: rdflib.Graph, short) -> list[str]:
    parents = defaultdict(set)
    for a, b in sorted(graph.subject_objects(SKOS.broader)):
        parents[a].add(b)
    state: dict = {}
    found: list[str] = []

    def visit(node, path):
        state[node] = 1
        for p in sorted(parents[node]):
            if state.get(p) == 1:
                found.append("skos:broader cycle: " + " -> ".join(map(short, path + [p])))
            elif p not in state:
                visit(p, path + [p])
        state[node] = 2

    for node in sorted(parents):
        if node not in state:
            visit(node, [node])
    return found


# ---------------------------------------------------------------- main

def generate() -> dict[Path, str]:
    concepts: dict[str, Concept] = {}
    m49 = build_regions(concepts)
    build_countries(concepts, m49)
    by_scheme = defaultdict(list)
    for c in concepts.values():
        by_scheme[c.scheme].append(c)
    return {
        VOCAB / "regions.ttl": render(
            SCHEMES[REGIONS], by_scheme[REGIONS],
            "vocab/sources/m49-areas.csv, region-alt-labels.csv, groupings.csv, m49-countries.csv"),
        VOCAB / "countries.ttl": render(
            SCHEMES[COUNTRIES], by_scheme[COUNTRIES],
            "pycountry (ISO 3166-1) and vocab/sources/m49-countries.csv, groupings.csv, "
            "country-alt-labels.csv, country-wikidata.csv, translation-corrections.csv"),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if the files are stale or a check fails")
    args = parser.parse_args(argv)

    outputs = generate()
    graph = rdflib.Graph()
    for path, text in outputs.items():
        graph.parse(data=text, format="turtle", publicID=CHECK_BASE)
    graph.parse(VOCAB / "categories.ttl", format="turtle", publicID=CHECK_BASE)
    problems = check(graph)

    stale = [p for p, text in outputs.items()
             if not p.exists() or p.read_text(encoding="utf-8") != text]
    if args.check and stale:
        problems += [f"{p.relative_to(ROOT)} is out of date: run scripts/build_vocab.py"
                     for p in stale]
    if problems:
        print(f"build_vocab: {len(problems)} problem(s):", file=sys.stderr)
        for p in problems:
            print("  " + p, file=sys.stderr)
        return 1
    if not args.check:
        for path in stale:
            path.write_text(outputs[path], encoding="utf-8")
    for s in sorted(graph.subjects(RDF.type, SKOS.ConceptScheme)):
        n = sum(1 for _ in graph.subjects(SKOS.inScheme, s))
        tops = sum(1 for _ in graph.objects(s, SKOS.hasTopConcept))
        print(f"{str(s).removeprefix(CHECK_BASE)}: {n} concepts, {tops} top concepts")
    print(f"{len(graph)} triples; " + ("up to date" if not stale else
          ("wrote " + ", ".join(str(p.relative_to(ROOT)) for p in stale))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
