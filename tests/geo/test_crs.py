import numpy as np
import pytest
import shapely
from pyproj import Geod

from geo.crs import gcj02_to_wgs84, geometry_from_gcj02, geometry_to_gcj02, wgs84_to_gcj02

GEOD = Geod(ellps="WGS84")


@pytest.mark.parametrize("as_array", [False, True])
def test_known_offset_in_shapingba(as_array):
    # SOURCES.md of geodata-ref: in Shapingba GCJ-02 = WGS84 + (+0.0040 lon, -0.0026 lat).
    lon, lat = (np.array([106.45]), np.array([29.58])) if as_array else (106.45, 29.58)
    glon, glat = wgs84_to_gcj02(lon, lat)
    assert float(np.squeeze(glon)) - 106.45 == pytest.approx(0.0040, abs=2e-4)
    assert float(np.squeeze(glat)) - 29.58 == pytest.approx(-0.0026, abs=2e-4)
    _, _, metres = GEOD.inv(106.45, 29.58, float(np.squeeze(glon)), float(np.squeeze(glat)))
    assert 400 < metres < 560


def test_round_trip_is_within_half_a_millimetre_over_the_district():
    rng = np.random.default_rng(7)
    lon = rng.uniform(106.2, 106.55, 500)
    lat = rng.uniform(29.5, 29.8, 500)
    back_lon, back_lat = gcj02_to_wgs84(*wgs84_to_gcj02(lon, lat))
    _, _, metres = GEOD.inv(lon, lat, back_lon, back_lat)
    assert np.max(metres) < 5e-4
    assert np.max(np.abs(back_lon - lon)) < 1e-7 and np.max(np.abs(back_lat - lat)) < 1e-7


def test_geometry_helpers_shift_every_vertex():
    line = shapely.LineString([(106.30, 29.60), (106.45, 29.55)])
    shifted = geometry_to_gcj02(line)
    assert shifted.geom_type == "LineString"
    assert all(sx > x for (x, _), (sx, _) in zip(line.coords, shifted.coords, strict=True))
    assert geometry_from_gcj02(shifted).equals_exact(line, 1e-9)


def test_an_array_of_geometries_shifts_as_each_one_would_and_keeps_gaps():
    # The map's GCJ-02 layer and GCJ-02 exports shift a whole catalog in one call.
    parts = [
        shapely.Point(106.45, 29.58),
        None,
        shapely.LineString([(106.30, 29.60), (106.45, 29.55)]),
        shapely.MultiPolygon([shapely.box(106.3, 29.6, 106.31, 29.61)]),
    ]
    shifted = geometry_to_gcj02(np.array(parts, dtype=object))
    assert shifted[1] is None
    for one, many in zip(parts, shifted, strict=True):
        if one is not None:
            assert many.equals_exact(geometry_to_gcj02(one), 0)
            assert not many.equals_exact(one, 1e-4)
