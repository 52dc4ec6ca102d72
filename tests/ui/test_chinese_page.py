"""Every word a person reads on the page is Chinese: a walk over the rendered page (the main
document and the map's frame) fails on any Latin-script word outside a short list of allowed
tokens (ids, units, coordinate-system codes, file formats, brand names, and Latin words that the
project names themselves contain).

Walks the default page, the logged-in editing and import panels, the export and print panels with
built files, and the drawing toolbar with a tool switched on. Runs against a temporary copy of the
committed catalog; skips without Chromium unless SHAPINGBA_REQUIRE_BROWSER=1.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from projects import store
from tests.helpers import (
    IFRAME,
    WAIT_MS,
    app_in_browser,
    log_in,
    map_frame,
    open_page,
    press,
    settled,
    show_tab,
    sidebar,
    staff_files,
)

pytestmark = pytest.mark.browser

EDITOR, PASSWORD = "li", "沙坪坝-latin-2026"
#: Allowed Latin tokens: units, coordinate systems, file formats and brands a planner knows by
#: these names. Project data (ids, names) is allowed separately, from the catalog itself.
ALLOWED = {
    # units
    "km",
    "m",
    "MB",
    "KB",
    # coordinate systems and standards
    "EPSG",
    "WGS",
    "CGCS",
    "GCJ",
    "RFC",
    "TIANDITU_TOKEN",
    # file formats and extensions
    "GeoJSON",
    "GEOJSON",
    "JSON",
    "GeoPackage",
    "GPKG",
    "gpkg",
    "Shapefile",
    "KML",
    "CSV",
    "csv",
    "WKT",
    "ZIP",
    "zip",
    "prj",
    "cpg",
    "UTF",
    "GBK",
    "geojson",
    "json",
    "txt",
    "docx",
    "pdf",
    "PDF",
    "png",
    "PNG",
    # a key on the keyboard (the hint under a text area: 按 Ctrl+回车键确认)
    "Ctrl",
    # brands
    "Leaflet",
    "Excel",
    "File",
    "Geodatabase",
    "DXF",
    "AutoCAD",
    "CASS",
    "ArcGIS",
    "QGIS",
    "Google",
    "Earth",
    "OpenStreetMap",
    "Streamlit",
    "secrets",
    EDITOR,
}
FILE_NAME = re.compile(r"[\w.-]+\.(?:geojson|json|gpkg|zip|kml|csv|pdf|png)\b")
#: Visible text nodes and placeholders, and the tooltips (``title``) of visible elements. Skips
#: icon ligatures (Material icons are drawn from words like "upload") and text a person cannot
#: see (hidden, or clipped to a pixel like the skip link, whose text CSS replaces). The map frame's
#: own title is Streamlit's component name, which the tests use to find the map.
TEXT_JS = r"""() => {
  const out = [];
  const visible = el => {
    if (!el || el.closest('script,style,noscript,[data-testid="stIconMaterial"]')) return false;
    const cs = getComputedStyle(el);
    return cs.visibility !== 'hidden' && cs.display !== 'none';
  };
  const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let n;
  while ((n = w.nextNode())) {
    const t = n.textContent.trim();
    if (!t || !visible(n.parentElement)) continue;
    const r = document.createRange(); r.selectNodeContents(n);
    const box = r.getBoundingClientRect();
    if (box.width > 1 && box.height > 1) out.push(t);
  }
  document.querySelectorAll('[placeholder],[title]').forEach(e => {
    const box = e.getBoundingClientRect();
    if (!visible(e) || box.width <= 1 || box.height <= 1) return;
    if (e.placeholder) out.push(e.placeholder);
    if (e.title && e.tagName !== 'IFRAME') out.push(e.title);
  });
  return out;
}"""


#: What a screen reader reads besides the text: ``aria-label``, ``title`` and
#: ``aria-roledescription`` of every element that is not hidden (visually clipped ones too, since
#: screen readers read those). ``charts`` chooses the Vega charts' generated descriptions ("X-axis
#: titled …"), which the charts' own code decides (left out unless asked for); the map frame's own
#: title, which screen readers announce, is read too.
LABELS_JS = r"""(charts) => {
  const out = [];
  const attrs = ['aria-label', 'title', 'aria-roledescription'];
  document.querySelectorAll(attrs.map(a => '[' + a + ']').join(',')).forEach(e => {
    if (e.closest('script,style,noscript')) return;
    const inChart = !!e.closest('[data-testid="stVegaLiteChart"] svg');
    if (inChart !== charts) return;
    for (let p = e; p; p = p.parentElement) {
      const cs = getComputedStyle(p);
      if (cs.display === 'none' || cs.visibility === 'hidden') return;
    }
    attrs.forEach(a => { const v = e.getAttribute(a); if (v) out.push(a + '=' + v); });
  });
  return out;
}"""


def _data_words() -> set[str]:
    """Latin words inside the catalog's own data (ids like SPB-…, names with TOD …)."""
    words = set()
    for f in store.load_collection(store.CATALOG_PATH)["features"]:
        p = f["properties"]
        for text in [p.get("id"), p.get("name"), p.get("lead_dept"), *(p.get("aliases") or [])]:
            words.update(re.findall(r"[A-Za-z]+", str(text or "")))
    return words


