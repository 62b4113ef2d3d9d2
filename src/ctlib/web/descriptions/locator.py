"""A country page's locator map: the country's outline over the land around it, an
inline SVG with no tiles and no script. The land is one path in the static world.svg
that every locator uses; the outlines are in countries.json, by M49 code. Both are made
by scripts/build_world_map.py from Natural Earth (public domain) as the npm package
world-atlas (ISC) publishes it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

SHAPES = Path(__file__).with_name("countries.json")
WORLD = (-180.0, -85.0, 180.0, 60.0)
"""West, north, east, south of world.svg (latitudes negated, as in SVG)."""
AROUND = (100.0, 55.0)
"""The least width and height (degrees) a locator shows: enough for the neighbours."""
ASPECT = 0.5
"""The least height of a locator for its width: a wide country's is no mere strip."""
SMALL = 3.0
"""A country narrower and lower than this (degrees) is ringed, or nobody would see it."""


@dataclass(frozen=True)
class Locator:
    outline: str
    """SVG path data, in units of ``step`` degrees."""
    step: float
    view: str
    """The viewBox, in degrees."""
    ring: tuple[float, float, float] | None
    """(x, y, radius) of a ring around a small country."""


@lru_cache(maxsize=1)
def _shapes() -> dict:
    return json.loads(SHAPES.read_text(encoding="utf-8"))


def locator(m49: str) -> Locator | None:
    """The locator of the country with M49 code ``m49``; None for one the map lacks
    (a few small territories) or leaves out."""
    shapes = _shapes()
    found = shapes["countries"].get(m49)
    if found is None or found["box"][1] >= WORLD[3]:  # Antarctica is below the map
        return None
    west, north, east, south = found["box"]
    small = east - west < SMALL and south - north < SMALL
    ring = ((west + east) / 2, (north + south) / 2, SMALL) if small else None
    return Locator(found["d"], shapes["step"], _view(west, north, east, south), ring)


def _view(west: float, north: float, east: float, south: float) -> str:
    """The country's box grown to at least AROUND, kept inside the world."""
    width = min(max(east - west + 20, AROUND[0]), WORLD[2] - WORLD[0])
    height = min(max(south - north + 10, AROUND[1], width * ASPECT), WORLD[3] - WORLD[1])
    x = min(max((west + east - width) / 2, WORLD[0]), WORLD[2] - width)
    y = min(max((north + south - height) / 2, WORLD[1]), WORLD[3] - height)
    return f"{x:g} {y:g} {width:g} {height:g}"
