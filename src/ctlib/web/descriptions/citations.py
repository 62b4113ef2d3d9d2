"""A record's citation as reference managers import it: BibTeX, RIS and CSL-JSON.

Pure functions from a ``Citation`` (page.py) to text. Authors are written as single
literal names in every format: the catalogue does not say which authors are people and
which organisations ("Walk Free Foundation"), and splitting an organisation into given
and family names, or at a comma, would misquote it.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Callable

from .page import Citation

BIBTEX_SPECIALS = {
    "\\": r"\textbackslash{}", "{": r"\textbraceleft{}", "}": r"\textbraceright{}",
    "%": r"\%", "&": r"\&", "$": r"\$", "#": r"\#", "_": r"\_",
    "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
}
"""What LaTeX reads as markup, written as text. Braces as commands: BibTeX counts
braces whatever precedes them, so one unbalanced ``\\{`` would swallow the rest of the
file (balanced ones are written ``\\{ \\}``, which every reader knows: BALANCED_BRACES)."""
BALANCED_BRACES = {"{": r"\{", "}": r"\}"}

BIBTEX_ACCENTS = {
    "\u0301": "'", "\u0300": "`", "\u0302": "^", "\u0308": '"', "\u0303": "~",
    "\u0304": "=", "\u0307": ".", "\u0327": "c ", "\u030c": "v ", "\u0306": "u ",
    "\u030b": "H ", "\u0328": "k ", "\u030a": "r ",
}
"""Combining marks and the LaTeX accent commands that put them on a letter."""

BIBTEX_LETTERS = {
    "ß": r"{\ss}", "æ": r"{\ae}", "Æ": r"{\AE}", "œ": r"{\oe}", "Œ": r"{\OE}",
    "ø": r"{\o}", "Ø": r"{\O}", "ł": r"{\l}", "Ł": r"{\L}", "ı": r"{\i}",
    "–": "--", "—": "---", "‘": "`", "’": "'", "“": "``", "”": "''", "…": r"\ldots{}",
}
"""Letters and punctuation with no combining-mark decomposition that LaTeX names."""


def citation_key(identifier: str) -> str:
    """The record's identifier as a BibTeX key: stable, readable, collision-safe.

    Characters a key cannot hold are dropped (accents) or become hyphens; a key that
    had to change gets six hex digits of the identifier's SHA-1, so two identifiers
    that differ only in such characters still get different keys."""
    ascii_only = unicodedata.normalize("NFKD", identifier).encode("ascii", "ignore").decode()
    key = re.sub(r"[^A-Za-z0-9_.:-]+", "-", ascii_only).strip("-")
    if key == identifier:
        return key
    digest = hashlib.sha1(identifier.encode("utf-8")).hexdigest()[:6]
    return f"{key}-{digest}" if key else f"record-{digest}"


def bibtex(cited: Citation, identifier: str, url: str, publisher: str | None) -> str:
    fields = [("title", "{" + _latex(cited.title) + "}"),  # inner braces keep its capitals
              ("author", " and ".join("{" + _latex(name) + "}" for name in cited.authors)),
              ("year", _latex(cited.year or "")),
              ("institution", _latex(publisher or "")),
              ("abstract", _latex(cited.abstract or "")),
              ("keywords", ", ".join(_latex(k) for k in cited.categories + cited.places)),
              ("language", _latex(cited.language or "")),
              ("url", _single_line(url))]  # a verbatim field: percent-encoding stays as is
    lines = [f"@techreport{{{citation_key(identifier)},"]
    lines += [f"  {name} = {{{value}}}," for name, value in fields if value]
    return "\n".join(lines) + "\n}\n"


def ris(cited: Citation, identifier: str, url: str, publisher: str | None) -> str:
    """RIS (RefMan): one ``TAG  - value`` line each, CR LF ended, as the format asks."""
    tags = [("TY", "RPRT"), ("ID", citation_key(identifier)), ("TI", cited.title)]
    tags += [("AU", name) for name in cited.authors]
    tags += [("PY", cited.year), ("AB", cited.abstract), ("LA", cited.language)]
    tags += [("KW", keyword) for keyword in cited.categories + cited.places]
    tags += [("PB", publisher), ("UR", url)]
    lines = [f"{tag}  - {_single_line(value)}" for tag, value in tags if value]
    return "\r\n".join([*lines, "ER  - ", ""])


def csl_json(cited: Citation, identifier: str, url: str, publisher: str | None) -> str:
    """CSL-JSON (citeproc, Zotero, Pandoc): a list holding the one item."""
    item = {"id": identifier, "citation-key": citation_key(identifier), "type": "report",
            "title": cited.title, "author": [{"literal": name} for name in cited.authors],
            "issued": _csl_date(cited.year), "abstract": cited.abstract,
            "language": cited.language, "publisher": publisher,
            "keyword": ", ".join(cited.categories + cited.places), "URL": url}
    present = {name: value for name, value in item.items() if value}
    return json.dumps([present], ensure_ascii=False, indent=2) + "\n"


WRITERS: dict[str, Callable[[Citation, str, str, str | None], str]] = {
    "bibtex": bibtex, "ris": ris, "csljson": csl_json,
}
"""The writer of each of formats.CITATION_FORMATS, by format name."""


def _latex(text: str) -> str:
    specials = BIBTEX_SPECIALS | BALANCED_BRACES if _braces_balance(text) else BIBTEX_SPECIALS
    return "".join(_latex_character(c, specials) for c in _single_line(text))


def _braces_balance(text: str) -> bool:
    depth = 0
    for character in text:
        depth += (character == "{") - (character == "}")
        if depth < 0:
            return False
    return depth == 0


def _latex_character(character: str, specials: dict[str, str]) -> str:
    if character.isascii():
        return specials.get(character, character)
    if character in BIBTEX_LETTERS:
        return BIBTEX_LETTERS[character]
    base, *marks = unicodedata.normalize("NFD", character)
    if base.isascii() and base.isalpha() and len(marks) == 1 and marks[0] in BIBTEX_ACCENTS:
        return "{\\" + BIBTEX_ACCENTS[marks[0]] + base + "}"
    return character  # no LaTeX name: UTF-8, which biber and bibtexparser read


def _single_line(text: str | None) -> str:
    """Line breaks and runs of spaces as one space: RIS is one line a tag, and a blank
    line inside a BibTeX value starts a new paragraph in LaTeX."""
    return " ".join((text or "").split())


def _csl_date(year: str | None) -> dict | None:
    if not year:
        return None
    return {"date-parts": [[int(year)]]} if year.isdigit() else {"literal": year}
