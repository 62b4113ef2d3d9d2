"""/reconcile: the W3C Reconciliation Service API, version 0.2, for OpenRefine and other
clients matching their tables against the catalogue (docs/reconcile.md).

    GET  /reconcile                       the manifest
    GET|POST /reconcile  queries=…        a batch of reconciliation queries
    GET|POST /reconcile  extend=…         data extension
    GET  /reconcile/suggest/{entity,type,property}?prefix=&cursor=
    GET  /reconcile/preview?id=           a small HTML card
    GET  /reconcile/properties?type=      properties proposed for data extension

Every answer allows any origin (CORS, as the specification requires) and, given a
``callback``, comes as JSONP.
"""

from __future__ import annotations

import json
import re

from flask import Blueprint, Response, current_app, render_template, request

from ... import __version__
from ..core import languages
from ..core.cors import allow_any_origin
from ..core.errors import BadRequest, NotFound
from ..core.languages import N_, ngettext, number
from ..core.languages import gettext as _
from ..core.parameters import whole_number
from .entities import AGENT, RECORD, TYPES, entity_id, kind_of, record_facts, record_rowids
from .extension import extend, proposed
from .matching import PROPERTIES, Candidate, Matcher
from .reading import BATCH_SIZE, MAX_LIMIT, read_batch, read_extension
from .suggesting import suggest_entities, suggest_names

blueprint = Blueprint("reconcile", __name__)

TYPE_NAMES = {RECORD: N_("Record"), AGENT: N_("Agent"), "Region": N_("Region"),
              "Country": N_("Country"), "Category": N_("Category")}
PROPERTY_NAMES = {"year": N_("Year"), "country": N_("Countries"), "region": N_("Regions"),
                  "category": N_("Category"), "author": N_("Authors")}
PREVIEW_SIZE = (400, 180)
SUGGESTIONS = 10
CALLBACK = re.compile(r"[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*")
"""A JSONP callback: a JavaScript name, or names joined by dots; nothing that runs."""
MAX_CALLBACK = 100


def _ctx():
    return current_app.extensions["ctlib"]


@blueprint.after_request
def _cors(response: Response) -> Response:
    return allow_any_origin(response)


@blueprint.route("/reconcile", methods=["GET", "POST"])
def service():
    if "queries" in request.values:
        batch = read_batch(request.values["queries"])
        matcher = _matcher()
        return _json({key: {"result": [_result(c) for c in matcher.reconcile(query)]}
                      for key, query in batch.items()})
    if "extend" in request.values:
        return _json(_extension(*read_extension(request.values["extend"])))
    if request.method == "POST":
        raise BadRequest("POST /reconcile: send queries=… (a batch of reconciliation "
                         "queries) or extend=… (a data extension query)")
    return _json(_manifest())


def _manifest() -> dict:
    ctx = _ctx()
    here = ctx.absolute("reconcile")
    return {
        "versions": ["0.2"], "name": ctx.config.title, "serviceVersion": __version__,
        "identifierSpace": ctx.uris.base, "schemaSpace": here + "/properties#",
        "batchSize": BATCH_SIZE,
        "view": {"url": ctx.uris.base + "{{id}}"},
        "preview": {"url": here + "/preview?id={{id}}", "width": PREVIEW_SIZE[0],
                    "height": PREVIEW_SIZE[1]},
        "defaultTypes": _types(TYPES),
        "suggest": {kind: {"service_url": here, "service_path": f"/suggest/{kind}"}
                    for kind in ("entity", "type", "property")},
        "extend": {"propose_properties": {"service_url": here,
                                          "service_path": "/properties"},
                   "property_settings": []},
    }


def _types(ids) -> list[dict]:
    return [{"id": type_id, "name": _(TYPE_NAMES[type_id])} for type_id in ids]


def _properties(ids) -> list[dict]:
    return [{"id": pid, "name": _(PROPERTY_NAMES[pid])} for pid in ids]


def _matcher() -> Matcher:
    ctx = _ctx()
    return Matcher(ctx.search_indexes.of(ctx.published.snapshot()), ctx.uris,
                   languages.page_language(), ctx.config.language)


def _result(candidate: Candidate) -> dict:
    features = [{"id": "name", "value": round(candidate.name_score / 100, 3)}] + \
        [{"id": f"property:{pid}", "value": agrees}
         for pid, agrees in candidate.agreeing.items()]
    found = {"id": candidate.id, "name": candidate.name, "score": candidate.score,
             "match": candidate.match, "type": _types([candidate.type]),
             "features": features}
    return {**found, "description": candidate.description} if candidate.description else found