def latin_words(page: Page, *, charts: bool = False) -> dict[str, str]:
    """Latin words on the page and in the map frame that are not allowed, in the text and in
    what screen readers read: word -> its text. ``charts``: only the Vega charts' descriptions."""
    allowed = ALLOWED | _data_words()
    texts = [] if charts else page.evaluate(TEXT_JS)
    texts += page.evaluate(LABELS_JS, charts)
    for frame in page.query_selector_all(IFRAME):
        box = frame.bounding_box()
        if not charts and box and box["width"] > 1 and frame.content_frame() is not None:
            inner = frame.content_frame()
            texts += [
                f"（地图）{t}" for t in inner.evaluate(TEXT_JS) + inner.evaluate(LABELS_JS, False)
            ]
    found = {}
    for text in texts:
        # The attribute's name is not read out; its value is.
        text = re.sub(r"^(（地图）)?(aria-label|title|aria-roledescription)=", r"\1", text)
        # A file name is an identifier the user's tools read (kept ASCII for them).
        bare = FILE_NAME.sub(" ", text)
        for word in re.findall(r"[A-Za-z][A-Za-z_]*", bare):
            if word not in allowed:
                found.setdefault(word, text[:80])
    return found


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[tuple[Browser, str]]:
    folder = tmp_path_factory.mktemp("latin")
    made = staff_files(folder, EDITOR, PASSWORD)
    catalog, accounts = made["catalog"], made["users"]
    with app_in_browser(catalog, accounts) as site:
        yield site


def _has_draw_tool(frame) -> bool:
    try:
        return frame.query_selector(".leaflet-draw-draw-marker") is not None
    except Exception:  # noqa: BLE001 - a frame replaced while we look
        return False


def test_default_page_has_no_english(site):
    browser, url = site
    page = open_page(browser, url, viewport={"width": 1600, "height": 1000})
    map_frame(page)
    # Screen readers announce the map by its frame's title (streamlit-folium's was Latin).
    assert page.locator(IFRAME).get_attribute("title") == "沙坪坝区项目地图"
    assert latin_words(page) == {}
    for tab in ("未上图的项目", "统计图"):  # only the open tab below the map is drawn
        show_tab(page, tab)
        assert latin_words(page) == {}, tab
    expect(page.locator('[data-testid="stVegaLiteChart"]').first).to_be_visible()
    assert page.errors == []


def test_chart_descriptions_are_chinese(site):
    """Each chart says what it is in Chinese; Vega's English per-axis and per-mark texts are off
    and its container names are rewritten (ui.charts._spoken, ui.chrome.LABELS)."""
    browser, url = site
    page = open_page(browser, url, viewport={"width": 1600, "height": 1000})
    map_frame(page)
    show_tab(page, "统计图")
    expect(page.locator('[data-testid="stVegaLiteChart"]').first).to_be_visible(timeout=WAIT_MS)
    assert latin_words(page, charts=True) == {}


