"""The map's fixed texts are Chinese and its scale bar is metric only."""

from __future__ import annotations

import re

from streamlit_folium import _get_map_string

from geo.mapview import DRAW_LOCAL, base_map, encode_projects
from projects import filters


def _strings(tree):
    if isinstance(tree, dict):
        for value in tree.values():
            yield from _strings(value)
    else:
        yield tree


def test_every_drawing_text_is_chinese():
    texts = list(_strings(DRAW_LOCAL))
    assert len(texts) > 30
    for text in texts:
        assert not re.search(r"[A-Za-z]", re.sub(r"</?strong>", "", text)), text


def test_the_scale_bar_is_metric_only_and_the_drawing_texts_come_before_the_toolbar():
    payload = encode_projects(filters.catalog_frame({"features": []}))
    script = _get_map_string(base_map(payload, editing=True))
    assert "imperial: false" in script
    assert "L.control.scale()" not in script
    assert script.index("drawLocal") < script.index("L.Control.Draw(")
