{# Beneath the projects, from data the app ships, each layer switchable in a control: the
   district outline and the 东中西 zones, neighbouring districts, 嘉陵江, 镇街 names at their
   seats, metro stations and lines (示意). Nothing here takes a click. The data comes from a
   file the page published (fetched once, cached by the browser) or inline.
   Rendered by geo/mapview/scripts.py: the values set on `this` are escaped JS literals. #}
(function () {
  var map = {{ this._parent.get_name() }};
  var BG = {{ this.source }};
  var p = map.getPane("spContext") || map.createPane("spContext");
  p.style.zIndex = 405; p.style.pointerEvents = "none";
  var lp = map.getPane("spContextLabels") || map.createPane("spContextLabels");
  lp.style.zIndex = 425; lp.style.pointerEvents = "none";
  function label(at, t, css) {
    var el = document.createElement("div");
    el.textContent = t;
    el.style.cssText = "white-space:nowrap;transform:translate(-50%,-50%);" +
      "text-shadow:0 0 2px #fff,0 0 2px #fff;" + css;
    return L.marker([at[1], at[0]], { pane: "spContextLabels", interactive: false, keyboard: false,
      icon: L.divIcon({ className: "sp-context", html: el, iconSize: null }) });
  }
  function shape(g, st) {
    return L.geoJSON(g, { pane: "spContext", interactive: false, style: function () { return st; } });
  }
  // The outline and the zones (features with a label) apart, so the zones can be switched off;
  // each feature carries its own style. Zone labels are drawn by the project layer (with counts).
  function areas(fc) {
    function layer(keep) {
      return L.geoJSON({ type: "FeatureCollection", features: fc.features.filter(keep) }, {
        interactive: false,
        style: function (f) { return f.properties.style; }
      }).addTo(map);
    }
    var zones = layer(function (f) { return !!f.properties.label; });
    layer(function (f) { return !f.properties.label; });
    return zones;
  }
  function draw(data) {
    var CX = data.context, zoneLayer = areas(data.areas);
    var neighbours = L.layerGroup(), river = L.layerGroup(), towns = L.layerGroup();
    var metro = L.layerGroup();
    CX.neighbours.forEach(function (d) {
      neighbours.addLayer(shape(d.g, { color: "#9e9e9e", weight: 1, fillColor: "#efefef",
                                       fillOpacity: 0.6 }));
      neighbours.addLayer(label(d.at, d.n, "font-size:13px;color:#777;"));
    });
    CX.river.forEach(function (g) {
      river.addLayer(shape(g, { color: "#4a90d9", weight: 4, opacity: 0.8 }));
    });
    CX.towns.forEach(function (t) {
      towns.addLayer(label(t.at, t.n, "font-size:11px;color:#6b4f2a;"));
    });
    CX.lines.forEach(function (l) {
      metro.addLayer(shape(l.g, { color: "#7b7b7b", weight: 2, dashArray: "5 4", opacity: 0.8 }));
    });
    CX.stations.forEach(function (s) {
      metro.addLayer(L.circleMarker([s.at[1], s.at[0]], { pane: "spContext", radius: 3,
        color: "#555", weight: 1, fillColor: "#fff", fillOpacity: 1, interactive: false }));
    });
    // Station names only when zoomed in far enough to read them.
    var names = L.layerGroup();
    CX.stations.forEach(function (s) { names.addLayer(label([s.at[0], s.at[1] - 0.0012], s.n, "font-size:10px;color:#555;")); });
    function zoomNames() {
      if (map.hasLayer(metro) && map.getZoom() >= 14) { names.addTo(map); } else { names.remove(); }
    }
    map.on("zoomend overlayadd overlayremove", zoomNames);
    var overlays = { "相邻区县": neighbours, "嘉陵江": river, "镇街名称（驻地）": towns,
                     "轨道站点与线路（示意）": metro, "东中西分区（示意）": zoneLayer };
    [neighbours, river, towns, metro].forEach(function (g) { g.addTo(map); });
    var control = L.control.layers(null, overlays, { collapsed: true, position: "topleft" }).addTo(map);
    var toggle = control.getContainer().querySelector(".leaflet-control-layers-toggle");
    if (toggle) { toggle.title = "图层"; toggle.setAttribute("aria-label", "图层"); }
    if (window.__spPhoneLayout) { window.__spPhoneLayout(); }  // its corner on a phone
    window.__spZoneLayer = zoneLayer;
    if (window.__spLegendLayers) { window.__spLegendLayers(); }  // the legend lists the zones
    window.__spContext = { neighbours: neighbours, river: river, towns: towns, metro: metro };
    zoomNames();
  }
  if (BG.url) {
    fetch(BG.url).then(function (r) {
      if (!r.ok) { throw new Error(r.status); } return r.json();
    }).then(draw).catch(function () {
      var box = L.control({ position: "bottomleft" });
      box.onAdd = function () {
        var el = document.createElement("div");
        el.textContent = "底图参考图层加载失败，请刷新页面。";
        el.style.cssText = "background:#fff3cd;padding:4px 8px;border-radius:4px;";
        return el;
      };
      box.addTo(map);
    });
  } else { draw(BG.data); }
})();
