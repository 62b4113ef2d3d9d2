"""/favicon.ico, which browsers and crawlers ask for whatever a page links: a redirect
to the SVG icon that base.html links, so that no visit logs a 404. Temporary (302),
since the icon's static URL may change with its content; a day's max-age spares the
round trip."""

from __future__ import annotations

from flask import Blueprint, redirect, url_for

blueprint = Blueprint("favicon", __name__)

ICON = "favicon.svg"


@blueprint.get("/favicon.ico")
def favicon():
    response = redirect(url_for("static", filename=ICON), 302)
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response
