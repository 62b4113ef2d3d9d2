"""The interface in every language it offers: no word of a template outside gettext,
every message translated in every catalogue, placeholders kept."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from jinja2 import Environment

from ctlib.web.core.languages import INTERFACE_LANGUAGES, SOURCE_LANGUAGE, TRANSLATIONS

from .conftest import ROOT

TEMPLATES = ROOT / "src" / "ctlib" / "web" / "templates"
WORDS = re.compile(r"[^\W\d_]{2,}")
NOT_WORDS = frozenset({
    # Names, formats and standards: the same in every language.
    "SPARQL", "OAI", "PMH", "JSON", "LD", "CSV", "RDF", "XML", "Turtle", "Triples", "BibTeX",
    "RIS", "DCAT", "AP", "VoID", "Hydra", "SKOS", "IRI", "URI", "ORCID", "DOI", "ctlib",
    "Dublin", "Core", "Quads", "TriG", "HTML"})
SPOKEN_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt", "aria-description")
UNREAD_ELEMENTS = ("script", "style", "code", "pre", "textarea")
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
ATTRIBUTE = re.compile(r'[\w-]+="[^"]*"')
"""An attribute a macro or block writes into a tag it does not close (``lang="fr"``)."""


def _literal_text(path: Path) -> str:
    """The template's own text (what no expression or tag writes), outside
    ``{% trans %}`` blocks; an expression's place holds a character without words."""
    kept, in_trans, after_block_begin = [], False, False
    for _line, kind, value in Environment(extensions=["jinja2.ext.i18n"]).lex(
            path.read_text()):
        if kind == "name" and after_block_begin and value in ("trans", "pluralize"):
            in_trans = True
        elif kind == "name" and after_block_begin and value == "endtrans":
            in_trans = False
        if kind != "whitespace":
            after_block_begin = kind == "block_begin"
        if kind == "data" and not in_trans:
            kept.append(value)
        elif kind == "variable_begin":
            kept.append("·")
    return "".join(kept)


class _Words(HTMLParser):
    """Words a reader sees or hears: text, and the attributes spoken or shown."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._unread = 0

    def handle_starttag(self, tag, attrs):
        self._unread += tag in UNREAD_ELEMENTS
        self.found += [value for name, value in attrs if name in SPOKEN_ATTRIBUTES and value]

    def handle_endtag(self, tag):
        self._unread -= tag in UNREAD_ELEMENTS

    def handle_data(self, data):
        if not self._unread:
            self.found.append(ATTRIBUTE.sub("", data))


def untranslated_words(path: Path) -> list[str]:
    parser = _Words()
    parser.feed(_literal_text(path))
    return [text.strip() for text in parser.found
            if any(word not in NOT_WORDS for word in WORDS.findall(text))]


@pytest.mark.parametrize("template", sorted(TEMPLATES.glob("*.html")), ids=lambda p: p.name)
def test_no_template_word_is_outside_gettext(template):
    assert untranslated_words(template) == []


def test_the_check_finds_a_word_outside_gettext(tmp_path):
    page = tmp_path / "page.html"
    page.write_text('<p title="Shown">{{ _("Kept") }} <a href="{{ x }}">Search</a> SPARQL'
                    '{% trans %}Also kept{% endtrans %}<code>SELECT</code></p>')
    assert untranslated_words(page) == ["Shown", "Search"]


def extracted_messages() -> dict[str, tuple[str, ...]]:
    """Every message of the templates and views: msgid -> its forms (one, or two)."""
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = {}
    for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT, method_map, options_map,
            keywords={"_": None, "gettext": None, "N_": None, "ngettext": (1, 2)}):
        forms = message if isinstance(message, tuple) else (message,)
        found[forms[0]] = forms
    return found


def catalogue(language: str):
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale=language)


def test_the_interface_speaks_english_french_and_spanish():
    assert INTERFACE_LANGUAGES == ("en", "es", "fr")


@pytest.mark.parametrize("language", [code for code in INTERFACE_LANGUAGES
                                      if code != SOURCE_LANGUAGE])
def test_every_message_is_translated(language):
    messages, translated = extracted_messages(), catalogue(language)
    assert messages, "nothing was extracted: is the extraction broken?"
    problems = []
    for msgid, forms in messages.items():
        entry = translated.get(msgid)
        strings = () if entry is None else \
            entry.string if isinstance(entry.string, tuple) else (entry.string,)
        if entry is None or entry.fuzzy or not all(strings):
            problems.append(f"{language}: not translated: {msgid!r}")
            continue
        wanted = set(PLACEHOLDER.findall(" ".join(forms)))
        for string in strings:
            if set(PLACEHOLDER.findall(string)) - wanted - {"num"}:
                problems.append(f"{language}: {msgid!r} -> {string!r} names a placeholder "
                                "the message has not")
            elif not set(PLACEHOLDER.findall(string)) >= wanted - {"num"}:
                problems.append(f"{language}: {msgid!r} -> {string!r} drops a placeholder")
    assert problems == []
