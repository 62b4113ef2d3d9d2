"""Records cited as BibTeX, RIS and CSL-JSON: the writers, read back by real citation
parsers (bibtexparser, rispy, citeproc-py), and the citations served over HTTP."""

import html
import json
import re
import warnings

import bibtexparser
import pytest
import requests
import rispy
from bibtexparser import middlewares
from citeproc import Citation as CiteprocCitation
from citeproc import CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from pylatexenc.latex2text import LatexNodes2Text

from ctlib.formats import CITATION_FORMATS, DESCRIPTION_FORMATS, RECORD_FORMATS
from ctlib.web.core.negotiation import negotiate
from ctlib.web.descriptions.citations import bibtex, citation_key, csl_json, ris
from ctlib.web.descriptions.page import Citation

from .conftest import ROOT
from .server import get, running_server, withdrawal_ingests

TRICKY_TITLE = "Costs {in} 100% of R&D: $5 #1 on a_b \\ and ~ in Zürich, Côte d'Ivoire, Łódź"
ORGANISATION = "International Organization for Migration, Mission in Ethiopia"
TRICKY = Citation(
    title=TRICKY_TITLE, authors=[ORGANISATION, "Éva Ñúñez", "Walk Free Foundation"],
    year="2019", abstract="First paragraph.\n\nSecond & last   paragraph.", language="en",
    places=["Côte d'Ivoire", "São Tomé and Príncipe"], categories=["Referral Mechanisms"])
URL = "http://example.org/id/record/Z%C3%BCrich-100%25"
PUBLISHER = "Counter-Trafficking Resource Library & Friends"


def parse_bibtex(text: str) -> bibtexparser.Library:
    """The entry with its authors split as BibTeX splits them (at ``and`` outside braces)."""
    library = bibtexparser.parse_string(text, append_middleware=[
        middlewares.SeparateCoAuthors(), middlewares.SplitNameParts()])
    assert not library.failed_blocks, [b.error for b in library.failed_blocks]
    assert len(library.entries) == 1
    return library


def latex_text(value: str) -> str:
    return LatexNodes2Text().latex_to_text(value)


# --- the BibTeX key ---

@pytest.mark.parametrize("identifier, key", [
    ("desk-review-of-counter-trafficking-initiatives-in-igad-and-e0659a",
     "desk-review-of-counter-trafficking-initiatives-in-igad-and-e0659a"),
    ("CT/2019 #7", "CT-2019-7-fe52ae"),
])
def test_the_key_is_the_identifier_where_a_key_can_hold_it(identifier, key):
    assert citation_key(identifier) == key


def test_keys_of_identifiers_that_differ_only_in_what_a_key_cannot_hold_differ():
    keys = {citation_key(i) for i in ("Zürich-100%", "Zurich-100", "Zurich 100", "Zürich 100")}
    assert len(keys) == 4
    assert all(re.fullmatch(r"[A-Za-z0-9_.:-]+", key) for key in keys)
    assert re.fullmatch(r"record-[0-9a-f]{6}", citation_key("Приют"))


# --- BibTeX ---

def test_bibtex_escapes_latex_specials_and_accents_and_reads_back():
    text = bibtex(TRICKY, "Zürich-100%", URL, PUBLISHER)
    assert text.isascii()
    for escaped in (r"\{in\}", r"100\%", r"R\&D", r"\$5", r"\#1", r"a\_b", r"\textbackslash{}",
                    r"\textasciitilde{}", r'Z{\"u}rich', r"C{\^o}te", r"{\L}{\'o}d{\'z}"):
        assert escaped in text, escaped
    entry = parse_bibtex(text).entries[0]
    assert entry.entry_type == "techreport" and entry.key == citation_key("Zürich-100%")
    assert latex_text(entry["title"]) == TRICKY_TITLE
    assert latex_text(entry["institution"]) == PUBLISHER
    assert latex_text(entry["abstract"]) == "First paragraph. Second & last paragraph."
    assert entry["year"] == "2019" and entry["url"] == URL
    assert latex_text(entry["keywords"]) == \
        "Referral Mechanisms, Côte d'Ivoire, São Tomé and Príncipe"


