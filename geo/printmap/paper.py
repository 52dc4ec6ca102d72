"""The sheet a map is printed on, and the view it shows; no drawing here (so the page can offer
the choices without loading matplotlib)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import shapely

#: Paper sizes in millimetres (portrait).
PAPERS: dict[str, tuple[float, float]] = {"A4": (210.0, 297.0), "A3": (297.0, 420.0)}
ORIENTATIONS = {"portrait": "纵向", "landscape": "横向"}
MM = 1 / 25.4


@dataclass(frozen=True)
class Sheet:
    """What to print: paper, orientation, title, the filters in words, the date."""

    paper: str = "A4"
    orientation: str = "landscape"
    title: str = "沙坪坝区 项目分布图"
    filters_text: str = ""
    on: date | None = None

    def size_mm(self) -> tuple[float, float]:
        if self.paper not in PAPERS or self.orientation not in ORIENTATIONS:
            raise ValueError(f"paper {self.paper!r} / {self.orientation!r} not offered")
        w, h = PAPERS[self.paper]
        return (h, w) if self.orientation == "landscape" else (w, h)


def view_box(centre: tuple[float, float], zoom: int, width_px: int = 900) -> shapely.Geometry:
    """The ground a web map of ``width_px`` shows at ``centre`` (lat, lng) and ``zoom``, as a
    WGS84 box (square): "the current view" when only a link's centre and zoom are known, not
    the bounds the map shows on the screen (which the print takes when it has them)."""
    lat, lng = centre
    metres_per_px = 156_543.03392 * math.cos(math.radians(lat)) / 2**zoom
    half = width_px * metres_per_px / 2
    dlat = half / 111_320
    dlng = half / (111_320 * math.cos(math.radians(lat)))
    return shapely.box(lng - dlng, lat - dlat, lng + dlng, lat + dlat)
