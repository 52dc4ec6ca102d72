"""The map on a phone: below :data:`NARROW_PX` the legend folds into a button and the zoom
buttons become 40 px tap targets (the legend otherwise covers a large part of a small map), and
the map fills its frame, which the page fits to the phone's screen (``ui.chrome``)."""

from __future__ import annotations

import folium

from geo.mapview.scripts import MapScript

#: Map widths (px) below this are laid out for a phone.
NARROW_PX = 640


def fit_phones(m: folium.Map) -> folium.Map:
    """Add the narrow-screen behaviour to ``m`` (the legend toggle follows the legend)."""
    MapScript("phone", "FitPhones", narrow_px=NARROW_PX).add_to(m)
    return m
