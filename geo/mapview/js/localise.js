{# Chinese texts for leaflet.draw, the frame's title, and a metric-only scale bar.
   Rendered by geo/mapview/localise.py: the values set on `this` are escaped JS literals. #}
(function () {
  var map = {{ this._parent.get_name() }};
  function merge(into, from) {
    Object.keys(from).forEach(function (k) {
      if (from[k] && typeof from[k] === "object") {
        if (!into[k] || typeof into[k] !== "object") { into[k] = {}; }
        merge(into[k], from[k]);
      } else { into[k] = from[k]; }
    });
  }
  // The page's frame around the map is announced by its title: Chinese, as is the document.
  document.documentElement.lang = "zh-CN";
  document.title = {{ this.frame_title }};
  try {
    if (window.frameElement) { window.frameElement.title = {{ this.frame_title }}; }
  } catch (e) { /* a page of another origin: its frame keeps the title it gave */ }
  if (window.L && L.drawLocal) { merge(L.drawLocal, {{ this.draw_local }}); }
  if (map.zoomControl) {
    // Leaflet reads the English title to screen readers too (aria-label).
    [[map.zoomControl._zoomInButton, "放大"], [map.zoomControl._zoomOutButton, "缩小"]]
      .forEach(function (b) { b[0].title = b[1]; b[0].setAttribute("aria-label", b[1]); });
  }
  if (map.attributionControl) {
    map.attributionControl.setPrefix(
      '<span title="Leaflet 开源地图库">Leaflet</span>');
  }
  // Controls added after this script (the layer switcher) get their Chinese titles next tick.
  setTimeout(function () {
    map.getContainer().querySelectorAll(".leaflet-control-layers-toggle").forEach(function (a) {
      a.title = "图层"; a.setAttribute("aria-label", "图层");
    });
  }, 0);
  L.control.scale({ metric: true, imperial: false, position: "bottomleft" }).addTo(map);
})();