def test_bibtex_authors_are_whole_names_an_organisation_with_a_comma_too():
    entry = parse_bibtex(bibtex(TRICKY, "x", URL, None)).entries[0]
    names = entry["author"]
    assert len(names) == 3, "an author split at its comma or its 'and'"
    assert all(not name.first and not name.von and not name.jr for name in names)
    assert [latex_text(" ".join(name.last)) for name in names] == TRICKY.authors
    assert "institution" not in entry.fields_dict


def test_an_unbalanced_brace_does_not_swallow_the_rest_of_the_entry():
    unbalanced = Citation("A } title { with ^ braces", ["A. Author"], "2020", "The summary.",
                          None, [], [])
    text = bibtex(unbalanced, "x", URL, None)
    assert r"\textbraceright{}" in text and r"\textbraceleft{}" in text
    assert r"\textasciicircum{}" in text
    entry = parse_bibtex(text).entries[0]
    assert entry["year"] == "2020" and entry["abstract"] == "The summary."


def test_other_scripts_stay_utf8_in_bibtex():
    text = bibtex(Citation("Приют и помощь", [], "2018", None, "ru", [], []), "x", URL, None)
    assert latex_text(parse_bibtex(text).entries[0]["title"]) == "Приют и помощь"


# --- RIS ---

def test_ris_is_one_tag_a_line_and_reads_back():
    text = ris(TRICKY, "Zürich-100%", URL, PUBLISHER)
    lines = text.split("\r\n")
    assert lines[0] == "TY  - RPRT" and lines[-2:] == ["ER  - ", ""]
    assert all(re.fullmatch(r"[A-Z][A-Z0-9]  - .*", line) for line in lines[:-1])
    [entry] = rispy.loads(text)
    assert entry["type_of_reference"] == "RPRT"
    assert entry["title"] == TRICKY_TITLE
    assert entry["authors"] == TRICKY.authors
    assert entry["year"] == "2019" and entry["language"] == "en"
    assert entry["abstract"] == "First paragraph. Second & last paragraph."
    assert entry["keywords"] == ["Referral Mechanisms", "Côte d'Ivoire", "São Tomé and Príncipe"]
    assert entry["publisher"] == PUBLISHER and entry["urls"] == [URL]
    assert entry["id"] == citation_key("Zürich-100%")


def test_ris_leaves_out_what_a_record_does_not_have():
    text = ris(Citation("Only a title", [], None, None, None, [], []), "x", URL, None)
    assert [line[:2] for line in text.split("\r\n") if line] == ["TY", "ID", "TI", "UR", "ER"]


# --- CSL-JSON ---

def test_csl_json_is_one_report_item():
    [item] = json.loads(csl_json(TRICKY, "Zürich-100%", URL, PUBLISHER))
    assert item["id"] == "Zürich-100%" and item["citation-key"] == citation_key("Zürich-100%")
    assert item["type"] == "report" and item["title"] == TRICKY_TITLE
    assert item["author"] == [{"literal": name} for name in TRICKY.authors]
    assert item["issued"] == {"date-parts": [[2019]]}
    assert item["URL"] == URL and item["publisher"] == PUBLISHER
    assert item["keyword"] == "Referral Mechanisms, Côte d'Ivoire, São Tomé and Príncipe"


def render_with_citeproc(items: list[dict]) -> str:
    """The bibliography entry citeproc-py makes of the first item, in the style it ships."""
    with warnings.catch_warnings():
        # citeproc-py predates CSL 1.0.2's citation-key and says it skips it.
        warnings.filterwarnings("ignore", "The following arguments for Reference")
        source = CiteProcJSON(items)
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, source, formatter.plain)
    bibliography.register(CiteprocCitation([CitationItem(items[0]["id"])]))
    return str(bibliography.bibliography()[0])


def test_citeproc_renders_the_csl_json():
    rendered = render_with_citeproc(json.loads(csl_json(TRICKY, "Zürich-100%", URL, PUBLISHER)))
    for part in (ORGANISATION, "Éva Ñúñez", "(2019)", TRICKY_TITLE, PUBLISHER, URL):
        assert part in rendered, (part, rendered)


# --- negotiation ---

