"""Where the land and the ports are: the two offline references maritime detectors need.

Distance from shore comes from the GLOBE 1 km land mask shipped by ``global-land-mask``
(MIT; 30 arc-second cells, about 0.93 km). There is no distance-to-shore raster in a
small package, so the nearest land is found by sampling the mask on a grid of points
around the position, spaced like its cells, within the radius asked: islets smaller
than a cell can be missed, and the distance is good to about a kilometre. Loading the
mask takes about 4 s and 1 GB of memory, once per process, and only when asked.

Ports are the 3,962 UN/LOCODE ports (name, country, coordinates) shipped by
``searoute`` (Apache-2.0) in ``searoute/data/ports.geojson``; the file is read without
importing the package's routing code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib.util import find_spec
from pathlib import Path

import numpy as np

from filet.engine.dialects import EARTH_RADIUS_M

METRES_PER_NAUTICAL_MILE = 1852
# Sampling step: one GLOBE cell (30 arc-seconds of latitude).
_STEP_M = 926.0
_PORT_CHUNK = 2048  # points set against all 3,962 ports at a time: 65 MB of distances


@dataclass(frozen=True)
class Port:
    locode: str
    name: str
    country: str
    lat: float
    lon: float


def _haversine_m(
    lat: float | np.ndarray, lon: float | np.ndarray, lats: np.ndarray, lons: np.ndarray
) -> np.ndarray:
    """Great-circle distances, the same formula as ``Dialect.distance_m``; from one point,
    or from a column of points (shape ``(n, 1)``) to each of ``lats``, ``lons``."""
    phi, phis = np.radians(lat), np.radians(lats)
    chord = (
        np.sin((phis - phi) / 2) ** 2
        + np.cos(phi) * np.cos(phis) * np.sin(np.radians(lons - lon) / 2) ** 2
    )
    return np.asarray(2 * EARTH_RADIUS_M * np.arcsin(np.minimum(1.0, np.sqrt(chord))))


def nearest_land_nm(lat: float, lon: float, radius_nm: float) -> float | None:
    """Distance to the nearest land cell within ``radius_nm``, or None when all is sea."""
    radius_m = radius_nm * METRES_PER_NAUTICAL_MILE
    offsets = np.arange(-radius_m, radius_m + _STEP_M, _STEP_M)
    north, east = (axis.ravel() for axis in np.meshgrid(offsets, offsets))
    lats = np.clip(lat + np.degrees(north / EARTH_RADIUS_M), -90.0, 90.0)
    scale = EARTH_RADIUS_M * max(np.cos(np.radians(lat)), 1e-6)
    lons = (lon + np.degrees(east / scale) + 180.0) % 360.0 - 180.0
    land = is_land(lats, lons)
    if not land.any():
        return None
    distances = _haversine_m(lat, lon, lats[land], lons[land])
    nearest = float(distances.min())
    return nearest / METRES_PER_NAUTICAL_MILE if nearest <= radius_m else None


def is_land(lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """Whether each point falls in a land cell of the mask."""
    from global_land_mask import globe  # type: ignore[import-untyped]  # 1 GB: load late

    return np.asarray(globe.is_land(lats, lons), dtype=bool)


def nearest_port(lat: float, lon: float) -> tuple[Port, float]:
    """The closest UN/LOCODE port and its distance in metres."""
    ports, lats, lons = _ports()
    distances = _haversine_m(lat, lon, lats, lons)
    index = int(distances.argmin())
    return ports[index], float(distances[index])


def near_any_port(lats: np.ndarray, lons: np.ndarray, radius_m: float) -> np.ndarray:
    """Whether each point lies within ``radius_m`` of a port of the list, set against
    every port a chunk of points at a time."""
    _, port_lats, port_lons = _ports()
    near = np.zeros(len(lats), dtype=bool)
    for start in range(0, len(lats), _PORT_CHUNK):
        chunk = slice(start, start + _PORT_CHUNK)
        metres = _haversine_m(lats[chunk, None], lons[chunk, None], port_lats, port_lons)
        near[chunk] = (metres <= radius_m).any(axis=1)
    return near


def all_ports() -> tuple[Port, ...]:
    """Every port of the list, in its order (a few UN/LOCODEs appear twice)."""
    return _ports()[0]


def port(locode: str) -> Port:
    """One port of the list by its UN/LOCODE; KeyError if the list lacks it."""
    for candidate in _ports()[0]:
        if candidate.locode == locode:
            return candidate
    raise KeyError(f"no port {locode!r} in the searoute port list")


@cache
def _ports() -> tuple[tuple[Port, ...], np.ndarray, np.ndarray]:
    features = json.loads(_ports_file().read_text(encoding="utf-8"))["features"]
    ports = tuple(
        Port(
            locode=feature["properties"]["port"],
            name=feature["properties"]["name"],
            country=feature["properties"]["cty"],
            lat=feature["geometry"]["coordinates"][1],
            lon=feature["geometry"]["coordinates"][0],
        )
        for feature in features
    )
    lats = np.array([port.lat for port in ports])
    lons = np.array([port.lon for port in ports])
    return ports, lats, lons


def _ports_file() -> Path:
    spec = find_spec("searoute")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(
            "la liste des ports vient du paquet searoute : pip install searoute / "
            "the port list comes from the searoute package: pip install searoute"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "ports.geojson"