def test_editing_import_export_and_drawing_have_no_english(site):
    browser, url = site
    page = open_page(browser, url, viewport={"width": 1600, "height": 1200})
    map_frame(page)
    log_in(page, EDITOR, PASSWORD)
    side = sidebar(page)
    # Import panel (uploader) and export panel with a built file on offer.
    side.get_by_role("button", name=re.compile("^生成 ")).click()
    expect(side.get_by_role("button", name=re.compile("^下载 "))).to_be_visible(timeout=WAIT_MS)
    # The print panel with a map built.
    side.get_by_role("button", name=re.compile("^生成地图")).click()
    expect(side.get_by_role("button", name="下载地图 PDF")).to_be_visible(timeout=WAIT_MS)
    settled(page)
    assert latin_words(page) == {}
    # Drawing toolbar, with the point tool switched on (its hint follows the pointer).
    side.get_by_text("标绘模式（工作人员）").click()
    # The map is rebuilt with the draw toolbar (for a moment beside the old one).
    page.wait_for_function(
        f"""() => [...document.querySelectorAll('{IFRAME}')].some(f => f.contentDocument &&
              f.contentDocument.querySelector('.leaflet-draw-draw-marker'))""",
        timeout=WAIT_MS,
    )
    frame = next(f for f in page.frames if not f.is_detached() and _has_draw_tool(f))
    tool = frame.locator(".leaflet-draw-draw-marker")
    tool.click()
    box = frame.frame_element().bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(frame.locator(".leaflet-draw-tooltip")).to_be_visible(timeout=WAIT_MS)
    assert latin_words(page) == {}
    assert page.errors == []


def _alerts(page: Page) -> list[str]:
    """What screen readers announce as alerts (Streamlit clips some of them to a pixel)."""
    return page.locator('[role="alert"]').all_text_contents()


def test_typing_and_a_refused_upload_have_no_english(site, tmp_path):
    """The hint under a text box being typed in (「Press Enter to submit form」 in a form, 「Press
    Enter to apply」 beside it, 「Press Ctrl+Enter …」 under a text area) and the uploader's
    refusal of a file over the limit (「File must be 20.0MB or smaller.」, a tooltip only) were
    Streamlit's English, and the refusal showed nothing to read but a red icon."""
    browser, url = site
    page = open_page(browser, url, viewport={"width": 1600, "height": 1000})
    map_frame(page)
    log_in(page, EDITOR, PASSWORD)
    side = sidebar(page)
    settled(page)
    side.get_by_label("搜索名称或别名").fill("轨道")
    hint = side.locator('[data-testid="InputInstructions"]')
    expect(hint).to_contain_text("按回车键确认", timeout=WAIT_MS)
    assert latin_words(page) == {}
    side.get_by_label("搜索名称或别名").fill("")
    side.get_by_label("搜索名称或别名").press("Enter")
    settled(page)
    press(page, side.get_by_role("button", name="新建项目…"))
    form = page.get_by_role("dialog").locator('[data-testid="stForm"]')
    form.get_by_label("名称", exact=True).fill("测试项目")
    expect(form.locator('[data-testid="InputInstructions"]')).to_have_text(
        "按回车键提交表单", timeout=WAIT_MS
    )
    assert latin_words(page) == {}
    form.get_by_label("备注", exact=True).fill("备注")
    expect(form.locator('[data-testid="InputInstructions"]')).to_have_text(
        re.compile("^按 (Ctrl|⌘)\\+回车键提交表单$"), timeout=WAIT_MS
    )
    assert latin_words(page) == {}
    page.keyboard.press("Escape")
    settled(page)
    # A file over the import's 20 MB limit: the uploader refuses it in the browser.
    big = tmp_path / "大文件.geojson"
    big.write_bytes(b" " * (21 * 2**20))
    press(page, side.get_by_role("button", name="导入文件…"))
    dialog = page.get_by_role("dialog")
    dialog.locator('input[type="file"]').set_input_files(big)
    refused = dialog.locator('[data-testid="stFileChip"] [role="alert"]')
    expect(refused).to_have_text("文件超过 20.0 MB，未上传", timeout=WAIT_MS)
    box = refused.bounding_box()
    assert box["width"] > 50 and box["height"] > 8, box  # drawn, not clipped to a pixel
    dialog.get_by_text("大文件.geojson").hover()
    expect(page.get_by_text("文件超过 20.0 MB，未上传")).to_have_count(2, timeout=WAIT_MS)
    assert latin_words(page) == {}
    assert not [a for a in _alerts(page) if re.search("[A-Za-z]{3,}", a)], _alerts(page)
    assert page.errors == []
