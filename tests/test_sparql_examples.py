"""The example queries and docs/sparql.md, against the real server and the real data.

Every example in src/ctlib/sparql/examples/ must run through /sparql and return
something from data/library-listing.txt. docs/sparql.md must not drift from the code:
its "Example queries" section is generated from the example files (run this module,
``.venv/bin/python -m tests.test_sparql_examples``, to rewrite it), and every other
query it shows (```sparql blocks, the client snippets, the spreadsheet URL, the curl
commands) is run here too.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from rdflib import Graph

from ctlib.sparql import examples

from .conftest import DATA, ROOT
from .server import running_server

LISTING = ROOT / "data" / "library-listing.txt"
PARTNER = DATA / "partner.jsonl"
DOC = ROOT / "docs" / "sparql.md"
DOC_BASE = "http://localhost:8080/"
"""The base URI the documentation's commands and URLs are written for."""
START = "<!-- examples:start (generated from src/ctlib/sparql/examples/*.rq; do not edit by hand) -->"
END = "<!-- examples:end -->"
ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9"
"""JSON for SELECT and ASK, N-Triples for CONSTRUCT and DESCRIBE."""
EXAMPLES = examples.examples()


# --- the generated section ---

def examples_section() -> str:
    """The "Example queries" section of docs/sparql.md, from the example files."""
    parts = [START, ""]
    for path, example in zip(sorted(examples.EXAMPLES_DIR.glob("*.rq")), EXAMPLES):
        number = path.name.split("-", 1)[0]
        parts += [f"### {number}. {example.title}", "",
                  f"{example.description} (`{path.name}`)", "",
                  "```sparql", example.query.rstrip("\n"), "```", ""]
    return "\n".join(parts + [END])


def current_section(text: str) -> str:
    start, end = text.index(START), text.index(END) + len(END)
    return text[start:end]


def rewrite_doc() -> bool:
    """Put the generated section in docs/sparql.md; True if it changed."""
    text = DOC.read_text(encoding="utf-8")
    updated = text.replace(current_section(text), examples_section())
    if updated != text:
        DOC.write_text(updated, encoding="utf-8")
    return updated != text


def code_blocks(language: str) -> list[str]:
    text = DOC.read_text(encoding="utf-8")
    return re.findall(rf"^```{language}\n(.*?)^```$", text, flags=re.MULTILINE | re.DOTALL)


def normalized(text: str) -> str:
    return " ".join(text.split())


# --- the example files themselves ---

def test_there_are_a_dozen_examples_or_more():
    assert len(EXAMPLES) >= 12


@pytest.mark.parametrize("path", sorted(examples.EXAMPLES_DIR.glob("*.rq")), ids=lambda p: p.stem)
def test_example_files_follow_the_format(path: Path):
    assert re.fullmatch(r"\d\d-[a-z0-9]+(-[a-z0-9]+)*\.rq", path.name), path.name
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("# ") and len(lines[0]) > 4, "first line: '# Title'"
    assert lines[1].startswith("# ") and lines[1].rstrip().endswith("."), \
        "second line: '# One-sentence description.'"
    query = [line for line in lines if not line.startswith("#")]
    assert not any(re.match(r"\s*(PREFIX|BASE)\b", line, re.IGNORECASE) for line in query), \
        "the endpoint declares the prefixes: no PREFIX or BASE lines"
    assert path.read_text(encoding="utf-8").endswith("\n")


def test_example_numbers_are_unique():
    numbers = [p.name[:2] for p in examples.EXAMPLES_DIR.glob("*.rq")]
    assert len(numbers) == len(set(numbers))


def test_the_examples_cover_every_query_form():
    forms = {re.search(r"^(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", e.query, re.MULTILINE).group(1)
             for e in EXAMPLES}
    assert {"SELECT", "CONSTRUCT", "DESCRIBE"} <= forms


# --- the documentation ---

def test_the_docs_example_section_is_generated_from_the_example_files():
    text = DOC.read_text(encoding="utf-8")
    assert current_section(text) == examples_section(), (
        "docs/sparql.md is out of date with src/ctlib/sparql/examples/: run "
        "`.venv/bin/python -m tests.test_sparql_examples` to rewrite its example section")
    for example in EXAMPLES:  # what the section is for, said plainly
        assert f"```sparql\n{example.query}```" in text, example.name


def test_the_docs_name_every_predeclared_prefix():
    text = DOC.read_text(encoding="utf-8")
    for name, namespace in examples.prefixes("{base}").items():
        assert f"| `{name}:` | `{namespace}` |" in text, name