@pytest.mark.parametrize("accept, winner", [
    (None, "ttl"),
    ("*/*", "ttl"),
    ("application/*", "jsonld"),
    ("application/x-bibtex", "bibtex"),
    ("application/x-research-info-systems", "ris"),
    ("application/vnd.citationstyles.csl+json", "csljson"),
    ("application/json", "jsonld"),
    ("application/x-bibtex;q=0.9, text/turtle;q=0.5", "bibtex"),
    ("application/x-bibtex;q=0.5, text/turtle;q=0.9", "ttl"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "html"),
    ("application/x-bibtex;q=0, */*", "ttl"),
    ("application/x-bibtex;q=0, text/plain", None),
])
def test_records_negotiate_citations_beside_rdf_and_html(accept, winner):
    found = negotiate(accept, RECORD_FORMATS)
    assert (found.name if found else None) == winner


def test_other_descriptions_never_negotiate_a_citation():
    assert not set(CITATION_FORMATS) & set(DESCRIPTION_FORMATS)
    for fmt in CITATION_FORMATS:
        assert negotiate(fmt.media_type, DESCRIPTION_FORMATS) is None


# --- over HTTP ---

LISTING = ROOT / "data" / "library-listing.txt"
RECORD = "desk-review-of-counter-trafficking-initiatives-in-igad-and-e0659a"
TITLE = "Desk Review of Counter-Trafficking Initiatives in IGAD and EAC Regions"
ENCODED = "CT%2F2019%20%237"
EXTENSIONS = {f.name: f.extension for f in CITATION_FORMATS}


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("citations"), *withdrawal_ingests()) as url:
        yield url


def read_citation(name: str, text: str) -> tuple[str, list[str], str]:
    """(title, authors, URL) as each format's parser reads them."""
    if name == "bibtex":
        entry = parse_bibtex(text).entries[0]
        return (latex_text(entry["title"]),
                [latex_text(" ".join(n.last)) for n in entry["author"]], entry["url"])
    if name == "ris":
        [entry] = rispy.loads(text)
        return entry["title"], entry["authors"], entry["urls"][0]
    [item] = json.loads(text)
    return item["title"], [a["literal"] for a in item["author"]], item["URL"]


