"""The scripts the folium map embeds, and the one way values get into them.

The JavaScript lives in ``geo/mapview/js/*.js`` (Jinja templates, so it reads and diffs as code). Each
element below renders one of them with values made by :func:`js_literal`, which is what keeps
names and labels from ever running as markup in the page.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from branca.element import Element, MacroElement
from folium.template import Template

from geo.mapview.assets import URL_PREFIX

JS_DIR = Path(__file__).resolve().parent / "js"
#: The map's frame on the page, by the component's address (its title is Chinese once the map
#: has started: ``localise.FRAME_TITLE``).
MAP_FRAME = 'iframe[src*="/component/streamlit_folium.st_folium/"]'
#: How long the page waits for the map's first painted frame before drawing what follows it
#: anyway (ms; ``painted/index.html``).
PAINT_WAIT_MS = 8000
#: The component that tells the page the map has painted (``painted/index.html``).
PAINTED_DIR = Path(__file__).parent / "painted"


def vendor_url(path: str) -> str:
    """URL under which the app serves a file of ``static/vendor``."""
    return f"{URL_PREFIX}/{path}"


def js_literal(value: Any) -> str:
    """JSON that is safe inside a ``<script>``: ``<``, ``>``, ``&`` and line separators escaped.

    >>> js_literal({"n": "<img src=x onerror=alert(1)>"})
    '{"n":"\\\\u003cimg src=x onerror=alert(1)\\\\u003e"}'
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for raw, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(raw, esc)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


@cache
def _template(name: str) -> Template:
    """The script template ``js/<name>.js``, wrapped as the macro folium renders.

    Lines that are only a ``//`` comment are left out: they are for the source's readers, and
    the page carries the map's script again with every rerun (about a fifth of it was comments).
    """
    js = (JS_DIR / f"{name}.js").read_text(encoding="utf-8")
    js = "".join(
        line for line in js.splitlines(keepends=True) if not line.lstrip().startswith("//")
    )
    return Template("{% macro script(this, kwargs) %}\n" + js + "{% endmacro %}\n")


class MapScript(MacroElement):
    """A script from ``js`` run once its parent (the map or a feature group) exists.

    ``values`` become the template's ``this.<name>``; pass them through :func:`js_literal`
    (numbers may go as they are).
    """

    def __init__(self, name: str, element_name: str, **values: str | int):
        super().__init__()
        self._name = element_name
        self._template = _template(name)
        for key, value in values.items():
            setattr(self, key, value)

    def render(self, **kwargs: Any) -> None:
        """Add the rendered script to the page as it is.

        branca's ``MacroElement.render`` wraps each rendered macro in a new ``Element``, which
        compiles the text as a template once more: about 1 ms per kB, on every rerun, for data
        that is already final (the map's zones and context layers are 75 kB).
        """
        script = self._template.module.script(self, kwargs)
        self.get_root().script.add_child(_Rendered(script), name=self.get_name())
        for child in self._children.values():
            child.render(**kwargs)


class _Rendered(Element):
    """Text that is already rendered: it renders as itself."""

    def __init__(self, text: str):
        super().__init__()
        self.text = text

    def render(self, **kwargs: Any) -> str:
        return self.text
