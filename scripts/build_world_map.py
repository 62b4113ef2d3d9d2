"""Write the world map of the country pages' locators from the npm package world-atlas
(TopoJSON of Natural Earth's public-domain shapes; the package is ISC-licensed):

    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    .venv/bin/python scripts/build_world_map.py package

writes ``src/ctlib/web/static/world.svg`` (the land, one path that every locator uses
from the static file) and ``src/ctlib/web/descriptions/countries.json`` (each country's
outline, by its ISO 3166-1 numeric code, which is also its M49 code, and the grid step
of every outline). Coordinates are
longitude and minus latitude (an equirectangular map) in steps of STEP degrees: no
finer than a locator can show.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SVG = ROOT / "src" / "ctlib" / "web" / "static" / "world.svg"
SHAPES = ROOT / "src" / "ctlib" / "web" / "descriptions" / "countries.json"
VIEW = "-180 -85 360 145"
"""From 85° north to 60° south: Antarctica, on no page but its own, takes no room."""
STEP = 0.4
"""Degrees between points: about a pixel of a locator 900 pixels wide."""


def arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """The topology's arcs in degrees (they are quantized and delta-encoded)."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    decoded = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        decoded.append(points)
    return decoded


def ring(indices: list[int], decoded) -> list[tuple[float, float]]:
    """A ring's points: its arcs joined, an arc ~i being arc i backwards."""
    points: list[tuple[float, float]] = []
    for index in indices:
        arc = decoded[index] if index >= 0 else decoded[~index][::-1]
        points.extend(arc[1:] if points else arc)
    return _unwrapped(points)


def _unwrapped(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """A ring that crosses the 180th meridian (Fiji, Chukotka) goes on past it, where
    the map ends, rather than back across the whole map in a stripe; most of it stays
    on the map."""
    shift, kept = 0.0, []
    for n, (x, y) in enumerate(points):
        if n and x + shift - kept[-1][0] > 180:
            shift -= 360
        elif n and x + shift - kept[-1][0] < -180:
            shift += 360
        kept.append((x + shift, y))
    return _moved(kept, -360 * round(_middle(kept) / 360))


def _middle(points: list[tuple[float, float]]) -> float:
    return sum(x for x, _ in points) / len(points)


def _moved(points: list[tuple[float, float]], by: float) -> list[tuple[float, float]]:
    return [(x + by, y) for x, y in points] if by else points


def _together(rings: list[list[tuple[float, float]]]) -> list[list[tuple[float, float]]]:
    """The rings of a country on both sides of the 180th meridian (the Aleutians, Fiji)
    moved to the side where most of it is, so that its box is not the whole world."""
    east = sum(len(r) for r in rings if _middle(r) > 0)
    west = sum(len(r) for r in rings) - east
    far = [r for r in rings if (_middle(r) > 90 if west > east else _middle(r) < -90)]
    near = [r for r in rings if (_middle(r) < -90 if west > east else _middle(r) > 90)]
    if not far or not near:
        return rings
    by = -360 if west > east else 360
    return [_moved(r, by) if r in far else r for r in rings]


def polygons(geometry: dict) -> list[list[list[int]]]:
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    return geometry["arcs"] if geometry["type"] == "MultiPolygon" else []


def path(geometry: dict, decoded, step: float) -> tuple[str, list[float]]:
    """SVG path data, its points ``step`` degrees apart, and the bounding box [west,
    north, east, south] (latitudes negated) of the full outline, which an island too
    small for the path still has."""
    parts, xs, ys = [], [], []
    rings = [[(x, -y) for x, y in ring(indices, decoded)]
             for polygon in polygons(geometry) for indices in polygon]
    for points in _together(rings):
        xs += [x for x, _ in points]
        ys += [y for _, y in points]
        kept = _snapped(points, step)
        if len(kept) >= 3:
            parts.append(_relative(kept))
    return "".join(parts), [round(min(xs), 1), round(min(ys), 1),
                            round(max(xs), 1), round(max(ys), 1)]


def _snapped(points, step: float) -> list[tuple[int, int]]:
    """The points on a grid of ``step`` degrees (in grid units), repeats dropped."""
    kept: list[tuple[int, int]] = []
    for x, y in points:
        point = (round(x / step), round(y / step))
        if not kept or kept[-1] != point:
            kept.append(point)
    return kept


def _relative(points: list[tuple[int, int]]) -> str:
    """A closed subpath in grid units, each point relative to the one before."""
    (x0, y0), moves = points[0], []
    for (px, py), (x, y) in zip(points, points[1:]):
        moves.append(f"{x - px} {y - py}")
    return f"M{x0} {y0}l" + " ".join(moves) + "z"


def main(package: Path) -> None:
    land = json.loads((package / "land-110m.json").read_text())
    land_path = "".join(path(g, arcs(land), STEP)[0]
                        for g in land["objects"]["land"]["geometries"])
    SVG.write_text(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{VIEW}">\n'
        "<!-- Natural Earth (public domain), by way of the npm package world-atlas 2.0.2 "
        "(ISC); made by scripts/build_world_map.py -->\n"
        f'<path id="land" transform="scale({STEP})" d="{land_path}"/>\n</svg>\n')
    countries = json.loads((package / "countries-50m.json").read_text())
    decoded = arcs(countries)
    shapes = {}
    for geometry in countries["objects"]["countries"]["geometries"]:
        if "id" in geometry:
            d, box = path(geometry, decoded, STEP)
            shapes[geometry["id"]] = {"d": d, "box": box}
    SHAPES.write_text(json.dumps({"step": STEP, "countries": dict(sorted(shapes.items()))},
                                 separators=(",", ":")) + "\n")
    print(f"{SVG.stat().st_size:,} bytes of land, {len(shapes)} countries "
          f"({SHAPES.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
