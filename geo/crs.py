"""Coordinate systems: pyproj transformers built once, and GCJ-02, which no kept library does.

GCJ-02 is the obfuscated datum of 高德/腾讯 web maps. It is not a CRS pyproj knows: the forward
formula is published; the inverse has no closed form and is iterated here to better than 1e-9°.
All functions take and return lon/lat in degrees, as scalars or numpy arrays, with the
``(x, y) -> (x, y)`` signature of ``Transformer.transform`` so they plug into
``shapely.transform(geom, func, interleaved=False)``.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import shapely
from pyproj import Transformer

WGS84 = "EPSG:4326"
CGCS2000 = "EPSG:4490"
#: The Krasovsky ellipsoid the GCJ-02 formula is defined on.
_A = 6378245.0
_EE = 0.00669342162296594323


def _delta(lon, lat):
    """GCJ-02 minus WGS84 at (lon, lat), in degrees."""
    x = np.asarray(lon, dtype=float) - 105.0
    y = np.asarray(lat, dtype=float) - 35.0
    dlat = (
        -100.0
        + 2.0 * x
        + 3.0 * y
        + 0.2 * y * y
        + 0.1 * x * y
        + 0.2 * np.sqrt(np.abs(x))
        + (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
        + (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
        + (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    )
    dlon = (
        300.0
        + x
        + 2.0 * y
        + 0.1 * x * x
        + 0.1 * x * y
        + 0.1 * np.sqrt(np.abs(x))
        + (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
        + (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
        + (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    )
    rad = np.asarray(lat, dtype=float) / 180.0 * np.pi
    magic = 1.0 - _EE * np.sin(rad) ** 2
    sqrt_magic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1.0 - _EE)) / (magic * sqrt_magic) * np.pi)
    dlon = (dlon * 180.0) / (_A / sqrt_magic * np.cos(rad) * np.pi)
    return dlon, dlat


def wgs84_to_gcj02(lon, lat):
    """WGS84 → GCJ-02 (China only; the whole district is inside).

    >>> lon, lat = wgs84_to_gcj02(106.45, 29.58)
    >>> round(float(lon - 106.45), 4), round(float(lat - 29.58), 4)
    (0.004, -0.0026)
    """
    dlon, dlat = _delta(lon, lat)
    return np.asarray(lon, dtype=float) + dlon, np.asarray(lat, dtype=float) + dlat


def gcj02_to_wgs84(lon, lat, tol: float = 1e-10, max_iter: int = 30):
    """GCJ-02 → WGS84 by fixed-point iteration of the forward formula (error < ``tol`` degrees).

    >>> back = gcj02_to_wgs84(*wgs84_to_gcj02(106.45, 29.58))
    >>> abs(float(back[0]) - 106.45) < 1e-9 and abs(float(back[1]) - 29.58) < 1e-9
    True
    """
    glon = np.asarray(lon, dtype=float)
    glat = np.asarray(lat, dtype=float)
    wlon, wlat = glon.copy(), glat.copy()
    for _ in range(max_iter):
        flon, flat = wgs84_to_gcj02(wlon, wlat)
        elon, elat = flon - glon, flat - glat
        wlon, wlat = wlon - elon, wlat - elat
        if np.all(np.abs(elon) < tol) and np.all(np.abs(elat) < tol):
            break
    return wlon, wlat


def geometry_to_gcj02(geom: shapely.Geometry | np.ndarray) -> shapely.Geometry | np.ndarray:
    """A WGS84 geometry shifted to GCJ-02 (for 高德 tiles and Chinese web-map tools), or an
    array of them (None stays None). Pass a whole array, not one geometry at a time: the
    formula then runs once over every coordinate (at 100 000 projects one call per geometry
    took 4.7 s, nearly all of it numpy's overhead on tiny arrays)."""
    return shapely.transform(geom, wgs84_to_gcj02, interleaved=False)


def geometry_from_gcj02(geom: shapely.Geometry | np.ndarray) -> shapely.Geometry | np.ndarray:
    """A GCJ-02 geometry, or an array of them, converted back to WGS84."""
    return shapely.transform(geom, gcj02_to_wgs84, interleaved=False)


@cache
def transformer(src: str, dst: str) -> Transformer:
    """One cached pyproj Transformer per CRS pair, lon/lat (x, y) order."""
    return Transformer.from_crs(src, dst, always_xy=True)