def _extension(ids: list[str], properties: list[str]) -> dict:
    matcher = _matcher()
    return {"meta": _properties(properties),
            "rows": extend(matcher.index, matcher.uris, ids, properties, matcher.language,
                           matcher.fallback)}


@blueprint.get("/reconcile/properties")
def propose():
    type_id = request.args.get("type", "").strip()
    if type_id not in TYPES:
        raise BadRequest(f"type={type_id!r}: give one of {', '.join(TYPES)}")
    limit = _number("limit", len(PROPERTIES), MAX_LIMIT)
    return _json({"type": type_id, "limit": limit,
                  "properties": _properties(proposed(type_id)[:limit])})


@blueprint.get("/reconcile/suggest/entity")
def suggest_entity():
    found = suggest_entities(_matcher(), request.args.get("prefix", ""),
                             _number("cursor", 0, 10_000), SUGGESTIONS)
    return _json({"result": [{"id": c.id, "name": c.name, "notable": _types([c.type]),
                              **({"description": c.description} if c.description else {})}
                             for c in found]})


@blueprint.get("/reconcile/suggest/type")
def suggest_type():
    names = {type_id: _(name) for type_id, name in TYPE_NAMES.items()}
    return _json({"result": _paged(_types(suggest_names(names, request.args.get("prefix", ""))))})


@blueprint.get("/reconcile/suggest/property")
def suggest_property():
    names = {pid: _(name) for pid, name in PROPERTY_NAMES.items()}
    found = suggest_names(names, request.args.get("prefix", ""))
    return _json({"result": _paged(_properties(found))})


def _paged(items: list) -> list:
    start = _number("cursor", 0, 10_000)
    return items[start:start + SUGGESTIONS]


def _number(name: str, default: int, most: int) -> int:
    value = request.args.get(name, "").strip()
    return whole_number(name, value, 0, most) if value else default


@blueprint.get("/reconcile/preview")
def preview():
    identifier = request.args.get("id", "").strip()
    matcher = _matcher()
    kind = kind_of(matcher.uris, identifier)
    card = _card(matcher, kind, entity_id(matcher.uris, identifier)) if kind else None
    if card is None:
        raise NotFound(f"id={identifier[:200]!r}: no record, agent or concept of this "
                       "catalogue has this identifier")
    return render_template("reconcile_preview.html", **card), 200, {
        "Content-Type": "text/html; charset=utf-8", "Vary": languages.PAGE_VARY}


def _card(matcher: Matcher, kind: tuple[str, ...], short: str) -> dict | None:
    """What the preview shows of the entity; None when it does not exist."""
    if kind[0] == "record":
        rowids = list(record_rowids(matcher.index, [kind[1]]).values())
        facts = next(iter(record_facts(matcher.index, matcher.uris, rowids).values()), None)
        if facts is None:
            return None
        concepts = [matcher.index.concepts.by_uri[uri] for uri in facts.concepts
                    if uri in matcher.index.concepts.by_uri]
        return {"kind": _(TYPE_NAMES[RECORD]), "name": facts.title, "language": facts.language,
                "href": _ctx().absolute(facts.id), "year": facts.year,
                "authors": [name for _uri, name in facts.authors],
                "about": [c.label(matcher.language, matcher.fallback) for c in concepts]}
    named = next((n for n in matcher.named() if n.id == short), None)
    if named is None:
        return None
    name = named.name(matcher.language, matcher.fallback)
    return {"kind": _(TYPE_NAMES[named.type]), "name": name, "language": None,
            "href": _ctx().absolute(short),
            "records": ngettext("%(records)s record", "%(records)s records", named.records,
                                records=number(named.records)),
            "also": [other for other in named.names if other != name]}


def _json(value: dict) -> Response:
    """JSON, or JSONP when the request names a ``callback``; the vary follows the
    language of the names (types, properties, concept labels)."""
    body = json.dumps(value, ensure_ascii=False)
    callback = request.args.get("callback")
    headers = {"Vary": languages.PAGE_VARY}
    if callback is None:
        return Response(body, 200, headers, content_type="application/json")
    if len(callback) > MAX_CALLBACK or not CALLBACK.fullmatch(callback):
        raise BadRequest(f"callback={callback[:MAX_CALLBACK]!r}: a JSONP callback is a "
                         "JavaScript name (letters, digits, _ and $, names joined by dots)")
    # The empty comment first, as Rails and others answer JSONP: a body that begins
    # with the caller's bytes cannot pass for another kind of file (Rosetta Flash).
    return Response(f"/**/{callback}({body});", 200, headers,
                    content_type="text/javascript; charset=utf-8")
