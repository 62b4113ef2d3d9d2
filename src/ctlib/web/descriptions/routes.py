"""Dereferenceable URIs: /id/ answers 303, /doc/ and /def/ are negotiated descriptions.

/id/{kind}/{id}            303 See Other to /doc/{kind}/{id}
/doc/{kind}/{id}           negotiated (Vary: Accept, Content-Location)
/doc/{kind}/{id}.{ext}     one fixed format
/def/{scheme}[/{concept}]  negotiated the same way, with .{ext} for one format
"""

from __future__ import annotations

import json
from datetime import datetime
from urllib.parse import unquote

from flask import (
    Blueprint,
    Response,
    current_app,
    get_template_attribute,
    redirect,
    render_template,
    request,
)
from markupsafe import Markup

from ...describe import Description, describe
from ...formats import (
    CITATION_FORMATS,
    DESCRIPTION_FORMATS,
    LINKSET_FORMATS,
    MARC_FORMATS,
    RECORD_ONLY_FORMATS,
    Format,
)
from ...oai import marc
from ...rdf.namespaces import FOAF, RDF, SKOS
from ..core import languages
from ..core.errors import NotAcceptable, NotFound, ServiceUnavailable
from ..core.negotiation import negotiate
from ..core.parameters import MAX_PAGE, whole_number
from ..core.responses import Rendered, etag, rendered, respond, with_body
from .citations import WRITERS
from .concept_page import concept_view
from .memento import asks_for_a_time, record_links, time_gate
from .not_found import suggestions
from .page import Citation, citation, page
from .paths import KINDS, NotATarget, Target, parse_target
from .record_page import BACK_MARKER, back_to_results, more_like_this, record_sections
from .related import records_by, records_under
from .rendering import JSONLD_CONTEXT, serialize
from .signposting import header, linkset, signposts

blueprint = Blueprint("descriptions", __name__)


def _ctx():
    return current_app.extensions["ctlib"]


@blueprint.get("/id/<kind>/<path:identifier>")
def thing(kind: str, identifier: str):
    if kind not in KINDS:
        raise NotFound(f"there is no kind of thing called {kind!r}; kinds: {', '.join(KINDS)}")
    if kind == "record" and asks_for_a_time():
        return time_gate(identifier)
    response = redirect(_ctx().uris.document(kind, identifier), 303)
    response.headers["Vary"] = "Accept, Accept-Datetime" if kind == "record" else "Accept"
    if kind == "record":
        response.headers["Link"] = ", ".join(record_links(identifier))
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@blueprint.get("/doc/<path:name>")
@blueprint.get("/def/<path:name>")
def description(name: str):
    try:
        target = parse_target(request.path, _ctx().uris)
    except NotATarget as error:
        raise NotFound(str(error)) from None
    if target.record is not None and target.fixed is None and asks_for_a_time():
        return time_gate(target.record)
    return _serve(target)


@blueprint.get("/context.jsonld")
def context():
    response = current_app.response_class(
        _json({"@context": JSONLD_CONTEXT}), content_type="application/ld+json; charset=utf-8")
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


def _serve(target: Target) -> Response:
    fmt = target.fixed or negotiate(request.headers.get("Accept"), target.offered)
    if fmt is None:
        available = ", ".join(f.media_type for f in target.offered)
        raise NotAcceptable(f"{target.path} is available as: {available}",
                            headers={"Vary": "Accept",
                                     "Link": link_header(target.path, target.offered)})
    snapshot = _ctx().published.snapshot()
    page_number = _page_number() if fmt.name == "html" else 1
    language = languages.page_language() if fmt.name == "html" else None
    key = (snapshot.generation, target.subject, fmt.name, page_number, language)
    entry = _ctx().cache.get(key,
                             lambda: _render(snapshot, target, fmt, page_number, language))
    if entry is None:
        raise NotFound(f"{_ctx().absolute(target.path)} is not in this catalogue",
                       headers={"Vary": "Accept"},
                       suggest=lambda: suggestions(_ctx().nearby, snapshot, target))
    back = back_to_results(request.args.get("back")) if fmt.name == "html" else None
    if back is not None:
        entry = _with_back_link(entry, back, fmt, language)
    status, headers, body = respond(
        entry, request.headers.get("If-None-Match"),
        request.headers.get("If-Modified-Since"), content_location(target, fmt))
    return current_app.response_class(body, status=status, headers=headers)


