{# The legend control, built from text nodes so no label can inject markup.
   Rendered by geo/map_scripts.py: the values set on `this` are escaped JS literals. #}
(function () {
  var map = {{ this._parent.get_name() }};
  var spec = {{ this.spec }};
  var legend = L.control({ position: "bottomright" });
  legend.onAdd = function () {
    var box = L.DomUtil.create("div", "sp-legend");
    box.style.cssText = "background:rgba(255,255,255,0.9);padding:6px 8px;" +
      "font-size:12px;line-height:18px;border-radius:4px;box-shadow:0 0 4px #999;";
    var keyed = [], layered = [];
    spec.forEach(function (section) {
      var part = document.createElement("div"), h = document.createElement("div");
      h.textContent = section.title; h.style.fontWeight = "bold";
      part.appendChild(h);
      box.appendChild(part);
      if (section.key) {
        part.setAttribute("data-sp-key", section.key);
        part.style.display = section.key === "status" ? "" : "none";
        keyed.push(part);
      }
      if (section.layer) { layered.push(part); }
      section.rows.forEach(function (row) {
        var line = document.createElement("div");
        var sw = document.createElement("span");
        sw.style.cssText = "display:inline-block;width:12px;height:12px;" +
          "margin-right:6px;vertical-align:middle;border-radius:" +
          (row.round ? "50%" : "2px") + ";background:" + row.fill + ";border:2px " +
          (row.dashed ? "dashed " : "solid ") + row.stroke + ";";
        line.appendChild(sw);
        line.appendChild(document.createTextNode(row.label));
        part.appendChild(line);
      });
    });
    // Only the colour key the map is coloured by (the state says which with every change).
    window.__spLegend = function (key) {
      keyed.forEach(function (part) {
        part.style.display = part.getAttribute("data-sp-key") === key ? "" : "none";
      });
    };
    // A section of a switchable layer (the zones) is listed while the layer is drawn; the zone
    // layer comes with the context layers (maybe fetched later), which call this once drawn.
    window.__spLegendLayers = function () {
      var zones = window.__spZoneLayer, on = !!zones && map.hasLayer(zones);
      layered.forEach(function (part) { part.style.display = on ? "" : "none"; });
    };
    window.__spLegendLayers();
    L.DomEvent.disableClickPropagation(box);
    return box;
  };
  legend.addTo(map);
  map.on("overlayadd overlayremove", function () {
    if (window.__spLegendLayers) { window.__spLegendLayers(); }
  });
})();