@pytest.mark.parametrize("fmt", CITATION_FORMATS, ids=lambda f: f.name)
def test_each_citation_by_extension(base, fmt):
    response = get(f"{base}doc/record/{RECORD}.{fmt.extension}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == f"{fmt.media_type}; charset=utf-8"
    assert response.headers["ETag"].removesuffix('-br"').endswith(f'-{fmt.name}')
    # the same cached answer as the negotiated URL's, record TimeGate included
    assert response.headers["Vary"] == "Accept, Accept-Datetime, Accept-Encoding"
    assert "Last-Modified" in response.headers and "Content-Location" not in response.headers
    title, authors, url = read_citation(fmt.name, response.content.decode("utf-8"))
    assert title == TITLE
    assert sorted(authors) == ["Mebratu Gebeyehu Consultants For AU/IGAD/IOM", "Rakeb Messele"]
    assert url == f"{base}id/record/{RECORD}"


@pytest.mark.parametrize("fmt", CITATION_FORMATS, ids=lambda f: f.name)
def test_each_citation_by_accept(base, fmt):
    response = get(f"{base}doc/record/{RECORD}", fmt.media_type)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == fmt.content_type
    assert response.headers["Content-Location"] == \
        f"{base}doc/record/{RECORD}.{fmt.extension}"
    assert response.content == get(f"{base}doc/record/{RECORD}.{fmt.extension}").content


def test_every_format_of_a_record_is_in_its_link_header(base):
    for response in (get(f"{base}doc/record/{RECORD}"), get(f"{base}doc/record/{RECORD}.bib")):
        links = requests.utils.parse_header_links(response.headers["Link"])
        alternates = {link["type"]: link["url"] for link in links if link["rel"] == "alternate"}
        assert alternates == {f.media_type: f"{base}doc/record/{RECORD}.{f.extension}"
                              for f in RECORD_FORMATS}


@pytest.mark.parametrize("name", EXTENSIONS)
def test_a_citation_validates_with_its_etag_and_date(base, name):
    url = f"{base}doc/record/{RECORD}.{EXTENSIONS[name]}"
    first = get(url)
    for _ in range(2):  # rendered by Flask, then answered from the cache's fast path
        assert get(url, **{"If-None-Match": first.headers["ETag"]}).status_code == 304
    assert get(url, **{"If-Modified-Since": first.headers["Last-Modified"]}).status_code == 304
    other = get(f"{base}doc/record/{RECORD}.ttl").headers["ETag"]
    assert get(url, **{"If-None-Match": other}).status_code == 200
    head = requests.head(url, timeout=10)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["ETag"] == first.headers["ETag"]
    assert head.headers["Content-Length"] == first.headers["Content-Length"]


def test_an_identifier_that_needs_encoding_is_cited_under_a_safe_key(base):
    response = get(f"{base}doc/record/{ENCODED}.bib")
    entry = parse_bibtex(response.text).entries[0]
    assert entry.key == citation_key("CT/2019 #7") == "CT-2019-7-fe52ae"
    assert entry["url"] == f"{base}id/record/{ENCODED}"
    [item] = json.loads(get(f"{base}doc/record/{ENCODED}.csljson").text)
    assert item["id"] == "CT/2019 #7"


@pytest.mark.parametrize("path", ["doc/agent/rakeb-messele.bib", "def/regions/europe.ris",
                                  "def/regions.csljson"])
def test_only_records_have_citation_urls(base, path):
    response = get(base + path)
    assert response.status_code == 404
    assert "only records are served as" in response.text


def test_asking_anything_but_a_record_for_a_citation_gets_406(base):
    response = get(f"{base}doc/agent/rakeb-messele", "application/x-bibtex")
    assert response.status_code == 406
    assert "text/turtle" in response.text and "bibtex" not in response.text
    assert ".bib" not in get(f"{base}doc/agent/rakeb-messele").headers["Link"]


def test_a_withdrawn_record_is_cited_no_more(base):
    response = get(f"{base}doc/record/soon-withdrawn.ris")
    assert response.status_code == 410
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert "withdrawn" in response.text


def test_the_record_page_has_a_cite_box(base):
    page = get(f"{base}doc/record/{RECORD}.html").text
    box = page[page.index('<section class="cite"'):]
    box = box[:box.index("</section>")]
    assert "<h2 id=\"cite-this\">Cite this</h2>" in box
    reference = re.sub(r"<[^>]+>", "", box[box.index('<p class="reference">'):].split("</p>")[0])
    assert " ".join(html.unescape(reference).split()) == (
        f"Mebratu Gebeyehu Consultants For AU/IGAD/IOM; Rakeb Messele (2012). {TITLE}. "
        f"Counter-Trafficking Resource Library. {base}id/record/{RECORD}")
    for fmt in CITATION_FORMATS:
        link = f'href="/doc/record/{RECORD}.{fmt.extension}" type="{fmt.media_type}"'
        assert f"<a {link} download>{fmt.label}</a>" in box
        assert f'<link rel="alternate" type="{fmt.media_type}"' in page
    entry = re.search(r'<pre id="bibtex">(.*?)</pre>', box, re.DOTALL).group(1)
    assert html.unescape(entry) == get(f"{base}doc/record/{RECORD}.bib").text
    assert '<button type="button" id="copy-bibtex" data-copy="bibtex"' in box
    script = re.search(r'<script src="(/static/copy\.[^"]*js)" defer>', page).group(1)
    assert get(base + script.lstrip("/")).status_code == 200


def test_the_cite_box_shows_markup_in_a_record_as_text(base):
    page = get(f"{base}doc/record/hostile-markup.html").text
    box = page[page.index('<section class="cite"'):]
    box = box[:box.index("</section>")]
    assert "<script>" not in box and "<i>" not in box and "<img" not in box
    assert "&lt;i&gt;Someone&lt;/i&gt; (2021). <cite>&lt;script&gt;alert(" in box
    assert "author = {{<i>Someone</i>}}" in html.unescape(box)


def test_other_pages_have_no_cite_box(base):
    for path in ("doc/agent/rakeb-messele", "def/regions/europe"):
        page = get(base + path, "text/html").text
        assert 'class="cite"' not in page and "copy.js" not in page, path


def test_a_withdrawn_record_keeps_its_reference_but_offers_no_citation_files(base):
    """Its citation formats answer 410; the page still says how to cite what it was."""
    page = get(base + "doc/record/soon-withdrawn", "text/html").text
    assert '<p class="reference"><cite>A Record That Will Be Withdrawn</cite>' in page
    assert "copy.js" not in page and ".bib" not in page and "BibTeX" not in page