def _with_back_link(entry: Rendered, href: str, fmt: Format, language: str | None
                    ) -> Rendered:
    """The cached record page with a "Back to results" link for this visitor alone:
    the cache keeps one page per record, whatever search led to it."""
    marker = BACK_MARKER.encode()
    if marker not in entry.body:
        return entry
    link = str(get_template_attribute("_back_link.html", "back_link")(href)).encode("utf-8")
    body = entry.body.replace(marker, link, 1)
    return with_body(entry, body, etag(body, fmt, language))


def content_location(target: Target, fmt: Format) -> str | None:
    """Only a negotiated answer names the fixed-format URL it came from."""
    return None if target.fixed else _ctx().absolute(f"{target.path}.{fmt.extension}")


def _page_number() -> int:
    return whole_number("page", request.args.get("page") or "1", 1, MAX_PAGE)


def _render(snapshot, target: Target, fmt: Format, page_number: int,
            language: str | None) -> Rendered | None:
    """``language`` is that of the page's labels; None for RDF, which has them all."""
    ctx = _ctx()
    description = describe(snapshot.store, target.subject, target.document, ctx.dataset_uri,
                           ctx.config.licence, ctx.finders.of(snapshot))
    if description is None:
        return None
    status = 410 if description.withdrawn else 200
    content_type = fmt.content_type
    signs = signposts(description, target.path, target.offered, ctx.absolute,
                      ctx.config.licence)
    if fmt in LINKSET_FORMATS:  # RFC 9264 defines no charset parameter
        body, content_type = linkset(fmt, ctx.absolute(target.path), signs), fmt.media_type
    elif fmt in RECORD_ONLY_FORMATS:
        body, content_type = _record_only(description, fmt)
    elif fmt.rdf_format is None:
        page_url = f"/{target.path}" + (f"?page={page_number}" if page_number > 1 else "")
        body = _html(snapshot, description, page_number, language, page_url, signs)
    else:
        body = serialize(description, fmt, ctx.absolute("context.jsonld"))
    modified = description.modified or description.withdrawn or snapshot.published
    vary = languages.vary(language)
    if target.record is not None:
        vary += ", Accept-Datetime"
    return rendered(status, body, content_type, etag(body, fmt, language),
                    _datetime(modified), _links(target, fmt, signs), vary=vary)


def _links(target: Target, fmt: Format, signs: list) -> str:
    """The Link header of a description: its formats, its versions (records), its
    signposts; a linkset has its links in its body, none in its header. The same
    whether the format was negotiated or named by extension: both requests share one
    cached rendering."""
    if fmt in LINKSET_FORMATS:
        return ""
    versions = record_links(target.record) if target.record is not None else []
    return ", ".join([link_header(target.path, target.offered), *versions, *header(signs)])


def _html(snapshot, description: Description, page_number: int, language: str,
          page_url: str, signs: list) -> bytes:
    """``page_url`` names the page whatever URL asked (its language switch links it)."""
    ctx = _ctx()
    store = snapshot.store
    view = page(description, ctx.uris.base, language)
    if description.withdrawn:
        return render_template("withdrawn.html", page=view, description=description,
                               formats=_format_links(view.subject), page_url=page_url,
                               publisher=ctx.config.publisher).encode("utf-8")
    cited = citation(description, ctx.config.language)
    types = {t.value for t in description.objects(str(RDF.type))}
    kind = "concept" if str(SKOS.Concept) in types else \
        "agent" if str(FOAF.Agent) in types else None
    scheme = str(SKOS.ConceptScheme) in types
    index = ctx.search_indexes.of(snapshot) if kind == "concept" or scheme else None
    concept = concept_view(description, view, store, index, ctx.uris, language) \
        if index else None
    record = _record(snapshot, description, view) if cited else {}
    return render_template(
        _template(cited, kind, scheme), page=view, description=description, **record,
        page_url=page_url,
        formats=_format_links(view.subject), signposts=signs, citation=cited,
        cite=_cite_box(view.subject, cited) if cited else None,
        schema_org=cited.schema_org(view.subject, _page_url(view.subject), ctx.config.licence)
        if cited else None,
        records=_records(snapshot, index, kind, view.subject, page_number),
        concept=concept,
        base=ctx.uris.base).encode("utf-8")


