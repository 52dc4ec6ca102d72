{# Keeps the map's centre and zoom in the page's URL (parameter `v`), and starts from it.
   So a shared link opens the same view, and a map rebuilt after a save (a new project file)
   comes back where the user was. A bad `v` is ignored: the map keeps its default view (and
   then shows a project the link chose, see project_layer.js).
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
  // The page (Streamlit) rewrites the whole URL whenever the server sets its parameters (a
  // filter, a chosen project), from the parameters it knows: the view the link opened with,
  // or none, never the one this map wrote since. Each of its rewrites is given the view on
  // screen, so the link still opens where the user is looking. Only a view the map showed
  // (a valid link's, or one the user moved to) is written: a page nobody moved keeps a bare link.
  // Wrapped once per page; each new map (a rebuilt frame) only updates the view kept.
  if (!top.__spKeepView) {
    top.__spKeepView = true;
    ["pushState", "replaceState"].forEach(function (name) {
      var write = top.history[name];
      top.history[name] = function (state, title, url) {
        try {
          if (url !== undefined && url !== null && top.__spView) {
            var next = new URL(String(url), top.location.href);
            next.searchParams.set(top.__spView[0], top.__spView[1]);
            url = next.toString();
          }
        } catch (e) { /* a URL the page writes is never held back */ }
        return write.call(top.history, state, title, url);
      };
    });
  }
  var linked = new URLSearchParams(top.location.search).get(KEY), v = parse(linked);
  top.__spView = v ? [KEY, linked] : null;
  if (v) { map.setView([v[0], v[1]], v[2], { animate: false }); }
  // Told to the project layer: a map that opened on the link's view keeps it for the project
  // the link chose; one without shows that project as a choice on the page does (zoomed out
  // of its cluster), since a link to one project hid it among the district's clusters.
  window.__spViewFromLink = !!v;
  map.on("moveend", function () {
    var c = map.getCenter(), url = new URL(top.location.href);
    top.__spView = [KEY, c.lat.toFixed(5) + "," + c.lng.toFixed(5) + "," + map.getZoom()];
    url.searchParams.set(KEY, top.__spView[1]);
    top.history.replaceState(top.history.state, "", url.toString());
  });
  // The bounds on screen, for 「导出地图」's 当前地图范围 (ui/printing.py reads them on its press).
  function seen() { top.__spBounds = map.getBounds().toBBoxString(); }
  seen();
  map.on("moveend resize", seen);
})();
