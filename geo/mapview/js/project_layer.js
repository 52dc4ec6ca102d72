{# All drawable projects on one canvas; window.__spApply shows, hides and recolours them.
   Rendered by geo/map_scripts.py: the values set on `this` are escaped JS literals. #}
(function () {
  var map = {{ this._parent.get_name() }};
  var SRC = {{ this.source }}, S = {{ this.styles }}, C = {{ this.colours }};
  var DEC = {{ this.decimals }};
  L.Icon.Default.imagePath = {{ this.image_path }};
  var pane = map.createPane("spProjects");
  pane.style.zIndex = 450;
  var renderer = L.canvas({ pane: "spProjects", padding: 0.3 });
  var group = L.featureGroup().addTo(map);
  var sp = { layers: [], group: group, selected: -1, shown: 0, ready: false, applied: 0 };
  window.__sp = sp;
  var D = null, n = 0, zoneOutlines = [];
  var RANK = {{ this.ranks }};
  function ll(a, s) {
    var out = [], x = 0, y = 0, ox = D.o[0], oy = D.o[1];
    for (var j = 0; j < a.length; j += 2) {
      x += a[j]; y += a[j + 1]; out.push([oy + y / s, ox + x / s]);
    }
    return out;
  }
  function style(i, c, selected) {
    var st = S[D.p[i]], colour = C[c] || C[5];
    return {
      renderer: renderer, pane: "spProjects", radius: st.radius + (selected ? 3 : 0),
      color: selected ? "#000000" : colour, weight: st.weight + (selected ? 2 : 0),
      fillColor: colour, fillOpacity: st.fillOpacity,
      fill: st.fillOpacity > 0 && D.k[i] !== "L" && D.k[i] !== "M",
      dashArray: st.dashArray, opacity: 0.95
    };
  }
  function make(i) {
    var s = Math.pow(10, DEC[D.p[i]]), g = D.g[i], k = D.k[i], o = style(i, 5, false);
    var lyr;
    if (k === "P") { lyr = L.circleMarker(ll(g, s)[0], o); }
    else if (k === "L") { lyr = L.polyline(ll(g, s), o); }
    else if (k === "A") { lyr = L.polygon(g.map(function (r) { return ll(r, s); }), o); }
    else if (k === "M") { lyr = L.polyline(g.map(function (p) { return ll(p, s); }), o); }
    else if (k === "N") {
      lyr = L.polygon(g.map(function (p) {
        return p.map(function (r) { return ll(r, s); });
      }), o);
    } else {
      lyr = L.featureGroup(g.map(function (p) { return L.circleMarker(ll(p, s)[0], o); }));
    }
    lyr.feature = { type: "Feature", properties: { id: D.id[i], name: D.n[i] } };
    lyr._spI = i; lyr._spOn = false; lyr._spC = -1;
    return lyr;
  }
  group.bindTooltip(function (lyr) {
    var el = document.createElement("span");
    el.textContent = lyr.feature.properties.name;
    return el;
  }, { sticky: true });
  function apply(state, selected) {
    var shown = 0, sel = null, layers = sp.layers, readded = [];
    for (var i = 0; i < n; i++) {
      var c = state.charCodeAt(i) - 48, lyr = layers[i];
      if (c < 0) {
        if (lyr._spOn) { group.removeLayer(lyr); lyr._spOn = false; }
        continue;
      }
      var isSel = i === selected;
      if (lyr._spC !== c || isSel || i === sp.selected) {
        lyr.setStyle(style(i, c, isSel)); lyr._spC = c;
        if (isSel) { sel = lyr; }
      }
      if (!lyr._spOn) {
        group.addLayer(lyr); lyr._spOn = true;
        if (RANK[D.k[i]] < 3) { readded.push(lyr); }
      }
      shown++;
    }
    // A layer added again lands on top: put areas back under, points back over.
    if (readded.length) {
      readded.forEach(function (l) { if (RANK[D.k[l._spI]] === 1 && l.bringToBack) l.bringToBack(); });
      zoneOutlines.forEach(function (l) { if (l._spOn) l.bringToBack(); });
      for (var j = 0; j < n; j++) {
        if (layers[j]._spOn && RANK[D.k[j]] === 3 && layers[j].bringToFront) layers[j].bringToFront();
      }
    }
    if (sel && selected !== sp.selected) {
      if (sel.bringToFront) { sel.bringToFront(); }
      var b = sel.getBounds ? sel.getBounds() : L.latLngBounds([sel.getLatLng()]);
      if (!map.getBounds().contains(b)) { map.panTo(b.getCenter()); }
    }
    sp.selected = selected; sp.shown = shown; sp.applied += 1;
  }
  window.__spApply = function (state, selected) {
    if (!sp.ready || state.length !== n) { sp.pending = [state, selected]; return; }
    apply(state, selected);
  };
  function init(data) {
    D = data; n = D.id.length; sp.ids = D.id;
    for (var i = 0; i < n; i++) {
      var lyr = make(i); sp.layers.push(lyr);
      if (D.p[i] === "z" && RANK[D.k[i]] === 1) { zoneOutlines.push(lyr); }
    }
    sp.ready = true;
    if (sp.pending) { var p = sp.pending; sp.pending = null; window.__spApply(p[0], p[1]); }
  }
  function fail() {
    var box = L.control({ position: "topright" });
    box.onAdd = function () {
      var el = L.DomUtil.create("div");
      el.style.cssText = "background:#fff3cd;padding:6px 10px;border-radius:4px;";
      el.textContent = "项目图层加载失败，请刷新页面。";
      return el;
    };
    box.addTo(map);
  }
  if (SRC.url) {
    fetch(SRC.url).then(function (r) {
      if (!r.ok) { throw new Error(r.status); } return r.json();
    }).then(init).catch(fail);
  } else { init(SRC.data); }
})();