def test_the_readme_links_the_sparql_docs():
    assert "(docs/sparql.md)" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_client_snippets_send_a_query_the_docs_show_and_check():
    """The Python and R snippets embed the query of the "Clients" section, which is
    a ```sparql block (and so run by test_every_sparql_block_in_the_docs_runs)."""
    shown = {normalized(block) for block in code_blocks("sparql")}
    for language in ("python", "r"):
        blocks = code_blocks(language)
        assert blocks, language
        embedded = [b for b in blocks if any(query in normalized(b) for query in shown)]
        assert embedded, f"no {language} snippet sends a query shown in a ```sparql block"


# --- against the server ---

@pytest.fixture(scope="module")
def base(tmp_path_factory):
    # The partner file adds what the listing no longer has: records without a category.
    with running_server(tmp_path_factory.mktemp("examples"), [LISTING, PARTNER]) as url:
        yield url


def run(base: str, query: str, accept: str = ACCEPT) -> requests.Response:
    return requests.post(base + "sparql", data={"query": query}, headers={"Accept": accept},
                         timeout=60)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.name)
def test_every_example_returns_something_from_the_real_data(base, example):
    response = run(base, example.query)
    assert response.status_code == 200, response.text
    media_type = response.headers["Content-Type"].split(";")[0]
    if media_type == "application/n-triples":
        graph = Graph().parse(data=response.text, format="nt")
        assert len(graph) > 0, f"{example.name}: an empty graph"
    else:
        assert media_type == "application/sparql-results+json"
        result = response.json()
        if "boolean" in result:
            assert result["boolean"] is True, f"{example.name}: false"
        else:
            assert result["results"]["bindings"], f"{example.name}: no rows"
    assert "X-SPARQL-Truncated" not in response.headers


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.name)
def test_every_example_link_on_the_query_page_runs_it(base, example):
    """What a browser without JavaScript gets from an example link: the results page,
    with the prologue the page puts before the query."""
    query = examples.runnable(example, base)
    page = requests.get(base + "sparql", params={"query": query},
                        headers={"Accept": "text/html"}, timeout=60)
    assert page.status_code == 200 and 'id="results"' in page.text, example.name


def test_every_sparql_block_in_the_docs_runs(base):
    blocks = code_blocks("sparql")
    assert len(blocks) > len(EXAMPLES)
    for block in blocks:
        response = run(base, block)
        assert response.status_code == 200, f"{response.text}\n{block}"


def test_the_spreadsheet_url_in_the_docs_is_an_example_and_gives_csv(base):
    urls = [block.strip() for block in code_blocks("text")
            if block.startswith(f"{DOC_BASE}sparql?")]
    assert urls
    bodies = {"".join(line for line in e.query.splitlines(True) if not line.startswith("#"))
              for e in EXAMPLES}
    for url in urls:
        parameters = parse_qs(urlsplit(url).query)
        assert parameters["query"][0] in bodies, "the URL must encode an example query"
        response = requests.get(url.replace(DOC_BASE, base), timeout=60)
        assert response.status_code == 200
        assert response.headers["Content-Type"].startswith("text/csv")
        assert len(response.text.splitlines()) > 1


def curl_commands() -> list[str]:
    commands = []
    for block in code_blocks("sh"):
        joined = re.sub(r"\\\n\s*", " ", block)
        commands += [line for line in joined.splitlines() if line.startswith("curl ")]
    return commands


def test_the_curl_commands_in_the_docs_work(base):
    commands = curl_commands()
    assert len(commands) >= 5
    for command in commands:
        argv = shlex.split(command.replace(DOC_BASE, base))
        result = subprocess.run([argv[0], "--silent", "--show-error", "--fail", *argv[1:]],
                                cwd=ROOT, capture_output=True, timeout=60, check=False)
        assert result.returncode == 0, f"{command}\n{result.stderr.decode()}"
        assert result.stdout.strip(), command


def test_the_python_snippets_in_the_docs_work(base):
    pytest.importorskip("SPARQLWrapper")
    for block in code_blocks("python"):
        result = subprocess.run([sys.executable, "-c", block.replace(DOC_BASE, base)],
                                capture_output=True, timeout=60, cwd=ROOT, check=False)
        assert result.returncode == 0, f"{block}\n{result.stderr.decode()}"
        assert result.stdout.strip(), block


if __name__ == "__main__":
    changed = rewrite_doc()
    print(f"{DOC.relative_to(ROOT)}: {'rewritten' if changed else 'already up to date'}")
    sys.exit(0)
