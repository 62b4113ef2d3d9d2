"""Pages for people that are not descriptions of one resource: the home page."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from ..rdf.namespaces import SKOS

blueprint = Blueprint("pages", __name__)

COUNTS = f"""
SELECT ?scheme ?label (COUNT(DISTINCT ?concept) AS ?concepts) WHERE {{
  ?scheme a <{SKOS.ConceptScheme}> ; <{SKOS.prefLabel}> ?label .
  FILTER (LANG(?label) = "en")
  OPTIONAL {{ ?concept <{SKOS.inScheme}> ?scheme }}
}} GROUP BY ?scheme ?label ORDER BY ?label"""
RECORDS = "SELECT (COUNT(*) AS ?n) WHERE { ?r a <http://purl.org/dc/terms/BibliographicResource> }"


@blueprint.get("/")
def home():
    ctx = current_app.extensions["ctlib"]
    snapshot = ctx.published.snapshot()
    store = snapshot.store
    records = int(next(iter(store.query(RECORDS, use_default_graph_as_union=True)))["n"].value)
    schemes = [{"label": s["label"].value, "concepts": int(s["concepts"].value),
                "href": "/" + s["scheme"].value[len(ctx.uris.base):]}
               for s in store.query(COUNTS, use_default_graph_as_union=True)]
    body = render_template("home.html", records=records, schemes=schemes,
                           published=snapshot.published)
    return body, 200, {"Content-Type": "text/html; charset=utf-8"}
