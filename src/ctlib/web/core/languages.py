"""The language of the pages: which one a request gets, and the interface's words in it.

The choice, first match wins: ``?lang=`` (the language switch on every page, so that a
link or a cache names the language it holds), the ``lang`` cookie that choosing leaves,
Accept-Language, then CTLIB_LANGUAGE; English when none is one the interface speaks.
Concept labels follow the same choice. RDF carries every label whatever is chosen.

The words are gettext catalogues, ``translations/<code>/LC_MESSAGES/messages.po``, read
once per process (``make messages`` extracts and merges them; docs/translating.md).
"""

from __future__ import annotations

from functools import lru_cache
from io import BytesIO
from pathlib import Path
from urllib.parse import urlencode

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations
from flask import Flask, current_app, g, request
from werkzeug.http import parse_cookie

from .negotiation import negotiate_language

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"
SOURCE_LANGUAGE = "en"
"""The language the interface is written in: its catalogue translates nothing."""
INTERFACE_LANGUAGES = (SOURCE_LANGUAGE,) + tuple(sorted(
    path.name for path in TRANSLATIONS.iterdir()
    if path.name != SOURCE_LANGUAGE and (path / "LC_MESSAGES" / "messages.po").is_file()))
PARAMETER = COOKIE = "lang"
COOKIE_SECONDS = 365 * 24 * 3600
PAGE_VARY = "Accept, Accept-Language, Cookie"
"""The Vary of an answer in a language: its format and its language were chosen by
these headers. An answer in no language (RDF, which has every label) varies with Accept
alone: a cache gives it again only to the same Accept, which gets it in any language."""


def choose_language(asked: str | None, cookie_header: str | None,
                    accept_language: str | None, default: str) -> str:
    """The language of a page for a request with ``?lang=asked``, this Cookie header
    and this Accept-Language, on a server whose CTLIB_LANGUAGE is ``default``."""
    for explicit in (asked, parse_cookie(cookie_header or "").get(COOKIE)):
        if explicit and explicit.lower() in INTERFACE_LANGUAGES:
            return explicit.lower()
    fallback = default if default in INTERFACE_LANGUAGES else SOURCE_LANGUAGE
    return negotiate_language(accept_language, INTERFACE_LANGUAGES, fallback)


def vary(language: str | None) -> str:
    return PAGE_VARY if language else "Accept"


def page_language() -> str:
    """The language of the page the current request gets."""
    if "language" not in g:
        g.language = choose_language(
            request.args.get(PARAMETER), request.headers.get("Cookie"),
            request.headers.get("Accept-Language"),
            current_app.extensions["ctlib"].config.language)
    return g.language


@lru_cache(maxsize=None)
def translations(language: str) -> NullTranslations:
    """The catalogue of ``language``, compiled in memory: no .mo file to build or keep."""
    if language == SOURCE_LANGUAGE:
        return NullTranslations()
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalogue = read_po(po, locale=language)
    compiled = BytesIO()
    write_mo(compiled, catalogue)
    compiled.seek(0)
    return Translations(compiled)


def gettext(message: str, **values) -> str:
    """``message`` in the page's language, with ``%(name)s`` filled from ``values``."""
    translated = translations(page_language()).gettext(message)
    return translated % values if values else translated


def ngettext(singular: str, plural: str, number: int, **values) -> str:
    translated = translations(page_language()).ngettext(singular, plural, number)
    return translated % {"num": number, **values}


def N_(message: str) -> str:
    """Marks a message for extraction where it is defined; it is translated where used."""
    return message


def number(value: int | float) -> str:
    """A number as the page's language writes it: 12,345 / 12 345 / 12.345."""
    return format_decimal(value, locale=page_language())


@lru_cache(maxsize=None)
def language_name(code: str) -> str:
    """A language's name in itself, as a language switch shows it: "Français"."""
    name = Locale.parse(code).get_display_name(code)
    return name[:1].upper() + name[1:]


def language_links(page_url: str) -> list[dict]:
    """The language switch of the page at ``page_url`` (its path and the query naming
    it): one link per interface language, ``?lang=`` set, the others kept. An empty
    ``page_url`` links ``?lang=`` alone, relative to wherever the page is: a page that
    does not name itself (an error) never writes the path a request made up."""
    path, _, query = page_url.partition("?")
    kept = [pair.split("=", 1) for pair in query.split("&") if pair and
            not pair.startswith(PARAMETER + "=")]
    current = page_language()
    return [{"code": code, "name": language_name(code), "current": code == current,
             "href": path + "?" + "&".join(["=".join(pair) for pair in kept] +
                                           [urlencode({PARAMETER: code})])}
            for code in INTERFACE_LANGUAGES]


def _remember_choice(response):
    """``?lang=`` is remembered: the next page without one is in the same language."""
    asked = (request.args.get(PARAMETER) or "").lower()
    if asked in INTERFACE_LANGUAGES and request.cookies.get(COOKIE) != asked:
        response.set_cookie(COOKIE, asked, max_age=COOKIE_SECONDS, samesite="Lax",
                            httponly=True)
    return response


def init_app(app: Flask) -> None:
    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.policies["ext.i18n.trimmed"] = True  # as babel.cfg extracts them
    # Jinja fills the placeholders itself, escaping the values (newstyle gettext).
    app.jinja_env.install_gettext_callables(
        lambda message: translations(page_language()).gettext(message),
        lambda singular, plural, number: translations(page_language()).ngettext(
            singular, plural, number),
        newstyle=True)
    app.jinja_env.globals.update(page_language=page_language, language_links=language_links)
    app.jinja_env.filters["number"] = number
    app.after_request(_remember_choice)