def _record(snapshot, description: Description, view) -> dict:
    """What a record page shows besides its description and citation."""
    return {"sections": record_sections(view, description),
            "similar": _similar(snapshot, description, unquote(view.subject.rpartition("/")[2])),
            "back_marker": Markup(BACK_MARKER)}


def _similar(snapshot, description: Description, identifier: str) -> list:
    """More like this, when the generation has a search index of this version: a record
    page is there without one (the search page says why it is not)."""
    ctx = _ctx()
    try:
        index = ctx.search_indexes.of(snapshot)
    except ServiceUnavailable:
        return []
    return more_like_this(index, ctx.uris, description, identifier)


def _template(cited: Citation | None, kind: str | None, scheme: bool) -> str:
    """Records, concepts and schemes each have a page of their own; anything else (an
    agent) has the plain description page."""
    if cited:
        return "record.html"
    return "concept.html" if kind == "concept" or scheme else "resource.html"


def _records(snapshot, index, kind: str | None, subject: str, page_number: int):
    """The records a concept or agent page lists (None on other pages)."""
    if kind == "concept":
        return records_under(index, _ctx().uris, subject, page_number)
    return records_by(snapshot.store, subject, page_number) if kind == "agent" else None


def _record_only(description: Description, fmt: Format) -> tuple[bytes, str]:
    """(body, content type) of a record's citation or MARC record in ``fmt``. A withdrawn
    record's tombstone has neither: it says so in plain text, as errors do."""
    if description.withdrawn:
        return (f"410 Gone\n\n{description.subject.value} was withdrawn on "
                f"{description.withdrawn}: there is no {fmt.label} of it any more\n").encode(), \
            "text/plain; charset=utf-8"
    config = _ctx().config
    if fmt in MARC_FORMATS:
        record = marc.record(description, config.language, config.licence)
        return marc.WRITERS[fmt.name](record), fmt.content_type
    cited = citation(description, config.language)
    text = _cite(fmt.name, cited, description.subject.value)
    return text.encode("utf-8"), fmt.content_type


def _cite(writer: str, cited: Citation, subject: str) -> str:
    """The record's URI is its URL in every citation; its identifier, decoded from the
    URI's last segment, makes the BibTeX key and the CSL-JSON id."""
    return WRITERS[writer](cited, unquote(subject.rpartition("/")[2]), subject,
                           _ctx().config.publisher)


def _cite_box(subject: str, cited: Citation) -> dict:
    """What a record page's "Cite this" box shows besides the citation: the BibTeX its
    Copy button copies, and a link to each citation format."""
    return {"bibtex": _cite("bibtex", cited, subject), "publisher": _ctx().config.publisher,
            "formats": _format_links(subject, CITATION_FORMATS)}


def link_header(path: str, formats: tuple[Format, ...] = DESCRIPTION_FORMATS) -> str:
    """The Link header of a negotiated description: each format's URL, and the canonical one."""
    ctx = _ctx()
    links = [f'<{ctx.absolute(f"{path}.{f.extension}")}>; rel="alternate"; type="{f.media_type}"'
             for f in formats]
    links.append(f'<{ctx.absolute(path)}>; rel="canonical"')
    return ", ".join(links)


def _page_url(subject: str) -> str:
    """The HTML page of a thing: its /doc/ URL."""
    base = _ctx().uris.base
    return base + "doc/" + subject[len(base) + 3:] if subject.startswith(base + "id/") else subject


def _format_links(subject: str, formats: tuple[Format, ...] = DESCRIPTION_FORMATS
                  ) -> list[tuple[str, str, str]]:
    ctx = _ctx()
    path = subject[len(ctx.uris.base):] if subject.startswith(ctx.uris.base) else subject
    return format_links("doc/" + path[3:] if path.startswith("id/") else path, formats)


def format_links(path: str, formats: tuple[Format, ...] = DESCRIPTION_FORMATS
                 ) -> list[tuple[str, str, str]]:
    """(label, href, media type) of every format in ``formats`` of the description at
    ``path``, for the page's own links."""
    return [(f.label, f"/{path}.{f.extension}", f.media_type) for f in formats]


def _datetime(iso: str | None) -> datetime | None:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")) if iso else None


def _json(value) -> str:
    return json.dumps(value, indent=2)
