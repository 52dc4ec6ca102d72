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
