{# Keeps the map's centre and zoom in the page's URL (parameter `v`), and starts from it.
   So a shared link opens the same view, and a map rebuilt after a save (a new project file)
   comes back where the user was. A bad `v` is ignored: the map keeps its default view.
   Rendered by geo/mapview/view.py. #}
(function () {
  var map = {{ this._parent.get_name() }};
  var KEY = {{ this.key }};
  var top = null;
  try { if (window.parent !== window && window.parent.location.search !== undefined) { top = window.parent; } }
  catch (e) { top = null; }
  if (!top) { return; }
  function parse(text) {
    var p = String(text || "").split(",");
    if (p.length !== 3) { return null; }
    var lat = Number(p[0]), lng = Number(p[1]), z = Number(p[2]);
    if (!isFinite(lat) || !isFinite(lng) || !isFinite(z) || Math.abs(lat) > 90 ||
        Math.abs(lng) > 180 || z !== Math.round(z) || z < map.getMinZoom() || z > map.getMaxZoom()) {
      return null;
    }
    return [lat, lng, z];
  }
  var v = parse(new URLSearchParams(top.location.search).get(KEY));
  if (v) { map.setView([v[0], v[1]], v[2], { animate: false }); }
  map.on("moveend", function () {
    var c = map.getCenter(), url = new URL(top.location.href);
    url.searchParams.set(KEY, c.lat.toFixed(5) + "," + c.lng.toFixed(5) + "," + map.getZoom());
    top.history.replaceState(top.history.state, "", url.toString());
  });
})();
