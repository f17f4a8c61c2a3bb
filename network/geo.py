"""The world map's drawing, in plain Python: the vendored Natural Earth countries
(``reference/world-atlas/countries-110m.json``, TopoJSON) decoded into SVG path strings
under a simple equirectangular projection, and any longitude/latitude placed on the same
plane. No database, no JavaScript library: the page receives ready-made SVG.

TopoJSON in short: ``arcs`` are lists of positions; with a ``transform`` they are
quantized integers, each position after the first a delta from the one before. A
polygon's ring lists arc indices; index ``~i`` (i.e. ``-i - 1``) means arc ``i``
reversed. Consecutive arcs of a ring share their end point, which is kept once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings

ATLAS = Path(settings.BASE_DIR) / "reference" / "world-atlas" / "countries-110m.json"

# The drawn plane: longitude -180..180 by latitude NORTH..SOUTH (Antarctica is left out,
# so the map spends no room on it), SCALE units per degree.
SCALE = 3
NORTH, SOUTH = 84.0, -58.0
WIDTH = 360 * SCALE
HEIGHT = round((NORTH - SOUTH) * SCALE)
LEFT_OUT = frozenset({"010"})  # ISO 3166 numeric code of Antarctica


def project(longitude: float, latitude: float) -> tuple[float, float]:
    """(x, y) on the map of a position in degrees (equirectangular; north up)."""
    return (
        round((longitude + 180.0) * SCALE, 1),
        round((NORTH - latitude) * SCALE, 1),
    )


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """Every arc as absolute (longitude, latitude) positions."""
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        if transform is None:
            arcs.append([(float(p[0]), float(p[1])) for p in arc])
            continue
        (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
        x = y = 0
        points = []
        for dx, dy, *_ in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring_points(ring: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple]:
    """The positions of a ring made of arc indices (``~i``: arc ``i`` reversed)."""
    points: list[tuple[float, float]] = []
    for index in ring:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        points.extend(arc[1:] if points else arc)
    return points


def _polygons(geometry: dict) -> list[list[list[int]]]:
    if geometry.get("type") == "Polygon":
        return [geometry["arcs"]]
    if geometry.get("type") == "MultiPolygon":
        return list(geometry["arcs"])
    return []  # a null geometry (no shape at this scale)


def unwrap(points: list[tuple[float, float]]) -> list[list[tuple[float, float]]]:
    """A ring that crosses the antimeridian (Fiji, Chukotka: a step of more than 180° of
    longitude) made continuous, plus its copy shifted by 360° so that the part beyond
    ±180° shows on the other edge; the SVG's viewport clips what falls outside."""
    if not points:
        return []
    continuous = [points[0]]
    for lon, lat in points[1:]:
        previous = continuous[-1][0]
        while lon - previous > 180:
            lon -= 360
        while previous - lon > 180:
            lon += 360
        continuous.append((lon, lat))
    rings = [continuous]
    if min(lon for lon, _ in continuous) < -180:
        rings.append([(lon + 360, lat) for lon, lat in continuous])
    if max(lon for lon, _ in continuous) > 180:
        rings.append([(lon - 360, lat) for lon, lat in continuous])
    return rings


def path_of(polygons: list[list[list[int]]], arcs) -> str:
    """An SVG path (``M x,y L ... Z`` per ring) of polygons given as rings of arc indices."""
    parts = []
    for polygon in polygons:
        for ring in polygon:
            for part in unwrap(ring_points(ring, arcs)):
                if len(part) < 3:
                    continue
                (x0, y0), *rest = (project(lon, lat) for lon, lat in part)
                parts.append(f"M{x0:g},{y0:g}" + "".join(f"L{x:g},{y:g}" for x, y in rest) + "Z")
    return "".join(parts)


@dataclass(frozen=True)
class Country:
    """One country's outline: ISO 3166 numeric id, its name in Natural Earth, SVG path."""

    id: str
    name: str
    path: str


def countries_of(topology: dict, *, object_name: str = "countries") -> tuple[Country, ...]:
    """The countries of a TopoJSON topology as SVG paths (Antarctica left out)."""
    arcs = decode_arcs(topology)
    shapes = []
    for geometry in topology["objects"][object_name]["geometries"]:
        ident = str(geometry.get("id", ""))
        if ident in LEFT_OUT:
            continue
        path = path_of(_polygons(geometry), arcs)
        if path:
            name = (geometry.get("properties") or {}).get("name", "")
            shapes.append(Country(ident, name, path))
    return tuple(shapes)


@cache
def world_countries() -> tuple[Country, ...]:
    """The vendored atlas's countries, decoded once per process (about 100 kB of JSON)."""
    with ATLAS.open(encoding="utf-8") as handle:
        return countries_of(json.load(handle))
