"""The bundled catalog in the real app, in headless Chromium (its own file: the sync Playwright of
test_browser.py's module-scoped page cannot be nested)."""

from __future__ import annotations

import shutil

import pytest

from geo import mapview
from projects import filters, store
from projects.filters import Query
from tests.helpers import COUNT_JS, WAIT_MS, app_in_browser, map_frame, open_page

pytestmark = pytest.mark.browser


def test_the_real_catalog_draws_every_drawable_project(tmp_path):
    """On the bundled catalog (multi-part geometries, unplaced and district-level projects), the map
    draws exactly the projects the page says it can draw under the default filter."""
    path = tmp_path / "projects.geojson"
    shutil.copyfile(store.catalog_path(), path)
    gdf = filters.catalog_frame(store.load_collection(path))
    expected = int(mapview.on_map(filters.filter_projects(gdf, Query())).sum())
    assert expected > 100
    with app_in_browser(path) as (browser, url):
        page = open_page(browser, url, viewport={"width": 1400, "height": 1100})
        frame = map_frame(page)
        frame.wait_for_function(f"() => ({COUNT_JS})() === {expected}", timeout=WAIT_MS)
        assert frame.evaluate(COUNT_JS) == expected
        assert not page.errors
