"""The catalogue state a query answered from, named on every /sparql and /query/
response so that a result can be cited (docs/sparql.md, "How to cite a query result").

A request may name the generation it wants (``generation=``, as the permalinks do):
it is answered from that generation while it is the published one, and refused with
410 Gone once another has replaced it, never silently answered from another state.
"""

from __future__ import annotations

from flask import current_app, g, request

from ...published.snapshot import Snapshot
from ..core import errors
from ..core.languages import N_

GENERATION = "X-Catalogue-Generation"
PUBLISHED = "X-Catalogue-Published"
EXPOSED = f"{GENERATION}, {PUBLISHED}, Link"
"""Read by scripts on other sites too (CORS)."""


class Replaced(errors.HTTPProblem):
    status = 410
    title = N_("Catalogue state no longer published")


def answering(snapshot: Snapshot) -> Snapshot:
    """``snapshot``, the generation a query is about to be answered from, if it is the
    one the request asked for; remembered for the response's headers."""
    check(snapshot, request.args.get("generation"))
    g.answered_from = snapshot
    return snapshot


def check(snapshot: Snapshot, asked: str | None) -> None:
    """Refused if a request asked for another generation than ``snapshot``."""
    if asked and asked != snapshot.generation:
        raise Replaced(f"generation={asked} is not the published state of the catalogue "
                       f"any more: {snapshot.generation} (published {snapshot.published}) "
                       "replaced it. Run the query again without 'generation' to answer "
                       "from the current one; a result cited from the old state is only "
                       "reproducible from its dumps.")


def current() -> Snapshot | None:
    """The generation this request answers from: the one its query ran on, else the
    published one (None before the first ingest)."""
    found = g.get("answered_from")
    return found if found is not None else current_app.extensions["ctlib"].published.current()


def headers_of(ctx, snapshot: Snapshot | None) -> dict[str, str]:
    """The headers naming ``snapshot`` (none before the first ingest)."""
    if snapshot is None:
        return {}
    return {GENERATION: snapshot.generation, PUBLISHED: snapshot.published,
            "Link": f'<{ctx.absolute("dump/")}>; rel="describedby"'}


def pinned(url: str) -> str:
    """``url`` asking for the generation this request answered from (a permalink)."""
    snapshot = current()
    if not url or snapshot is None:
        return url
    return f"{url}{'&' if '?' in url else '?'}generation={snapshot.generation}"


def check_asked() -> None:
    """Refuse a request for a replaced generation before doing anything else."""
    snapshot = current()
    if snapshot is not None:
        answering(snapshot)
